//! The domain-event outbox: written in the business transaction, delivered later by the notifier.
//!
//! Delivery is claim → deliver → [`mark_delivered`]. [`claim`] leases a batch so that two deliverers
//! (two processes, two servers) never take the same event; a deliverer that dies leaves its events to
//! come back when the lease ends, so an event is delivered at least once and, while leases outlast a
//! delivery, once.

use super::micros;
use crate::entities::domain_event;
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{EventId, TenantId};
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect,
};

#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub payload: serde_json::Value,
}

/// Appends an event; call it with the transaction of the change it announces.
pub async fn append<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    event: NewEvent,
    now: DateTime<Utc>,
) -> Result<EventId, StoreError> {
    let row = event_model(tenant, event, micros(now));
    let done = domain_event::Entity::insert(row).exec(db).await?;
    Ok(EventId::new(done.last_insert_id))
}

/// The tenant's events, newest first, optionally of one kind.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    kind: Option<EventKind>,
    limit: u64,
) -> Result<Vec<domain_event::Model>, StoreError> {
    let mut q =
        domain_event::Entity::find().filter(domain_event::Column::TenantId.eq(tenant.get()));
    if let Some(kind) = kind {
        q = q.filter(domain_event::Column::Kind.eq(kind.as_str()));
    }
    Ok(q.order_by_desc(domain_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Undelivered events of every tenant, oldest first (for the notifier, which is not tenant-scoped: each
/// event carries its tenant).
pub async fn undelivered<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<domain_event::Model>, StoreError> {
    Ok(domain_event::Entity::find()
        .filter(domain_event::Column::DeliveredAt.is_null())
        .order_by_asc(domain_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Events leased to one deliverer until `until`.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub events: Vec<domain_event::Model>,
    pub until: DateTime<Utc>,
}

/// Claims up to `limit` undelivered events, oldest first, that nobody holds: never claimed, or whose
/// lease ended by the store's clock. They are leased for `lease` from now and the claim is committed
/// before it returns, so the caller delivers outside any transaction and then calls [`mark_delivered`].
///
/// Two claimers never get the same event: on PostgreSQL and MariaDB the candidates are read with
/// `FOR UPDATE SKIP LOCKED`, so a concurrent claimer passes over the rows another holds and, once that
/// one commits, sees their lease; on SQLite the claim runs in the single writer's `BEGIN IMMEDIATE`
/// transaction, which no other writer enters until it commits.
pub async fn claim(store: &Store, limit: u64, lease: Duration) -> Result<Claimed, StoreError> {
    let now = store.now();
    let until = micros(now + lease);
    let tx = store.write().await?;
    let mut candidates = domain_event::Entity::find()
        .filter(domain_event::Column::DeliveredAt.is_null())
        .filter(
            Condition::any()
                .add(domain_event::Column::ClaimedUntil.is_null())
                .add(domain_event::Column::ClaimedUntil.lte(now)),
        )
        .order_by_asc(domain_event::Column::Id)
        .limit(limit);
    if store.backend() != DbBackend::Sqlite {
        candidates = candidates.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut events = candidates.all(&tx).await?;
    if !events.is_empty() {
        domain_event::Entity::update_many()
            .col_expr(domain_event::Column::ClaimedUntil, until.into())
            .filter(domain_event::Column::Id.is_in(events.iter().map(|e| e.id)))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    for event in &mut events {
        event.claimed_until = Some(until);
    }
    Ok(Claimed { events, until })
}

/// Marks events delivered (those already marked are left as they are); returns how many it marked.
pub async fn mark_delivered<C: ConnectionTrait>(
    db: &C,
    ids: &[EventId],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let done = domain_event::Entity::update_many()
        .col_expr(domain_event::Column::DeliveredAt, micros(now).into())
        .filter(domain_event::Column::Id.is_in(ids.iter().map(|i| i.get())))
        .filter(domain_event::Column::DeliveredAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// Appends several events in one statement.
pub async fn append_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    events: Vec<NewEvent>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    let now = micros(now);
    let models = events
        .into_iter()
        .map(|event| event_model(tenant, event, now));
    domain_event::Entity::insert_many(models)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

fn event_model(
    tenant: TenantId,
    event: NewEvent,
    created_at: DateTime<Utc>,
) -> domain_event::ActiveModel {
    domain_event::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        kind: Set(event.kind.as_str().to_string()),
        entity: Set(event.entity.to_string()),
        entity_id: Set(event.entity_id),
        payload: Set(event.payload.to_string()),
        created_at: Set(created_at),
        delivered_at: Set(None),
        claimed_until: Set(None),
    }
}
