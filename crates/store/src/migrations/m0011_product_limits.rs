//! Products' limits (issue 22): the smallest and largest principal and the shortest and longest term an
//! application may ask for, so that an application of $99,999,999.00 is refused (ADR 30).
//!
//! Products that exist get the limits a product defined without them gets today
//! (`credinet_core::lending::limits::ProductLimits::defaults_for`): their own term only, which is all
//! they offered before, and any principal from one peso to a million. An admin narrows them on the
//! product's page. Loans already requested keep what they asked for: limits speak at application.

use super::columns::sql;
use credinet_core::lending::limits::{DEFAULT_MAX_PRINCIPAL, DEFAULT_MIN_PRINCIPAL};
use sea_orm::sea_query::{Alias, ColumnDef, Expr, Query, Table};
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    // One column per ALTER: SQLite adds one at a time.
    let add = |col: &mut ColumnDef| sql(b, Table::alter().table("loan_product").add_column(col));
    vec![
        add(ColumnDef::new("min_principal")
            .big_integer()
            .not_null()
            .default(DEFAULT_MIN_PRINCIPAL.centavos())),
        add(ColumnDef::new("max_principal")
            .big_integer()
            .not_null()
            .default(DEFAULT_MAX_PRINCIPAL.centavos())),
        add(ColumnDef::new("min_term_periods")
            .integer()
            .not_null()
            .default(1)),
        add(ColumnDef::new("max_term_periods")
            .integer()
            .not_null()
            .default(1)),
        // The product's own term is the only one it offered until now.
        sql(
            b,
            Query::update()
                .table(Alias::new("loan_product"))
                .value(Alias::new("min_term_periods"), Expr::col("term_periods"))
                .value(Alias::new("max_term_periods"), Expr::col("term_periods")),
        ),
    ]
}
