//! What the back office reads of a cut beyond its summary: the portfolio by delinquency bucket at a cut
//! (one aggregate over its statements), and the movements one statement counted — the payments and
//! reversals the cut marked with its date (`cut_on`), so a statement's lines add up to its figures even
//! for a payment registered late with an earlier date.

use super::portfolio::summed;
use crate::StoreError;
use crate::entities::loan_statement;
use chrono::NaiveDate;
use credinet_core::ids::{LoanId, TenantId};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query};

/// Loans of one bucket at a cut: how many, the principal they owe, what they owe in all, and what of
/// it is overdue (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketTotals {
    pub bucket: String,
    pub loans: i64,
    pub outstanding_principal: i64,
    pub outstanding: i64,
    pub overdue: i64,
}

pub async fn buckets<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
) -> Result<Vec<BucketTotals>, StoreError> {
    let b = db.get_database_backend();
    let col = |c: loan_statement::Column| Expr::col(c);
    let select = Query::select()
        .column(loan_statement::Column::Bucket)
        .expr_as(
            Func::count(col(loan_statement::Column::Id)),
            Alias::new("loans"),
        )
        .expr_as(
            summed(b, col(loan_statement::Column::OutstandingPrincipal)),
            Alias::new("outstanding_principal"),
        )
        .expr_as(
            summed(b, col(loan_statement::Column::Closing)),
            Alias::new("outstanding"),
        )
        .expr_as(
            summed(b, col(loan_statement::Column::Overdue)),
            Alias::new("overdue"),
        )
        .from(loan_statement::Entity)
        .and_where(col(loan_statement::Column::TenantId).eq(tenant.get()))
        .and_where(col(loan_statement::Column::CutId).eq(cut_id))
        .group_by_col(loan_statement::Column::Bucket)
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(BucketTotals {
                bucket: r.try_get("", "bucket")?,
                loans: r.try_get("", "loans")?,
                outstanding_principal: r.try_get("", "outstanding_principal")?,
                outstanding: r.try_get("", "outstanding")?,
                overdue: r.try_get("", "overdue")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// A payment or a reversal a statement counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub on: NaiveDate,
    pub reversal: bool,
    pub amount: i64,
    /// The payment's reference, or the reversal's reason.
    pub detail: Option<String>,
    pub payment_id: i64,
}

/// The payments and reversals of `loan` that the cut of `cut_date` counted, by date.
pub async fn movements<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
    cut_date: NaiveDate,
) -> Result<Vec<Movement>, StoreError> {
    let mut out = Vec::new();
    for (table, date, detail, id, reversal) in [
        ("payment", "paid_on", "reference", "id", false),
        (
            "payment_reversal",
            "reversed_on",
            "reason",
            "payment_id",
            true,
        ),
    ] {
        let select = Query::select()
            .expr_as(Expr::col(Alias::new(date)), Alias::new("on_day"))
            .expr_as(Expr::col(Alias::new("amount")), Alias::new("amount"))
            .expr_as(Expr::col(Alias::new(detail)), Alias::new("detail"))
            .expr_as(Expr::col(Alias::new(id)), Alias::new("payment_id"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("tenant_id")).eq(tenant.get()))
            .and_where(Expr::col(Alias::new("loan_id")).eq(loan.get()))
            .and_where(Expr::col(Alias::new("cut_on")).eq(cut_date))
            .order_by(Alias::new(date), Order::Asc)
            .order_by(Alias::new("id"), Order::Asc)
            .to_owned();
        for r in db.query_all(&select).await? {
            out.push(Movement {
                on: r.try_get("", "on_day")?,
                reversal,
                amount: r.try_get("", "amount")?,
                detail: r.try_get("", "detail")?,
                payment_id: r.try_get("", "payment_id")?,
            });
        }
    }
    out.sort_by_key(|m| (m.on, m.reversal, m.payment_id));
    Ok(out)
}
