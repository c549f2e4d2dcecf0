//! Aggregates for dashboards and reports: set-based statements built with SeaQuery, one round trip
//! each, scoped by tenant.

use super::collections::paid_between;
use super::installment_sums::{col, due, of_loans};
use crate::StoreError;
use crate::entities::{installment, loan, payment};
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

/// Loans of one status: how many, their principal and what is still owed on them (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTotals {
    pub status: String,
    pub loans: i64,
    pub principal: i64,
    pub outstanding: i64,
}

/// An amount per local date (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAmount {
    pub day: NaiveDate,
    pub amount: i64,
}

/// `SUM` of BIGINT columns read back as a 64-bit integer, 0 when there are no rows: PostgreSQL sums into
/// NUMERIC and MySQL into DECIMAL, so the total is cast back (MySQL names the type SIGNED).
pub(crate) fn summed(backend: DbBackend, expr: Expr) -> Expr {
    let total = Func::coalesce([Func::sum(expr).into(), Expr::val(0i64)]);
    let as_type = if backend == DbBackend::MySql {
        "SIGNED"
    } else {
        "BIGINT"
    };
    Func::cast_as(total, Alias::new(as_type)).into()
}

pub async fn by_status<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Vec<StatusTotals>, StoreError> {
    let b = db.get_database_backend();
    let select = Query::select()
        .column(loan::Column::Status)
        .expr_as(
            Func::count(Expr::col(loan::Column::Id)),
            Alias::new("loans"),
        )
        .expr_as(
            summed(b, Expr::col(loan::Column::Principal)),
            Alias::new("principal"),
        )
        .expr_as(
            summed(b, Expr::col(loan::Column::Outstanding)),
            Alias::new("outstanding"),
        )
        .from(loan::Entity)
        .and_where(Expr::col(loan::Column::TenantId).eq(tenant.get()))
        .group_by_col(loan::Column::Status)
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(StatusTotals {
                status: r.try_get("", "status")?,
                loans: r.try_get("", "loans")?,
                principal: r.try_get("", "principal")?,
                outstanding: r.try_get("", "outstanding")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// Money collected per local date in `[from, to]`: payments not reversed.
pub async fn collected_by_day<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, StoreError> {
    let b = db.get_database_backend();
    let select = paid_between(tenant, from, to)
        .expr_as(Expr::col(payment::Column::PaidOn), Alias::new("day"))
        .expr_as(
            summed(b, Expr::col(payment::Column::Amount)),
            Alias::new("amount"),
        )
        .and_where(Expr::col(payment::Column::Reversed).eq(false))
        .group_by_col(payment::Column::PaidOn)
        .order_by(payment::Column::PaidOn, Order::Asc)
        .to_owned();
    day_amounts(db, select).await
}

/// What fell due per local date in `[from, to]` on loans that are disbursed, paid or written off.
pub async fn due_by_day<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, StoreError> {
    let b = db.get_database_backend();
    let due_date = || col(installment::Column::DueDate);
    let select = of_loans(tenant, &["disbursed", "paid", "written_off"])
        .expr_as(due_date(), Alias::new("day"))
        .expr_as(summed(b, due()), Alias::new("amount"))
        .and_where(due_date().gte(from))
        .and_where(due_date().lte(to))
        .group_by_col((installment::Entity, installment::Column::DueDate))
        .order_by(
            (installment::Entity, installment::Column::DueDate),
            Order::Asc,
        )
        .to_owned();
    day_amounts(db, select).await
}

async fn day_amounts<C: ConnectionTrait>(
    db: &C,
    select: SelectStatement,
) -> Result<Vec<DayAmount>, StoreError> {
    let rows: Vec<QueryResult> = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(DayAmount {
                day: r.try_get("", "day")?,
                amount: r.try_get("", "amount")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}
