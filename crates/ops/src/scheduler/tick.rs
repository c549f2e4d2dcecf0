//! The scheduled path: what came due for each job and scope, caught up or recorded as missed.

use super::Scheduler;
use crate::catch_up::{self, Step};
use crate::job::{CatchUp, Job, JobScope};
use crate::schedule::Schedule;
use chrono::{DateTime, Utc};
use credinet_store::StoreError;
use credinet_store::repo::job_runs::{self, RunStatus, RunTrigger};
use credinet_store::repo::tenants::{self, Tenant};
use std::sync::Arc;

/// What one tick did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub ran: usize,
    pub failed: usize,
    pub missed: usize,
}

impl TickReport {
    pub fn is_empty(&self) -> bool {
        *self == TickReport::default()
    }

    fn add(&mut self, other: TickReport) {
        self.ran += other.ran;
        self.failed += other.failed;
        self.missed += other.missed;
    }

    fn count(&mut self, status: RunStatus) {
        match status {
            RunStatus::Failed => self.failed += 1,
            RunStatus::Missed => self.missed += 1,
            _ => self.ran += 1,
        }
    }
}

impl Scheduler {
    /// One pass over every job and scope. A scope's failure (a tenant whose stored zone no longer
    /// parses, a lost connection) is logged and does not stop the others.
    pub async fn tick(&self) -> Result<TickReport, StoreError> {
        let mut tenants = Vec::new();
        for tenant in tenants::list_each(self.store.db()).await? {
            match tenant {
                Ok(tenant) => tenants.push(tenant),
                Err(e) => tracing::warn!(
                    error = %e,
                    "a tenant's row does not parse: its jobs are skipped until it is fixed"
                ),
            }
        }
        let mut report = TickReport::default();
        for job in self.registry.jobs() {
            let scopes: Vec<Option<&Tenant>> = match job.scope() {
                JobScope::System => vec![None],
                JobScope::PerTenant => tenants.iter().map(Some).collect(),
            };
            for tenant in scopes {
                match self.tick_scope(job, tenant).await {
                    Ok(done) => report.add(done),
                    Err(e) => tracing::warn!(
                        job = job.name(),
                        tenant = tenant.map(|t| t.slug.to_string()),
                        error = %e,
                        "scheduler could not work on a job; the next tick retries"
                    ),
                }
            }
        }
        Ok(report)
    }

    async fn tick_scope(
        &self,
        job: &Arc<dyn Job>,
        tenant: Option<&Tenant>,
    ) -> Result<TickReport, StoreError> {
        let schedule = match job.schedule(tenant) {
            Ok(schedule) => schedule,
            Err(e) => {
                tracing::warn!(job = job.name(), tenant = tenant.map(|t| t.slug.to_string()), error = %e, "job has no valid schedule");
                return Ok(TickReport::default());
            }
        };
        let tenant_id = tenant.map(|t| t.id);
        // Cheap reads first: most ticks find nothing to do and take no lease (no write).
        let steps = self.steps(job, tenant, &schedule).await?;
        let orphans = job_runs::running(self.store.db(), job.name(), tenant_id).await?;
        if steps.is_empty() && orphans.is_empty() {
            return Ok(TickReport::default());
        }
        let Some(lease) = self.acquire(job.name(), tenant_id).await? else {
            return Ok(TickReport::default());
        };
        let done = self.work(job, tenant, &schedule, &lease).await;
        self.release(&lease).await;
        done
    }

    /// Under the lease: finish what a dead server left running, then the steps, read again (another
    /// server may have done them between our first look and the lease).
    async fn work(
        &self,
        job: &Arc<dyn Job>,
        tenant: Option<&Tenant>,
        schedule: &Schedule,
        lease: &credinet_store::repo::job_leases::Lease,
    ) -> Result<TickReport, StoreError> {
        let db = self.store.db();
        let tenant_id = tenant.map(|t| t.id);
        let mut report = TickReport::default();
        // Nobody else holds the lease, so whatever is still `running` was left by a process that died.
        for orphan in job_runs::running(db, job.name(), tenant_id).await? {
            let now = self.store.now();
            let resumable =
                orphan.trigger == RunTrigger::Schedule && now - orphan.scheduled_for <= job.grace();
            if resumable {
                tracing::warn!(job = job.name(), run = %orphan.id, "resuming a run its server left unfinished");
                job_runs::restart(db, orphan.id, now).await?;
                let status = self
                    .execute(
                        job,
                        tenant,
                        orphan.id,
                        orphan.scheduled_for,
                        orphan.trigger,
                        lease,
                    )
                    .await?;
                report.count(status);
            } else {
                // Too old to resume (or run by hand): ended as failed and announced, so a person
                // hears of it and runs it again by hand.
                let ending = job_runs::Ending::Failed {
                    error: "interrupted: the server running it stopped".into(),
                };
                self.record_end(
                    job.name(),
                    tenant,
                    orphan.id,
                    orphan.scheduled_for,
                    orphan.trigger,
                    ending,
                )
                .await?;
                report.count(RunStatus::Failed);
            }
        }
        for step in self.steps(job, tenant, schedule).await? {
            let now = self.store.now();
            match step {
                Step::Miss(at) => {
                    if job_runs::record_missed(db, job.name(), tenant_id, at, now).await? {
                        tracing::warn!(job = job.name(), tenant = tenant.map(|t| t.slug.to_string()), due = %at, "occurrence missed: past its grace window");
                        report.count(RunStatus::Missed);
                    }
                }
                Step::Run(at) => {
                    if let Some(id) =
                        job_runs::start_scheduled(db, job.name(), tenant_id, at, now).await?
                    {
                        let status = self
                            .execute(job, tenant, id, at, RunTrigger::Schedule, lease)
                            .await?;
                        report.count(status);
                    }
                }
            }
        }
        Ok(report)
    }

    /// The steps for the occurrences due since the last one recorded. With none recorded yet (a new
    /// installation, tenant or job) the search starts a grace window back, and never before the
    /// tenant existed, so nothing from before is reported as missed.
    async fn steps(
        &self,
        job: &Arc<dyn Job>,
        tenant: Option<&Tenant>,
        schedule: &Schedule,
    ) -> Result<Vec<Step>, StoreError> {
        let now = self.store.now();
        let last =
            job_runs::latest_scheduled(self.store.db(), job.name(), tenant.map(|t| t.id)).await?;
        let floor: DateTime<Utc> = last.unwrap_or_else(|| {
            let window = now - job.grace();
            tenant.map_or(window, |t| window.max(t.created_at))
        });
        let due = match job.catch_up() {
            CatchUp::EachOccurrence => schedule.between(floor, now),
            CatchUp::LatestOnly => schedule
                .latest_at_or_before(now)
                .filter(|at| *at > floor)
                .into_iter()
                .collect(),
        };
        Ok(catch_up::plan(&due, now, job.grace(), job.catch_up()))
    }
}
