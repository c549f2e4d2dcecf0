//! Checking a tenant's chain: every position in order, the head, and entries outside the chain.

use super::entry_hash;
use crate::entities::{audit_chain, audit_entry, audit_pending, audit_seal};
use crate::repo::tenant_is;
use crate::repo::tenants::GENESIS_HASH;
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use credinet_core::ids::TenantId;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// The outcome of checking one tenant's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub sealed: u64,
    pub first_broken: Option<BrokenLink>,
    /// Entries still unsealed a minute after they were written: the sealer is not running.
    pub stale_unsealed: u64,
    /// Entries neither in the chain nor waiting for it: written around the log's own functions, or
    /// their queue row was removed. The sealer will never chain them.
    pub unqueued: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub entry_id: i64,
    pub reason: String,
}

const VERIFY_PAGE: u64 = 1000;

/// [`verify`] in one snapshot of the database, as of the store's clock: what `credinet audit verify` runs.
/// Its counts of entries, seals and queue rows are taken from one committed state, so entries being
/// written and sealed meanwhile can never look like entries outside the chain.
pub async fn verify_consistent(
    store: &Store,
    tenant: TenantId,
) -> Result<Verification, StoreError> {
    let snapshot = store.snapshot().await?;
    let verification = verify(&snapshot, tenant, store.now()).await?;
    snapshot.commit().await?;
    Ok(verification)
}

/// Walks the sealed chain of `tenant` in order and reports the first position whose entry is gone, or
/// whose previous hash or content hash does not match; then whether the head agrees with the last
/// position, and whether every entry is either chained or queued.
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    now: DateTime<Utc>,
) -> Result<Verification, StoreError> {
    let mut expected_seq = 1;
    let mut prev = GENESIS_HASH.to_string();
    let mut first_broken = None;
    'pages: loop {
        let links = audit_seal::Entity::find()
            .filter(audit_seal::Column::TenantId.eq(tenant.get()))
            .filter(audit_seal::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_seal::Column::Seq)
            .limit(VERIFY_PAGE)
            .all(db)
            .await?;
        if links.is_empty() {
            break;
        }
        let entries: HashMap<i64, audit_entry::Model> = audit_entry::Entity::find()
            .filter(tenant_is(audit_entry::Column::TenantId, tenant))
            .filter(audit_entry::Column::Id.is_in(links.iter().map(|l| l.entry_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        for link in links {
            let broken = |reason: String| {
                Some(BrokenLink {
                    seq: expected_seq,
                    entry_id: link.entry_id,
                    reason,
                })
            };
            first_broken = match entries.get(&link.entry_id) {
                _ if link.seq != expected_seq => broken(format!(
                    "entry at position {expected_seq} is missing (next found is {})",
                    link.seq
                )),
                None => broken(format!(
                    "entry at position {expected_seq} is missing (its row is gone)"
                )),
                Some(_) if link.prev_hash != prev => {
                    broken("its previous hash does not match the entry before it".into())
                }
                Some(entry) if link.hash != entry_hash(entry, link.seq, &prev) => {
                    broken("its content does not match its hash (the row was changed)".into())
                }
                Some(_) => None,
            };
            if first_broken.is_some() {
                break 'pages;
            }
            prev = link.hash;
            expected_seq += 1;
        }
    }
    let sealed = (expected_seq - 1) as u64;
    if first_broken.is_none() {
        let head = audit_chain::Entity::find_by_id(tenant.get())
            .one(db)
            .await?;
        if let Some(head) = head.filter(|h| h.last_seq != sealed as i64 || h.last_hash != prev) {
            first_broken = Some(BrokenLink {
                seq: head.last_seq,
                entry_id: 0,
                reason: format!(
                    "the chain head says {} entries but {} were found in order",
                    head.last_seq, sealed
                ),
            });
        }
    }
    let stale_unsealed = audit_pending::Entity::find()
        .inner_join(audit_entry::Entity)
        .filter(audit_pending::Column::TenantId.eq(tenant.get()))
        .filter(audit_entry::Column::At.lt(now - Duration::minutes(1)))
        .count(db)
        .await?;
    let written = audit_entry::Entity::find()
        .filter(audit_entry::Column::TenantId.eq(tenant.get()))
        .count(db)
        .await?;
    let chained = audit_seal::Entity::find()
        .filter(audit_seal::Column::TenantId.eq(tenant.get()))
        .count(db)
        .await?;
    let queued = audit_pending::Entity::find()
        .filter(audit_pending::Column::TenantId.eq(tenant.get()))
        .count(db)
        .await?;
    Ok(Verification {
        sealed,
        first_broken,
        stale_unsealed,
        unqueued: written.saturating_sub(chained + queued),
    })
}
