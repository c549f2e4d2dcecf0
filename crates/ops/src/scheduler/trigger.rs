//! A run by hand (`credinet jobs run NAME [--tenant T]`, the jobs page's «Ejecutar ahora»): checked
//! completely before anything is written, then run under the same lease as the scheduled runs.

use super::{Scheduler, SchedulerError};
use crate::job::{Job, JobScope};
use chrono::{DateTime, Utc};
use credinet_core::ids::JobRunId;
use credinet_store::repo::job_leases::Lease;
use credinet_store::repo::job_runs::{self, JobRun, RunTrigger};
use credinet_store::repo::tenants::{self, Tenant};
use std::sync::Arc;

impl Scheduler {
    /// Runs `job` now, for the tenant with slug `tenant` when the job is per tenant. The run does the
    /// latest occurrence of the job's schedule at or before now (for the cut: the latest cut day).
    /// Unknown job, unknown tenant, a tenant given to a system job or missing for a per-tenant one, and
    /// a run already in progress are refused with nothing written.
    pub async fn run_now(&self, job: &str, tenant: Option<&str>) -> Result<JobRun, SchedulerError> {
        self.start_now(job, tenant).await?.finish().await
    }

    /// The first half of [`Scheduler::run_now`]: checks, takes the lease and records the run as
    /// running, then hands back the rest. The jobs page answers as soon as this returns and finishes
    /// the run in the background, so a long cut does not hold the request open.
    pub async fn start_now(
        &self,
        job: &str,
        tenant: Option<&str>,
    ) -> Result<StartedRun, SchedulerError> {
        let (job, tenant) = self.resolve(job, tenant).await?;
        let schedule = job.schedule(tenant.as_ref())?;
        let tenant_id = tenant.as_ref().map(|t| t.id);
        let Some(lease) = self.acquire(job.name(), tenant_id).await? else {
            return Err(SchedulerError::Busy { job: job.name() });
        };
        let now = self.store.now();
        let due = schedule.latest_at_or_before(now).unwrap_or(now);
        match job_runs::start_manual(self.store.db(), job.name(), tenant_id, due, now).await {
            Ok(id) => Ok(StartedRun {
                scheduler: self.clone(),
                job,
                tenant,
                id,
                due,
                lease,
            }),
            Err(e) => {
                self.release(&lease).await;
                Err(e.into())
            }
        }
    }
    /// The job by name and the tenant by slug, checked against the job's scope.
    pub(super) async fn resolve(
        &self,
        name: &str,
        tenant: Option<&str>,
    ) -> Result<(Arc<dyn Job>, Option<Tenant>), SchedulerError> {
        let job = self
            .registry
            .find(name.trim())
            .ok_or_else(|| SchedulerError::UnknownJob {
                name: name.trim().to_string(),
                known: self.registry.names().join(", "),
            })?;
        let tenant = match (job.scope(), tenant) {
            (JobScope::System, None) => None,
            (JobScope::System, Some(_)) => {
                return Err(SchedulerError::SystemJob { job: job.name() });
            }
            (JobScope::PerTenant, None) => {
                return Err(SchedulerError::TenantRequired { job: job.name() });
            }
            (JobScope::PerTenant, Some(slug)) => Some(
                tenants::by_slug(self.store.db(), slug.trim())
                    .await?
                    .ok_or_else(|| SchedulerError::UnknownTenant(slug.trim().to_string()))?,
            ),
        };
        Ok((job, tenant))
    }
}

/// A run by hand, recorded as running and holding its lease: [`StartedRun::finish`] does the work.
pub struct StartedRun {
    scheduler: Scheduler,
    job: Arc<dyn Job>,
    tenant: Option<Tenant>,
    id: JobRunId,
    due: DateTime<Utc>,
    lease: Lease,
}

impl StartedRun {
    pub fn id(&self) -> JobRunId {
        self.id
    }

    /// Does the job, records how it ended, frees the lease and returns the recorded run.
    pub async fn finish(self) -> Result<JobRun, SchedulerError> {
        let StartedRun {
            scheduler,
            job,
            tenant,
            id,
            due,
            lease,
        } = self;
        let tenant_id = tenant.as_ref().map(|t| t.id);
        let done = async {
            scheduler
                .execute(&job, tenant.as_ref(), id, due, RunTrigger::Manual, &lease)
                .await?;
            let run = job_runs::by_id(scheduler.store.db(), tenant_id, id).await?;
            run.ok_or_else(|| {
                SchedulerError::Store(credinet_store::StoreError::NotFound(format!(
                    "job run {id}"
                )))
            })
        }
        .await;
        scheduler.release(&lease).await;
        done
    }
}
