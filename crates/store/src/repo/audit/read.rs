//! Reading entries: one entry with its place in the chain, and counts. Lists, filtered or not, are in
//! `search`.

use crate::StoreError;
use crate::entities::{audit_chain, audit_entry, audit_seal};
use crate::repo::tenant_is;
use chrono::{DateTime, Utc};
use credinet_core::ids::{AuditEntryId, TenantId};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: Option<String>,
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: AuditEntryId,
) -> Result<Option<AuditEntry>, StoreError> {
    let rows = audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.get()))
        .filter(audit_entry::Column::Id.eq(id.get()))
        .all(db)
        .await?;
    Ok(with_links(db, tenant, rows).await?.pop())
}

/// The entries with their place in the chain, for those already sealed.
pub(super) async fn with_links<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    rows: Vec<audit_entry::Model>,
) -> Result<Vec<AuditEntry>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut links: HashMap<i64, audit_seal::Model> = audit_seal::Entity::find()
        .filter(tenant_is(audit_seal::Column::TenantId, tenant))
        .filter(audit_seal::Column::EntryId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|l| (l.entry_id, l))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let link = links.remove(&row.id);
            to_domain(row, link)
        })
        .collect())
}

fn to_domain(row: audit_entry::Model, link: Option<audit_seal::Model>) -> AuditEntry {
    AuditEntry {
        id: AuditEntryId::new(row.id),
        seq: link.as_ref().map(|l| l.seq),
        at: row.at,
        actor_kind: row.actor_kind,
        actor_id: row.actor_id,
        actor_label: row.actor_label,
        action: row.action,
        entity: row.entity,
        entity_id: row.entity_id,
        ip: row.ip,
        user_agent: row.user_agent,
        before: row.before_json,
        after: row.after_json,
        hash: link.map(|l| l.hash),
    }
}

/// Entries of `tenant` written at or after `since`.
pub async fn count_since<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    since: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.get()))
        .filter(audit_entry::Column::At.gte(since))
        .count(db)
        .await?)
}

/// How many entries of `tenant` are sealed, and when the chain last moved.
pub async fn chain_head<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Option<(i64, DateTime<Utc>)>, StoreError> {
    Ok(audit_chain::Entity::find_by_id(tenant.get())
        .one(db)
        .await?
        .map(|h| (h.last_seq, h.sealed_at)))
}
