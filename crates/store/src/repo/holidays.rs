//! A tenant's holidays: data the tenant edits, seeded with Mexico's bank holidays.

use crate::entities::holiday;
use crate::{StoreError, error::is_unique_violation};
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder,
};

/// The tenant's holidays from `from` to `to` (inclusive), by date.
pub async fn between<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<holiday::Model>, StoreError> {
    Ok(holiday::Entity::find()
        .filter(holiday::Column::TenantId.eq(tenant.get()))
        .filter(holiday::Column::Date.gte(from))
        .filter(holiday::Column::Date.lte(to))
        .order_by_asc(holiday::Column::Date)
        .all(db)
        .await?)
}

pub async fn count_between<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<u64, StoreError> {
    Ok(holiday::Entity::find()
        .filter(holiday::Column::TenantId.eq(tenant.get()))
        .filter(holiday::Column::Date.gte(from))
        .filter(holiday::Column::Date.lte(to))
        .count(db)
        .await?)
}

/// Adds a holiday; a date that already is one is a conflict.
pub async fn add<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    date: NaiveDate,
    name: &str,
) -> Result<holiday::Model, StoreError> {
    let row = holiday::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        date: Set(date),
        name: Set(name.to_string()),
    };
    let done = holiday::Entity::insert(row).exec(db).await.map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("a holiday on {date}"))
        } else {
            e.into()
        }
    })?;
    holiday::Entity::find_by_id(done.last_insert_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a holiday vanished after insert".into()))
}

/// Adds the holidays that are not there yet (dates already present are kept as the tenant left them).
pub async fn add_missing<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    holidays: &[(NaiveDate, String)],
) -> Result<(), StoreError> {
    if holidays.is_empty() {
        return Ok(());
    }
    let rows = holidays.iter().map(|(date, name)| holiday::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        date: Set(*date),
        name: Set(name.clone()),
    });
    holiday::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([holiday::Column::TenantId, holiday::Column::Date])
                .do_nothing_on([holiday::Column::Id])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Removes the tenant's holiday on `date`; false when there was none.
pub async fn remove<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    date: NaiveDate,
) -> Result<bool, StoreError> {
    let done = holiday::Entity::delete_many()
        .filter(holiday::Column::TenantId.eq(tenant.get()))
        .filter(holiday::Column::Date.eq(date))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}
