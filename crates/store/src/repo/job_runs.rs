//! The record of the scheduler's runs (`job_run`): what ran, for which scope, when it was due, how it
//! ended. A scheduled occurrence is recorded at most once (`occurrence` is unique), so the row is also
//! the claim that keeps two servers from running it twice.

use super::micros;
use crate::entities::job_run;
use crate::{StoreError, error::is_unique_violation};
use chrono::{DateTime, Utc};
use credinet_core::ids::{JobRunId, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    NotSet, QueryFilter, QueryOrder, QuerySelect,
};
use std::fmt;

/// How a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    Running,
    Succeeded,
    Failed,
    /// Due while no server was running and found past its grace window: recorded, never run.
    Missed,
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [
        RunStatus::Running,
        RunStatus::Succeeded,
        RunStatus::Failed,
        RunStatus::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Missed => "missed",
        }
    }

    pub fn parse(raw: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a run happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunTrigger {
    /// Its schedule came due (or was caught up at start-up).
    Schedule,
    /// Someone asked for it (`credinet jobs run`, the jobs page).
    Manual,
}

impl RunTrigger {
    pub fn as_str(self) -> &'static str {
        match self {
            RunTrigger::Schedule => "schedule",
            RunTrigger::Manual => "manual",
        }
    }

    pub fn parse(raw: &str) -> Option<RunTrigger> {
        [RunTrigger::Schedule, RunTrigger::Manual]
            .into_iter()
            .find(|t| t.as_str() == raw)
    }
}

/// A run as the rest of the code sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRun {
    pub id: JobRunId,
    pub job: String,
    pub tenant: Option<TenantId>,
    pub scheduled_for: DateTime<Utc>,
    pub trigger: RunTrigger,
    pub status: RunStatus,
    /// How many times it was started: more than one when a run interrupted by a crash was resumed.
    pub attempts: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub summary: Option<serde_json::Value>,
    pub error: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Succeeded { summary: serde_json::Value },
    Failed { error: String },
}

/// The unique name of a scheduled occurrence: job, scope and the instant, to the microsecond.
fn occurrence(job: &str, tenant: Option<TenantId>, at: DateTime<Utc>) -> String {
    let scope = tenant.map_or_else(|| "system".to_string(), |t| t.to_string());
    format!(
        "{job}/{scope}/{}",
        micros(at).format("%Y-%m-%dT%H:%M:%S%.6fZ")
    )
}

fn scope_is(tenant: Option<TenantId>) -> Condition {
    match tenant {
        Some(t) => Condition::all().add(job_run::Column::TenantId.eq(t.get())),
        None => Condition::all().add(job_run::Column::TenantId.is_null()),
    }
}

/// Records a scheduled occurrence as started. `None` when that occurrence is already recorded (another
/// server ran it, or it was recorded as missed): the caller must not run it.
pub async fn start_scheduled<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
    scheduled_for: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<JobRunId>, StoreError> {
    insert(
        db,
        job,
        tenant,
        scheduled_for,
        RunTrigger::Schedule,
        RunStatus::Running,
        now,
    )
    .await
}

/// Records a run by hand as started; every manual trigger is a run of its own.
pub async fn start_manual<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
    scheduled_for: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<JobRunId, StoreError> {
    insert(
        db,
        job,
        tenant,
        scheduled_for,
        RunTrigger::Manual,
        RunStatus::Running,
        now,
    )
    .await?
    .ok_or_else(|| StoreError::Conflict(format!("manual run of {job}")))
}

/// Records a scheduled occurrence that came due while nothing ran and is past its grace window. Returns
/// false when the occurrence was already recorded.
pub async fn record_missed<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
    scheduled_for: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    Ok(insert(
        db,
        job,
        tenant,
        scheduled_for,
        RunTrigger::Schedule,
        RunStatus::Missed,
        now,
    )
    .await?
    .is_some())
}

