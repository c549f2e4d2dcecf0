//! What `/metrics` reports from the database, read at scrape time: the rows are the truth every
//! server of an installation shares, so two servers scraped side by side report the same figures.
//! Every query is an aggregate over all tenants, labelled by tenant slug (a bounded set), never by a
//! row id.

use crate::StoreError;
use crate::entities::{
    domain_event, job_run, notify_channel, notify_message, payment, system_event, tenant,
};
use crate::repo::cuts::DONE;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Statement,
};
use std::collections::HashMap;

/// Events ever written, by kind (tenants' and the installation's together).
pub async fn events_by_kind<C: ConnectionTrait>(db: &C) -> Result<Vec<(String, i64)>, StoreError> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    let tenants: Vec<(String, i64)> = domain_event::Entity::find()
        .select_only()
        .column(domain_event::Column::Kind)
        .column_as(domain_event::Column::Id.count(), "n")
        .group_by(domain_event::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    let system: Vec<(String, i64)> = system_event::Entity::find()
        .select_only()
        .column(system_event::Column::Kind)
        .column_as(system_event::Column::Id.count(), "n")
        .group_by(system_event::Column::Kind)
        .into_tuple()
        .all(db)
        .await?;
    for (kind, n) in tenants.into_iter().chain(system) {
        *counts.entry(kind).or_default() += n;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort();
    Ok(counts)
}

/// Tenant slugs by id, to label per-tenant figures.
pub async fn tenant_slugs<C: ConnectionTrait>(db: &C) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .column(tenant::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Payments ever registered (reversed ones included: a reversal is its own fact), by tenant id.
pub async fn payments_by_tenant<C: ConnectionTrait>(db: &C) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(payment::Entity::find()
        .select_only()
        .column(payment::Column::TenantId)
        .column_as(payment::Column::Id.count(), "n")
        .group_by(payment::Column::TenantId)
        .into_tuple()
        .all(db)
        .await?)
}

/// One channel's messages in one status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxCount {
    pub channel_id: i64,
    pub channel_kind: String,
    pub tenant_id: Option<i64>,
    /// `pending`, `sent` or `dead`.
    pub status: String,
    pub messages: i64,
}

/// Messages by channel and status, with each channel's kind and owner.
pub async fn outbox<C: ConnectionTrait>(db: &C) -> Result<Vec<OutboxCount>, StoreError> {
    let counts: Vec<(i64, String, i64)> = notify_message::Entity::find()
        .select_only()
        .column(notify_message::Column::ChannelId)
        .column(notify_message::Column::Status)
        .column_as(notify_message::Column::Id.count(), "n")
        .group_by(notify_message::Column::ChannelId)
        .group_by(notify_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    let channels: Vec<(i64, String, Option<i64>)> = notify_channel::Entity::find()
        .select_only()
        .column(notify_channel::Column::Id)
        .column(notify_channel::Column::Kind)
        .column(notify_channel::Column::TenantId)
        .into_tuple()
        .all(db)
        .await?;
    let channels: HashMap<i64, (String, Option<i64>)> = channels
        .into_iter()
        .map(|(id, kind, tenant)| (id, (kind, tenant)))
        .collect();
    Ok(counts
        .into_iter()
        .filter_map(|(channel_id, status, messages)| {
            let (kind, tenant) = channels.get(&channel_id)?.clone();
            Some(OutboxCount {
                channel_id,
                channel_kind: kind,
                tenant_id: tenant,
                status,
                messages,
            })
        })
        .collect())
}

/// A finished run of a scheduled job (`succeeded`, `failed` or `missed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedRun {
    pub job: String,
    pub status: String,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// Every finished run: a few per job and scope a day, so a scrape reads thousands of short rows at
/// most, and the durations are summed here rather than by date arithmetic that differs per backend.
pub async fn finished_runs<C: ConnectionTrait>(db: &C) -> Result<Vec<FinishedRun>, StoreError> {
    type Row = (String, String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
    let rows: Vec<Row> = job_run::Entity::find()
        .select_only()
        .column(job_run::Column::Job)
        .column(job_run::Column::Status)
        .column(job_run::Column::StartedAt)
        .column(job_run::Column::EndedAt)
        .filter(job_run::Column::Status.ne("running"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(job, status, started_at, ended_at)| FinishedRun {
            job,
            status,
            started_at,
            ended_at,
        })
        .collect())
}

/// A tenant's portfolio as its latest finished period cut summed it (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCut {
    pub tenant_id: i64,
    pub cut_date: NaiveDate,
    pub finished_at: Option<DateTime<Utc>>,
    pub outstanding: i64,
    pub overdue: i64,
    pub outstanding_principal: i64,
    pub par30_principal: i64,
}

/// Each tenant's latest finished cut, in one statement.
pub async fn last_cuts<C: ConnectionTrait>(db: &C) -> Result<Vec<LastCut>, StoreError> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT c.tenant_id, c.cut_date, c.finished_at, c.outstanding, c.overdue, \
               c.outstanding_principal, c.par30_principal FROM period_cut c \
               WHERE c.status = '{DONE}' AND c.cut_date = (SELECT MAX(d.cut_date) FROM period_cut d \
               WHERE d.tenant_id = c.tenant_id AND d.status = '{DONE}')"
    );
    let rows = db
        .query_all_raw(Statement::from_string(backend, sql))
        .await?;
    rows.iter()
        .map(|row| {
            Ok(LastCut {
                tenant_id: row.try_get("", "tenant_id")?,
                cut_date: row.try_get("", "cut_date")?,
                finished_at: row.try_get("", "finished_at")?,
                outstanding: row.try_get("", "outstanding")?,
                overdue: row.try_get("", "overdue")?,
                outstanding_principal: row.try_get("", "outstanding_principal")?,
                par30_principal: row.try_get("", "par30_principal")?,
            })
        })
        .collect()
}

/// The kind of the installation event a successful backup writes (`credinet_ops::backup`, ADR 24).
const BACKUP_COMPLETED: &str = "backup_completed";

/// The newest successful backup, as its `backup_completed` event recorded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastBackup {
    /// When the event was written: the backup had finished and its manifest was in place.
    pub completed_at: DateTime<Utc>,
    /// The compressed file's size, from the event's payload (the manifest's `size_bytes`).
    pub size_bytes: u64,
}

/// The newest `backup_completed` event; `None` before the first backup. The events are the record
/// every server shares (the backup files may be on another host's disk).
pub async fn last_backup<C: ConnectionTrait>(db: &C) -> Result<Option<LastBackup>, StoreError> {
    let newest = system_event::Entity::find()
        .filter(system_event::Column::Kind.eq(BACKUP_COMPLETED))
        .order_by_desc(system_event::Column::CreatedAt)
        .order_by_desc(system_event::Column::Id)
        .one(db)
        .await?;
    Ok(newest.map(|event| {
        let size_bytes = serde_json::from_str::<serde_json::Value>(&event.payload)
            .ok()
            .and_then(|p| p.get("size_bytes").and_then(serde_json::Value::as_u64))
            .unwrap_or(0);
        LastBackup {
            completed_at: event.created_at,
            size_bytes,
        }
    }))
}
