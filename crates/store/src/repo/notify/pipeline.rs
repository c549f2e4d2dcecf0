//! The rows of the notifier's first two stages. Routing: events of both outboxes (the tenants'
//! `domain_event`, the installation's `system_event`) become occurrences in their channels' groups, in
//! the transaction that marks the events routed — an event is routed once or, if that transaction
//! fails, not at all. Flushing: a group's pending occurrences become messages in the transaction that
//! marks them flushed.
//!
//! Both stages lock what they take: `FOR UPDATE SKIP LOCKED` on PostgreSQL and MariaDB, so two workers
//! pass over each other's rows; on SQLite the single writer's `BEGIN IMMEDIATE` is the lock.

use crate::entities::{domain_event, notify_group, notify_occurrence, system_event};
use crate::repo::micros;
use crate::{StoreError, WriteTx};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{LockBehavior, LockType, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, NotSet, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// Which outbox an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Domain,
    System,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Domain => "domain_event",
            Source::System => "system_event",
        }
    }
}

/// An event waiting to be routed.
#[derive(Debug, Clone)]
pub struct Unrouted {
    pub source: Source,
    pub id: i64,
    /// None for the installation's events.
    pub tenant_id: Option<i64>,
    pub kind: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// JSON.
    pub payload: String,
    pub created_at: DateTime<Utc>,
}

fn skip_locked<E: EntityTrait>(tx: &WriteTx, select: Select<E>) -> Select<E> {
    if tx.get_database_backend() == DbBackend::Sqlite {
        select
    } else {
        select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
    }
}

/// Up to `limit` unrouted events of each outbox, oldest first, locked until the transaction ends.
pub async fn take_unrouted(tx: &WriteTx, limit: u64) -> Result<Vec<Unrouted>, StoreError> {
    let domain = skip_locked(
        tx,
        domain_event::Entity::find()
            .filter(domain_event::Column::DeliveredAt.is_null())
            .order_by_asc(domain_event::Column::Id)
            .limit(limit),
    )
    .all(tx)
    .await?;
    let system = skip_locked(
        tx,
        system_event::Entity::find()
            .filter(system_event::Column::RoutedAt.is_null())
            .order_by_asc(system_event::Column::Id)
            .limit(limit),
    )
    .all(tx)
    .await?;
    let mut events: Vec<Unrouted> = domain
        .into_iter()
        .map(|e| Unrouted {
            source: Source::Domain,
            id: e.id,
            tenant_id: Some(e.tenant_id),
            kind: e.kind,
            entity: e.entity,
            entity_id: e.entity_id,
            payload: e.payload,
            created_at: e.created_at,
        })
        .chain(system.into_iter().map(|e| Unrouted {
            source: Source::System,
            id: e.id,
            tenant_id: None,
            kind: e.kind,
            entity: e.entity,
            entity_id: e.entity_id,
            payload: e.payload,
            created_at: e.created_at,
        }))
        .collect();
    events.sort_by_key(|e| e.created_at);
    Ok(events)
}

/// Marks events routed: domain events delivered (to the notifier), system events routed.
pub async fn mark_routed(
    tx: &WriteTx,
    events: &[Unrouted],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = micros(now);
    let ids = |source: Source| -> Vec<i64> {
        events
            .iter()
            .filter(|e| e.source == source)
            .map(|e| e.id)
            .collect()
    };
    let (domain, system) = (ids(Source::Domain), ids(Source::System));
    if !domain.is_empty() {
        domain_event::Entity::update_many()
            .col_expr(domain_event::Column::DeliveredAt, now.into())
            .filter(domain_event::Column::Id.is_in(domain))
            .exec(tx)
            .await?;
    }
    if !system.is_empty() {
        system_event::Entity::update_many()
            .col_expr(system_event::Column::RoutedAt, now.into())
            .filter(system_event::Column::Id.is_in(system))
            .exec(tx)
            .await?;
    }
    Ok(())
}

