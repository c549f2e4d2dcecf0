//! Writing entries: inside the business transaction, queued for the sealer.

use super::Record;
use crate::entities::{audit_entry, audit_pending};
use crate::repo::micros;
use crate::{StoreError, WriteTx};
use chrono::{DateTime, Utc};
use credinet_core::ids::{AuditEntryId, TenantId};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, NotSet};

/// Appends an entry and queues it for the sealer. It takes the transaction of the change it records,
/// so the change, its entry and the queue row commit together or not at all.
pub async fn append(
    tx: &WriteTx,
    tenant: TenantId,
    record: Record,
    at: DateTime<Utc>,
) -> Result<AuditEntryId, StoreError> {
    let row = unsealed(tenant, record, at).insert(tx).await?;
    queue(tx, tenant, vec![row.id]).await?;
    Ok(AuditEntryId::new(row.id))
}

/// Appends several entries in order (their ids keep that order, and the sealer chains by id) and
/// queues them for the sealer.
pub async fn append_many(
    tx: &WriteTx,
    tenant: TenantId,
    records: Vec<Record>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let rows = records.into_iter().map(|r| unsealed(tenant, r, at));
    let ids = if tx.support_returning() {
        audit_entry::Entity::insert_many(rows)
            .exec_with_returning_keys(tx)
            .await?
    } else {
        // MySQL has no RETURNING; one insert per entry gives each id.
        let mut ids = Vec::new();
        for row in rows {
            ids.push(row.insert(tx).await?.id);
        }
        ids
    };
    queue(tx, tenant, ids).await
}

/// Marks entries as waiting for the sealer.
async fn queue(tx: &WriteTx, tenant: TenantId, entry_ids: Vec<i64>) -> Result<(), StoreError> {
    let rows = entry_ids.into_iter().map(|id| audit_pending::ActiveModel {
        tenant_id: Set(tenant.get()),
        entry_id: Set(id),
    });
    tx.audited(tenant);
    audit_pending::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// The actor label and user agent as stored: cut to the column widths (254 and 512 characters).
pub(crate) fn clipped(record: &Record) -> (String, Option<String>) {
    (
        record.actor.stored().label,
        record
            .origin
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(512).collect()),
    )
}

fn unsealed(tenant: TenantId, record: Record, at: DateTime<Utc>) -> audit_entry::ActiveModel {
    let (actor_label, user_agent) = clipped(&record);
    audit_entry::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        at: Set(micros(at)),
        actor_kind: Set(record.actor.kind.as_str().to_string()),
        actor_id: Set(record.actor.id),
        actor_label: Set(actor_label),
        action: Set(record.action.to_string()),
        entity: Set(record.entity.to_string()),
        entity_id: Set(record.entity_id),
        ip: Set(record.origin.ip),
        user_agent: Set(user_agent),
        before_json: Set(record.before.map(|v| v.to_string())),
        after_json: Set(record.after.map(|v| v.to_string())),
    }
}
