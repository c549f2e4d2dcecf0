//! Collections for reports: payments of a date range summed per local day and per person who
//! registered them, each split by whether the payment was later reversed. One aggregate statement each,
//! scoped by tenant; the report groups days into cut periods in code.

use super::portfolio::summed;
use crate::StoreError;
use crate::entities::payment;
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};

/// The tenant's payments of local dates in `[from, to]`, reversed or not: what every collections
/// aggregate (these and the dashboard's days) selects from.
pub(crate) fn paid_between(tenant: TenantId, from: NaiveDate, to: NaiveDate) -> SelectStatement {
    let day = || Expr::col(payment::Column::PaidOn);
    Query::select()
        .from(payment::Entity)
        .and_where(Expr::col(payment::Column::TenantId).eq(tenant.get()))
        .and_where(day().gte(from))
        .and_where(day().lte(to))
        .to_owned()
}

/// Payments of one local day that were (or were not) reversed later: how many and how much (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCollections {
    pub day: NaiveDate,
    pub reversed: bool,
    pub payments: i64,
    pub amount: i64,
}

/// Payments registered by one actor (kind, id, label as stored on the payment), split the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectorCollections {
    pub kind: Option<String>,
    pub id: Option<i64>,
    pub label: Option<String>,
    pub reversed: bool,
    pub payments: i64,
    pub amount: i64,
}

pub async fn by_day<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayCollections>, StoreError> {
    let b = db.get_database_backend();
    let select = paid_between(tenant, from, to)
        .expr_as(Expr::col(payment::Column::PaidOn), Alias::new("day"))
        .column(payment::Column::Reversed)
        .expr_as(
            Func::count(Expr::col(payment::Column::Id)),
            Alias::new("payments"),
        )
        .expr_as(
            summed(b, Expr::col(payment::Column::Amount)),
            Alias::new("amount"),
        )
        .group_by_col(payment::Column::PaidOn)
        .group_by_col(payment::Column::Reversed)
        .order_by(payment::Column::PaidOn, Order::Asc)
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(DayCollections {
                day: r.try_get("", "day")?,
                reversed: r.try_get("", "reversed")?,
                payments: r.try_get("", "payments")?,
                amount: r.try_get("", "amount")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

pub async fn by_collector<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CollectorCollections>, StoreError> {
    let b = db.get_database_backend();
    let select = paid_between(tenant, from, to)
        .columns([
            payment::Column::RegisteredByKind,
            payment::Column::RegisteredById,
            payment::Column::RegisteredByLabel,
            payment::Column::Reversed,
        ])
        .expr_as(
            Func::count(Expr::col(payment::Column::Id)),
            Alias::new("payments"),
        )
        .expr_as(
            summed(b, Expr::col(payment::Column::Amount)),
            Alias::new("amount"),
        )
        .group_by_columns([
            payment::Column::RegisteredByKind,
            payment::Column::RegisteredById,
            payment::Column::RegisteredByLabel,
            payment::Column::Reversed,
        ])
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(CollectorCollections {
                kind: r.try_get("", "registered_by_kind")?,
                id: r.try_get("", "registered_by_id")?,
                label: r.try_get("", "registered_by_label")?,
                reversed: r.try_get("", "reversed")?,
                payments: r.try_get("", "payments")?,
                amount: r.try_get("", "amount")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}
