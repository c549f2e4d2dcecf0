//! Counts and sums of a tenant's portfolio, in one statement on every backend.

use crate::StoreError;
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, DbBackend};

/// Counts and sums of a tenant's portfolio, in centavos: a load read back, or a benchmark's check
/// that the payments stored are the payments acknowledged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub clients: i64,
    pub loans: i64,
    pub installments: i64,
    /// Σ over installments of every component due.
    pub installments_due: i64,
    /// Σ over installments of every component paid.
    pub installments_paid: i64,
    pub loans_total_due: i64,
    pub loans_total_paid: i64,
    pub loans_outstanding: i64,
    pub payments: i64,
    pub payments_amount: i64,
}

/// Reads [`Totals`] for `tenant` in one statement.
pub async fn totals<C: ConnectionTrait>(db: &C, tenant: TenantId) -> Result<Totals, StoreError> {
    let backend = db.get_database_backend();
    // SUM of a BIGINT is NUMERIC on PostgreSQL and DECIMAL on MySQL: cast back to a 64-bit integer.
    let int = Alias::new(match backend {
        DbBackend::MySql => "SIGNED",
        _ => "BIGINT",
    });
    let t = tenant.get();
    let of = |table: &'static str, expr: Expr, int: &Alias| -> Expr {
        let inner = Query::select()
            .expr(Func::coalesce([expr, Expr::val(0)]))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("tenant_id")).eq(t))
            .to_owned();
        Func::cast_as(Expr::from(inner), int.clone()).into()
    };
    let col = |name: &'static str| Expr::col(Alias::new(name));
    let sum = |cols: &[&'static str]| -> Expr {
        let mut cols = cols.iter();
        let first = col(cols.next().copied().unwrap_or("id"));
        let total = cols.fold(first, |acc, c| acc.add(col(c)));
        Func::sum(total).into()
    };
    let count = || -> Expr { Func::count(Expr::col(Alias::new("id"))).into() };
    let due = [
        "principal",
        "interest",
        "interest_iva",
        "late_fee",
        "late_fee_iva",
    ];
    let paid = [
        "paid_principal",
        "paid_interest",
        "paid_interest_iva",
        "paid_late_fee",
        "paid_late_fee_iva",
    ];
    let columns: [(&str, &'static str, Expr); 10] = [
        ("clients", "client", count()),
        ("loans", "loan", count()),
        ("installments", "installment", count()),
        ("installments_due", "installment", sum(&due)),
        ("installments_paid", "installment", sum(&paid)),
        ("loans_total_due", "loan", sum(&["total_due"])),
        ("loans_total_paid", "loan", sum(&["total_paid"])),
        ("loans_outstanding", "loan", sum(&["outstanding"])),
        ("payments", "payment", count()),
        ("payments_amount", "payment", sum(&["amount"])),
    ];
    let mut select = Query::select();
    for (name, table, expr) in columns {
        select.expr_as(of(table, expr, &int), Alias::new(name));
    }
    let row = db
        .query_one(&select)
        .await?
        .ok_or_else(|| StoreError::Corrupt("no answer counting a portfolio".into()))?;
    let get = |name: &str| row.try_get::<i64>("", name);
    Ok(Totals {
        clients: get("clients")?,
        loans: get("loans")?,
        installments: get("installments")?,
        installments_due: get("installments_due")?,
        installments_paid: get("installments_paid")?,
        loans_total_due: get("loans_total_due")?,
        loans_total_paid: get("loans_total_paid")?,
        loans_outstanding: get("loans_outstanding")?,
        payments: get("payments")?,
        payments_amount: get("payments_amount")?,
    })
}
