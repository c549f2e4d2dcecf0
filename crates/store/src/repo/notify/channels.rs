//! Notification channels of a tenant or of the installation.

use super::Owner;
use crate::StoreError;
use crate::entities::notify_channel;
use crate::repo::micros;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
};

pub struct NewChannel {
    pub name: String,
    /// `telegram`, `discord`, `email` or `webhook`.
    pub kind: &'static str,
    /// JSON, as the notifier validated it.
    pub config: String,
    pub enabled: bool,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    new: NewChannel,
    now: DateTime<Utc>,
) -> Result<notify_channel::Model, StoreError> {
    let now = micros(now);
    let row = notify_channel::ActiveModel {
        id: NotSet,
        tenant_id: Set(owner.tenant_column()),
        name: Set(new.name),
        kind: Set(new.kind.to_string()),
        config: Set(new.config),
        enabled: Set(new.enabled),
        created_at: Set(now),
        updated_at: Set(now),
    };
    let id = notify_channel::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id;
    get(db, owner, id)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("channel {id} vanished after insert")))
}

/// The owner's channels, oldest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
) -> Result<Vec<notify_channel::Model>, StoreError> {
    Ok(notify_channel::Entity::find()
        .filter(owner.is(notify_channel::Column::TenantId))
        .order_by_asc(notify_channel::Column::Id)
        .all(db)
        .await?)
}

/// One of the owner's channels; another owner's id reads as missing.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
) -> Result<Option<notify_channel::Model>, StoreError> {
    Ok(notify_channel::Entity::find_by_id(id)
        .filter(owner.is(notify_channel::Column::TenantId))
        .one(db)
        .await?)
}

/// Replaces a channel's configuration (an admin's edit, or a Telegram group that became a supergroup).
pub async fn update_config<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    config: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    update_one(
        db,
        owner,
        id,
        notify_channel::Column::Config,
        config.into(),
        now,
    )
    .await
}

/// Renames one of the owner's channels and replaces its configuration (an admin's edit). The caller
/// reads the channel first in the same transaction: the rows affected cannot say whether it exists,
/// as MariaDB counts a row set to the values it had as unchanged.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    name: String,
    config: String,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    notify_channel::Entity::update_many()
        .col_expr(notify_channel::Column::Name, name.into())
        .col_expr(notify_channel::Column::Config, config.into())
        .col_expr(notify_channel::Column::UpdatedAt, micros(now).into())
        .filter(notify_channel::Column::Id.eq(id))
        .filter(owner.is(notify_channel::Column::TenantId))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_enabled<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    update_one(
        db,
        owner,
        id,
        notify_channel::Column::Enabled,
        enabled.into(),
        now,
    )
    .await
}

/// Sets one column of one of `owner`'s channels and stamps the edit; another owner's channel is
/// not found, like a missing one.
async fn update_one<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    column: notify_channel::Column,
    value: sea_orm::Value,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let done = notify_channel::Entity::update_many()
        .col_expr(column, value.into())
        .col_expr(notify_channel::Column::UpdatedAt, micros(now).into())
        .filter(notify_channel::Column::Id.eq(id))
        .filter(owner.is(notify_channel::Column::TenantId))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::NotFound(format!("channel {id}")));
    }
    Ok(())
}

/// Channels by id whoever owns them: for the delivery worker, whose messages name their channel.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = i64>,
) -> Result<Vec<notify_channel::Model>, StoreError> {
    Ok(notify_channel::Entity::find()
        .filter(notify_channel::Column::Id.is_in(ids))
        .all(db)
        .await?)
}