async fn insert<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
    scheduled_for: DateTime<Utc>,
    trigger: RunTrigger,
    status: RunStatus,
    now: DateTime<Utc>,
) -> Result<Option<JobRunId>, StoreError> {
    let now = micros(now);
    let running = status == RunStatus::Running;
    let row = job_run::ActiveModel {
        id: NotSet,
        job: Set(job.to_string()),
        tenant_id: Set(tenant.map(TenantId::get)),
        scheduled_for: Set(micros(scheduled_for)),
        run_trigger: Set(trigger.as_str().to_string()),
        status: Set(status.as_str().to_string()),
        occurrence: Set(
            (trigger == RunTrigger::Schedule).then(|| occurrence(job, tenant, scheduled_for))
        ),
        attempts: Set(i64::from(running)),
        started_at: Set(running.then_some(now)),
        ended_at: Set((!running).then_some(now)),
        summary: Set(None),
        error: Set(None),
    };
    match row.insert(db).await {
        Ok(inserted) => Ok(Some(JobRunId::new(inserted.id))),
        Err(e) if is_unique_violation(&e) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Ends a running run.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    id: JobRunId,
    ending: Ending,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (status, summary, error) = match ending {
        Ending::Succeeded { summary } => (RunStatus::Succeeded, Some(summary.to_string()), None),
        Ending::Failed { error } => (RunStatus::Failed, None, Some(error)),
    };
    job_run::Entity::update_many()
        .col_expr(job_run::Column::Status, status.as_str().into())
        .col_expr(job_run::Column::Summary, summary.into())
        .col_expr(job_run::Column::Error, error.into())
        .col_expr(job_run::Column::EndedAt, Some(micros(now)).into())
        .filter(job_run::Column::Id.eq(id.get()))
        .filter(job_run::Column::Status.eq(RunStatus::Running.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Starts again a run whose process died while it ran (found `running` by the lease's next holder).
pub async fn restart<C: ConnectionTrait>(
    db: &C,
    id: JobRunId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    job_run::Entity::update_many()
        .col_expr(
            job_run::Column::Attempts,
            Expr::col(job_run::Column::Attempts).add(1),
        )
        .col_expr(job_run::Column::StartedAt, Some(micros(now)).into())
        .col_expr(job_run::Column::Error, Option::<String>::None.into())
        .filter(job_run::Column::Id.eq(id.get()))
        .filter(job_run::Column::Status.eq(RunStatus::Running.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// The latest instant a scheduled run of `job` for this scope was due, whatever its outcome: the
/// scheduler looks for occurrences after it.
pub async fn latest_scheduled<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let row = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .filter(scope_is(tenant))
        .filter(job_run::Column::RunTrigger.eq(RunTrigger::Schedule.as_str()))
        .order_by_desc(job_run::Column::ScheduledFor)
        .limit(1)
        .one(db)
        .await?;
    Ok(row.map(|r| r.scheduled_for))
}

/// Runs of `job` for this scope still marked running.
pub async fn running<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
) -> Result<Vec<JobRun>, StoreError> {
    let rows = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .filter(scope_is(tenant))
        .filter(job_run::Column::Status.eq(RunStatus::Running.as_str()))
        .order_by_asc(job_run::Column::ScheduledFor)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// The latest runs of `job` for this scope, newest recorded first.
pub async fn recent<C: ConnectionTrait>(
    db: &C,
    job: &str,
    tenant: Option<TenantId>,
    limit: u64,
) -> Result<Vec<JobRun>, StoreError> {
    let rows = job_run::Entity::find()
        .filter(job_run::Column::Job.eq(job))
        .filter(scope_is(tenant))
        .order_by_desc(job_run::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(to_domain).collect()
}

/// One run, within its scope: a tenant's run is never found through another tenant.
pub async fn by_id<C: ConnectionTrait>(
    db: &C,
    tenant: Option<TenantId>,
    id: JobRunId,
) -> Result<Option<JobRun>, StoreError> {
    let row = job_run::Entity::find_by_id(id.get())
        .filter(scope_is(tenant))
        .one(db)
        .await?;
    row.map(to_domain).transpose()
}

fn to_domain(row: job_run::Model) -> Result<JobRun, StoreError> {
    let corrupt =
        |field: &str| StoreError::Corrupt(format!("job_run {} has a bad {field}", row.id));
    let status = RunStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?;
    let trigger = RunTrigger::parse(&row.run_trigger).ok_or_else(|| corrupt("run_trigger"))?;
    let summary = match &row.summary {
        None => None,
        Some(text) => Some(serde_json::from_str(text).map_err(|_| corrupt("summary"))?),
    };
    Ok(JobRun {
        id: JobRunId::new(row.id),
        job: row.job,
        tenant: row.tenant_id.map(TenantId::new),
        scheduled_for: row.scheduled_for,
        trigger,
        status,
        attempts: row.attempts,
        started_at: row.started_at,
        ended_at: row.ended_at,
        summary,
        error: row.error,
    })
}
