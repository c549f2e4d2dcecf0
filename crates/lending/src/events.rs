//! Domain events ([`EventKind`]: `loan_approved`, `payment_registered`, `payment_reversed`, …): an outbox written in the
//! transaction of the change it announces; the notifier reads undelivered rows and marks them delivered.

use crate::LendingError;
use chrono::{DateTime, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{EventId, TenantId};
use credinet_store::Store;
use credinet_store::entities::domain_event;
use credinet_store::repo::events as repo;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainEvent {
    pub id: EventId,
    pub tenant_id: TenantId,
    pub kind: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub payload: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// The tenant's latest events, optionally of one kind.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    kind: Option<EventKind>,
    limit: u64,
) -> Result<Vec<DomainEvent>, LendingError> {
    Ok(repo::list(store.db(), tenant, kind, limit.clamp(1, 1000))
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// Undelivered events of every tenant, oldest first.
pub async fn undelivered(store: &Store, limit: u64) -> Result<Vec<DomainEvent>, LendingError> {
    Ok(repo::undelivered(store.db(), limit.clamp(1, 1000))
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

pub async fn mark_delivered(store: &Store, ids: &[EventId]) -> Result<u64, LendingError> {
    let tx = store.write().await?;
    let n = repo::mark_delivered(&tx, ids, store.now()).await?;
    tx.commit().await?;
    Ok(n)
}

fn to_domain(row: domain_event::Model) -> DomainEvent {
    DomainEvent {
        id: EventId::new(row.id),
        tenant_id: TenantId::new(row.tenant_id),
        payload: serde_json::from_str(&row.payload)
            .unwrap_or(serde_json::Value::String(row.payload)),
        kind: row.kind,
        entity: row.entity,
        entity_id: row.entity_id,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
    }
}
