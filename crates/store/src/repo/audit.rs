//! The audit log: append-only, hash-chained per tenant.
//!
//! An entry is written once, inside the business transaction that it describes, together with a row in
//! `audit_pending`: nothing is lost, business writes never wait on the chain, and an entry is never
//! updated afterwards. The sealer takes a tenant's queued entries in id order, gives each the next
//! position and a SHA-256 over its content and the previous hash, appends that to `audit_seal` and
//! removes the queue rows. It holds the chain head row locked while it seals (a row lock on
//! PostgreSQL/MySQL, the single writer on SQLite), so two sealers on two servers never interleave.
//!
//! The queue is what makes "unsealed" exact: an entry whose transaction commits after entries with
//! larger ids were sealed is still found, and chained after them.

use super::tenants::GENESIS_HASH;
use super::{micros, tenant_is};
use crate::entities::{audit_chain, audit_entry, audit_pending, audit_seal};
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use credinet_core::ids::{AuditEntryId, TenantId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction,
    EntityTrait, NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<i64>,
    /// A readable name: the user's email, the key's name, `cli`, `system`.
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    User,
    ApiKey,
    Cli,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiKey => "api_key",
            ActorKind::Cli => "cli",
            ActorKind::System => "system",
        }
    }
}

impl Actor {
    pub fn cli() -> Self {
        Actor {
            kind: ActorKind::Cli,
            id: None,
            label: "cli".into(),
        }
    }
    pub fn system() -> Self {
        Actor {
            kind: ActorKind::System,
            id: None,
            label: "system".into(),
        }
    }
}

/// Where the request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Who asks for a change and from where: what every audited service takes.
#[derive(Debug, Clone)]
pub struct Requester {
    pub actor: Actor,
    pub origin: Origin,
}

impl Requester {
    pub fn cli() -> Self {
        Requester {
            actor: Actor::cli(),
            origin: Origin::default(),
        }
    }
}

/// What happened, with the state before and after for changes of money or configuration.
#[derive(Debug, Clone)]
pub struct Record {
    pub actor: Actor,
    pub origin: Origin,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

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

/// Appends an entry and queues it for the sealer. It takes the transaction of the change it records,
/// so the change, its entry and the queue row commit together or not at all.
pub async fn append(
    tx: &DatabaseTransaction,
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
    tx: &DatabaseTransaction,
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
async fn queue(
    tx: &DatabaseTransaction,
    tenant: TenantId,
    entry_ids: Vec<i64>,
) -> Result<(), StoreError> {
    let rows = entry_ids.into_iter().map(|id| audit_pending::ActiveModel {
        tenant_id: Set(tenant.get()),
        entry_id: Set(id),
    });
    audit_pending::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// The actor label and user agent as stored: cut to the column widths (254 and 512 characters).
pub(crate) fn clipped(record: &Record) -> (String, Option<String>) {
    (
        record.actor.label.chars().take(254).collect(),
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

/// Entries sealed per transaction. Small enough that a sealing transaction is short: on SQLite it holds the
/// only writer, and payment batches queued behind 500 entries' worth of reading, hashing and writing were
/// the slowest 1 % of payments (p99 −1.5 ms at 100, on both backends; docs/benchmarks.md, session 4).
const SEAL_BATCH: u64 = 100;

/// Seals the entries of `tenant` waiting in the queue, in batches, until a batch finds the queue drained;
/// returns how many it sealed. Entries committed while it runs may be left for the next call.
pub async fn seal(store: &Store, tenant: TenantId) -> Result<u64, StoreError> {
    let mut sealed = 0;
    loop {
        let tx = store.write().await?;
        let head = audit_chain::Entity::find_by_id(tenant.get())
            .lock_exclusive()
            .one(&tx)
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("tenant {tenant} has no audit chain head"))
            })?;
        // One join from the queue, in queue order: the planner walks the queue's key and looks each
        // entry up by id, whatever statistics it has on the log.
        let queued = audit_pending::Entity::find()
            .find_also_related(audit_entry::Entity)
            .filter(audit_pending::Column::TenantId.eq(tenant.get()))
            .order_by_asc(audit_pending::Column::EntryId)
            .limit(SEAL_BATCH)
            .all(&tx)
            .await?;
        if queued.is_empty() {
            tx.commit().await?;
            return Ok(sealed);
        }
        let waiting: Vec<i64> = queued.iter().map(|(q, _)| q.entry_id).collect();
        let batch: Vec<audit_entry::Model> = queued
            .into_iter()
            .filter_map(|(_, entry)| entry.filter(|e| e.tenant_id == tenant.get()))
            .collect();
        if batch.len() != waiting.len() {
            // The foreign key keeps every queued entry in place; a queue row pointing into another
            // tenant's log is the only way here, and sealing around it would hide it.
            return Err(StoreError::Corrupt(format!(
                "tenant {tenant} has audit queue rows for entries outside its log"
            )));
        }
        let drained = batch.len() < SEAL_BATCH as usize;
        let (mut seq, mut prev) = (head.last_seq, head.last_hash.clone());
        let mut links = Vec::with_capacity(batch.len());
        for row in &batch {
            seq += 1;
            let hash = entry_hash(row, seq, &prev);
            links.push(audit_seal::ActiveModel {
                tenant_id: Set(tenant.get()),
                seq: Set(seq),
                entry_id: Set(row.id),
                prev_hash: Set(prev),
                hash: Set(hash.clone()),
            });
            prev = hash;
        }
        sealed += links.len() as u64;
        audit_seal::Entity::insert_many(links)
            .exec_without_returning(&tx)
            .await?;
        audit_pending::Entity::delete_many()
            .filter(audit_pending::Column::TenantId.eq(tenant.get()))
            .filter(audit_pending::Column::EntryId.is_in(waiting))
            .exec(&tx)
            .await?;
        let mut head: audit_chain::ActiveModel = head.into();
        head.last_seq = Set(seq);
        head.last_hash = Set(prev);
        head.sealed_at = Set(micros(Utc::now()));
        head.update(&tx).await?;
        tx.commit().await?;
        if drained {
            // The queue was drained as of this batch. Entries committed since then are left for the
            // next nudge: chasing them here would, under steady load, turn into one small sealing
            // transaction per business transaction, each taking SQLite's only writer in turn.
            return Ok(sealed);
        }
    }
}

/// The hash of an entry at position `seq` after `prev_hash`: SHA-256 of a JSON array of every stored
/// field, so changing any of them, or the order, breaks the chain.
fn entry_hash(row: &audit_entry::Model, seq: i64, prev_hash: &str) -> String {
    let canonical = serde_json::json!([
        row.tenant_id,
        seq,
        row.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        row.actor_kind,
        row.actor_id,
        row.actor_label,
        row.action,
        row.entity,
        row.entity_id,
        row.ip,
        row.user_agent,
        row.before_json,
        row.after_json,
        prev_hash,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

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

/// Entries of `tenant`, newest first, `limit` at most, older than `before` when given.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    before: Option<AuditEntryId>,
    limit: u64,
) -> Result<Vec<AuditEntry>, StoreError> {
    let mut query =
        audit_entry::Entity::find().filter(audit_entry::Column::TenantId.eq(tenant.get()));
    if let Some(before) = before {
        query = query.filter(audit_entry::Column::Id.lt(before.get()));
    }
    let rows = query
        .order_by_desc(audit_entry::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_links(db, tenant, rows).await
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
async fn with_links<C: ConnectionTrait>(
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
