//! Routing rules: which event kinds of an owner go to which of its channels.

use super::{Owner, channels};
use crate::StoreError;
use crate::entities::notify_rule;
use crate::repo::micros;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QueryOrder,
};

/// Adds a rule; the channel must be the owner's, so no rule sends one tenant's events to another's
/// channel. An existing identical rule is returned as it is.
pub async fn create<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    event_kind: &str,
    channel_id: i64,
    now: DateTime<Utc>,
) -> Result<notify_rule::Model, StoreError> {
    if channels::get(db, owner, channel_id).await?.is_none() {
        return Err(StoreError::NotFound(format!("channel {channel_id}")));
    }
    if let Some(same) = list(db, owner)
        .await?
        .into_iter()
        .find(|r| r.event_kind == event_kind && r.channel_id == channel_id)
    {
        return Ok(same);
    }
    let row = notify_rule::ActiveModel {
        id: NotSet,
        tenant_id: Set(owner.tenant_column()),
        event_kind: Set(event_kind.to_string()),
        channel_id: Set(channel_id),
        created_at: Set(micros(now)),
    };
    let id = notify_rule::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id;
    notify_rule::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("rule {id} vanished after insert")))
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
) -> Result<Vec<notify_rule::Model>, StoreError> {
    Ok(notify_rule::Entity::find()
        .filter(owner.is(notify_rule::Column::TenantId))
        .order_by_asc(notify_rule::Column::Id)
        .all(db)
        .await?)
}

/// One of the owner's rules; another owner's id reads as missing.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
) -> Result<Option<notify_rule::Model>, StoreError> {
    Ok(notify_rule::Entity::find_by_id(id)
        .filter(owner.is(notify_rule::Column::TenantId))
        .one(db)
        .await?)
}

/// Points one of the owner's rules at another event kind or channel. The channel must be the
/// owner's, as in [`create`].
pub async fn update<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    event_kind: &str,
    channel_id: i64,
) -> Result<(), StoreError> {
    if channels::get(db, owner, channel_id).await?.is_none() {
        return Err(StoreError::NotFound(format!("channel {channel_id}")));
    }
    // Not judged by the rows affected: MariaDB counts a row set to the values it had as unchanged.
    // The caller reads the rule first, in the same transaction.
    notify_rule::Entity::update_many()
        .col_expr(notify_rule::Column::EventKind, event_kind.into())
        .col_expr(notify_rule::Column::ChannelId, channel_id.into())
        .filter(notify_rule::Column::Id.eq(id))
        .filter(owner.is(notify_rule::Column::TenantId))
        .exec(db)
        .await?;
    Ok(())
}

/// Removes one of the owner's rules; returns whether there was one.
pub async fn delete<C: ConnectionTrait>(db: &C, owner: Owner, id: i64) -> Result<bool, StoreError> {
    let done = notify_rule::Entity::delete_many()
        .filter(notify_rule::Column::Id.eq(id))
        .filter(owner.is(notify_rule::Column::TenantId))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

/// Every rule of every owner whose channel is enabled, with the channel: the routing table of one pass.
pub async fn routing_table<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(notify_rule::Model, crate::entities::notify_channel::Model)>, StoreError> {
    let rules = notify_rule::Entity::find()
        .order_by_asc(notify_rule::Column::Id)
        .all(db)
        .await?;
    let channels = channels::by_ids(db, rules.iter().map(|r| r.channel_id)).await?;
    Ok(rules
        .into_iter()
        .filter_map(|rule| {
            let channel = channels
                .iter()
                .find(|c| c.id == rule.channel_id && c.tenant_id == rule.tenant_id && c.enabled)?;
            Some((rule, channel.clone()))
        })
        .collect())
}
