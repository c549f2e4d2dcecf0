//! The client's name folded for search (lower case, no accents), kept beside the name on every write so
//! a search compares the same text on SQLite, PostgreSQL and MariaDB (issue 22, ADR 25).
//!
//! Existing rows are backfilled here with `credinet_core::search::fold`, the function every insert and
//! update uses, never with a database's own lower/unaccent (PostgreSQL needs an extension for it, SQLite
//! has none, and each would fold differently from the writes that follow).
//!
//! No index: a search looks for the text anywhere in the name (`LIKE '%…%'`), which no B-tree serves;
//! the tenant's index narrows the rows first.

use super::columns::sql;
use sea_orm::sea_query::{Alias, CaseStatement, ColumnDef, Expr, ExprTrait, Query, Table};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, Statement};

/// Longest folded name: a name has at most 200 characters and folding only drops or lowers them.
pub const SEARCH_NAME_LEN: u32 = 200;

/// Clients updated per statement: one `UPDATE … CASE id WHEN … END` per batch, not one per row.
const BATCH: u64 = 500;

pub fn statements(b: DbBackend) -> Vec<Statement> {
    vec![sql(
        b,
        Table::alter().table("client").add_column(
            ColumnDef::new("search_name")
                .string_len(SEARCH_NAME_LEN)
                .not_null()
                .default(""),
        ),
    )]
}

/// Folds the names of the clients that exist, in batches by id.
pub async fn backfill(tx: &DatabaseTransaction) -> Result<(), DbErr> {
    let mut after = 0_i64;
    loop {
        let select = Query::select()
            .columns(["id", "full_name"])
            .from("client")
            .and_where(Expr::col("id").gt(after))
            .order_by("id", sea_orm::Order::Asc)
            .limit(BATCH)
            .to_owned();
        let rows = tx.query_all(&select).await?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get::<i64>("", "id")?;
        let mut folded = CaseStatement::new();
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: i64 = row.try_get("", "id")?;
            let name: String = row.try_get("", "full_name")?;
            folded = folded.case(Expr::col("id").eq(id), credinet_core::search::fold(&name));
            ids.push(id);
        }
        let update = Query::update()
            .table(Alias::new("client"))
            .value(Alias::new("search_name"), folded.finally(""))
            .and_where(Expr::col("id").is_in(ids))
            .to_owned();
        tx.execute(&update).await?;
    }
}
