//! What a job is to the scheduler: a name, a scope, a schedule, a grace window, and a run that returns a
//! summary. Later jobs (backups, off-site copies, notification delivery) implement [`Job`] and are added
//! to the [`Registry`](crate::Registry); the scheduler does the rest (leases, records, events).

use crate::schedule::{Schedule, ScheduleError};
use chrono::{DateTime, Duration, Utc};
use credinet_store::repo::job_runs::RunTrigger;
use credinet_store::repo::tenants::Tenant;
use credinet_store::{Store, StoreError};

/// Whom a job runs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobScope {
    /// Once for the installation (session expiry, backups).
    System,
    /// Once for each tenant, on the tenant's own schedule and zone (the period cut).
    PerTenant,
}

/// What to do with several occurrences that came due while no server ran (see [`crate::catch_up`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchUp {
    /// Each occurrence is its own work: run (or record as missed) every one, oldest first.
    EachOccurrence,
    /// A run covers everything before it: only the latest occurrence counts.
    LatestOnly,
}

/// What a run is for.
#[derive(Debug, Clone)]
pub struct RunContext {
    /// The tenant of a per-tenant job; `None` for a system job.
    pub tenant: Option<Tenant>,
    /// The occurrence this run does: the instant it was due, or for a run by hand the latest occurrence
    /// of the schedule at or before the moment it was asked for.
    pub due: DateTime<Utc>,
    pub trigger: RunTrigger,
}

/// Why a run failed. The run is recorded as failed with this text and a `scheduler_failed` event.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A per-tenant job was run without its tenant (a bug in the caller, refused rather than guessed).
    #[error("job {job} runs per tenant and was given none")]
    NoTenant { job: &'static str },
    /// The job's own error.
    #[error("{0}")]
    Job(Box<dyn std::error::Error + Send + Sync>),
}

#[async_trait::async_trait]
pub trait Job: Send + Sync + 'static {
    /// The job's name, as `credinet jobs run NAME` takes it and `job_run.job` stores it.
    fn name(&self) -> &'static str;

    fn scope(&self) -> JobScope;

    /// The schedule for `tenant` (per-tenant jobs) or for the installation (`None`, system jobs).
    fn schedule(&self, tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError>;

    /// How late an occurrence may still run at start-up; older ones are recorded as missed.
    fn grace(&self) -> Duration;

    fn catch_up(&self) -> CatchUp;

    /// Does the work; the summary (JSON) is stored with the run and sent with `scheduler_executed`.
    /// A run interrupted by a crash is run again for the same occurrence, so a run must be safe to repeat.
    async fn run(&self, store: &Store, run: &RunContext) -> Result<serde_json::Value, JobError>;
}
