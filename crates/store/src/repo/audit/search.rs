//! Lists of the log: as people search it — by who, what, which object and when, a page at a time with
//! the count of all that matches (the pages say «página X de Y» and jump to the last) — and as `/v1`
//! pages it, below an entry id so that pages stay put while new entries arrive.

use super::read::{AuditEntry, with_links};
use crate::StoreError;
use crate::entities::audit_entry;
use chrono::{DateTime, Utc};
use credinet_core::ids::{AuditEntryId, TenantId};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

/// What to look for; every field left `None` matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Who, as the entry names them (an email, `cli`, `api-key:…`).
    pub actor: Option<String>,
    pub action: Option<String>,
    /// The kind of object (`loan`, `client`, …) and, with it, one of them.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// At or after.
    pub from: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
    /// Only entries with an id below this one.
    pub before: Option<AuditEntryId>,
}

fn filtered(tenant: TenantId, f: &AuditFilter) -> Select<audit_entry::Entity> {
    let mut q = audit_entry::Entity::find().filter(audit_entry::Column::TenantId.eq(tenant.get()));
    if let Some(actor) = &f.actor {
        q = q.filter(audit_entry::Column::ActorLabel.eq(actor.as_str()));
    }
    if let Some(action) = &f.action {
        q = q.filter(audit_entry::Column::Action.eq(action.as_str()));
    }
    if let Some(entity) = &f.entity {
        q = q.filter(audit_entry::Column::Entity.eq(entity.as_str()));
    }
    if let Some(id) = &f.entity_id {
        q = q.filter(audit_entry::Column::EntityId.eq(id.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_entry::Column::At.gte(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_entry::Column::At.lt(until));
    }
    if let Some(before) = f.before {
        q = q.filter(audit_entry::Column::Id.lt(before.get()));
    }
    q
}

/// Entries `offset..offset + limit` matching `filter`, newest first, with their place in the chain.
async fn newest<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    filter: &AuditFilter,
    offset: u64,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = filtered(tenant, filter)
        .order_by_desc(audit_entry::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    with_links(db, tenant, rows).await
}

/// Entries of `tenant`, newest first, `limit` at most, older than `before` when given.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    before: Option<AuditEntryId>,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let filter = AuditFilter {
        before,
        ..AuditFilter::default()
    };
    newest(db, tenant, &filter, 0, limit).await
}

/// Entries `offset..offset + limit` matching `filter`, newest first, and how many match in all.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    filter: &AuditFilter,
    offset: u64,
    limit: u64,
) -> Result<(Vec<AuditEntry>, u64), StoreError> {
    let total = filtered(tenant, filter).count(db).await?;
    Ok((newest(db, tenant, filter, offset, limit).await?, total))
}

/// Every entry matching `filter`, oldest first, for an export; `limit` bounds it.
pub async fn export<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    filter: &AuditFilter,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = filtered(tenant, filter)
        .order_by_asc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_links(db, tenant, rows).await
}

/// The names of who has entries in the tenant's log, for the filter's choices.
pub async fn actors<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Vec<String>, StoreError> {
    let mut labels: Vec<String> = audit_entry::Entity::find()
        .select_only()
        .column(audit_entry::Column::ActorLabel)
        .distinct()
        .filter(audit_entry::Column::TenantId.eq(tenant.get()))
        .into_tuple::<String>()
        .all(db)
        .await?;
    labels.sort();
    Ok(labels)
}