/// The id of the channel's group `key`, created when missing (a concurrent creation is not an error).
pub async fn group_id(
    tx: &WriteTx,
    tenant_id: Option<i64>,
    channel_id: i64,
    key: &str,
) -> Result<i64, StoreError> {
    let find = || {
        notify_group::Entity::find()
            .filter(notify_group::Column::ChannelId.eq(channel_id))
            .filter(notify_group::Column::GroupKey.eq(key))
    };
    if let Some(group) = find().one(tx).await? {
        return Ok(group.id);
    }
    let row = notify_group::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant_id),
        channel_id: Set(channel_id),
        group_key: Set(key.to_string()),
        last_flush_at: Set(None),
        last_sent_at: Set(None),
        last_signature: Set(None),
    };
    notify_group::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                notify_group::Column::ChannelId,
                notify_group::Column::GroupKey,
            ])
            .do_nothing_on([
                notify_group::Column::ChannelId,
                notify_group::Column::GroupKey,
            ])
            .to_owned(),
        )
        .exec_without_returning(tx)
        .await?;
    find().one(tx).await?.map(|g| g.id).ok_or_else(|| {
        StoreError::Corrupt(format!("group '{key}' of channel {channel_id} vanished"))
    })
}

#[derive(Debug, Clone)]
pub struct NewOccurrence {
    pub tenant_id: Option<i64>,
    pub group_id: i64,
    pub source: Source,
    pub source_id: i64,
    pub kind: String,
    pub fingerprint: String,
    pub payload: String,
    pub occurred_at: DateTime<Utc>,
}

pub async fn add_occurrences(tx: &WriteTx, new: Vec<NewOccurrence>) -> Result<(), StoreError> {
    for chunk in new.chunks(500) {
        let rows = chunk
            .iter()
            .cloned()
            .map(|o| notify_occurrence::ActiveModel {
                id: NotSet,
                tenant_id: Set(o.tenant_id),
                group_id: Set(o.group_id),
                source: Set(o.source.as_str().to_string()),
                source_id: Set(o.source_id),
                kind: Set(o.kind),
                fingerprint: Set(o.fingerprint),
                payload: Set(o.payload),
                occurred_at: Set(micros(o.occurred_at)),
                flushed_at: Set(None),
            });
        notify_occurrence::Entity::insert_many(rows)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Up to `limit` groups with pending occurrences, locked until the transaction ends.
pub async fn lock_pending_groups(
    tx: &WriteTx,
    limit: u64,
) -> Result<Vec<notify_group::Model>, StoreError> {
    let pending = Query::select()
        .distinct()
        .column(notify_occurrence::Column::GroupId)
        .from(notify_occurrence::Entity)
        .and_where(notify_occurrence::Column::FlushedAt.is_null())
        .to_owned();
    Ok(skip_locked(
        tx,
        notify_group::Entity::find()
            .filter(notify_group::Column::Id.in_subquery(pending))
            .order_by_asc(notify_group::Column::Id)
            .limit(limit),
    )
    .all(tx)
    .await?)
}

/// The pending occurrences of these groups, oldest first.
pub async fn pending_occurrences(
    tx: &WriteTx,
    group_ids: &[i64],
) -> Result<Vec<notify_occurrence::Model>, StoreError> {
    if group_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(notify_occurrence::Entity::find()
        .filter(notify_occurrence::Column::GroupId.is_in(group_ids.iter().copied()))
        .filter(notify_occurrence::Column::FlushedAt.is_null())
        .order_by_asc(notify_occurrence::Column::OccurredAt)
        .order_by_asc(notify_occurrence::Column::Id)
        .all(tx)
        .await?)
}

pub async fn mark_flushed(tx: &WriteTx, ids: &[i64], now: DateTime<Utc>) -> Result<(), StoreError> {
    for chunk in ids.chunks(1000) {
        notify_occurrence::Entity::update_many()
            .col_expr(notify_occurrence::Column::FlushedAt, micros(now).into())
            .filter(notify_occurrence::Column::Id.is_in(chunk.iter().copied()))
            .exec(tx)
            .await?;
    }
    Ok(())
}

/// Records a group's flush: `sent` carries the signature of the message it produced, None when the
/// flush only absorbed repeats of what was last sent.
pub async fn record_flush(
    tx: &WriteTx,
    group_id: i64,
    now: DateTime<Utc>,
    sent: Option<&str>,
) -> Result<(), StoreError> {
    let now = micros(now);
    let mut update = notify_group::Entity::update_many()
        .col_expr(notify_group::Column::LastFlushAt, now.into())
        .filter(notify_group::Column::Id.eq(group_id));
    if let Some(signature) = sent {
        update = update
            .col_expr(notify_group::Column::LastSentAt, now.into())
            .col_expr(notify_group::Column::LastSignature, signature.into());
    }
    update.exec(tx).await?;
    Ok(())
}
