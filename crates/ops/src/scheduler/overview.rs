//! What `credinet jobs list` and the jobs page show: each job and scope, its next run in local time with
//! its UTC offset and in UTC, and its last run.

use super::Scheduler;
use crate::job::{Job, JobScope};
use crate::schedule::{Schedule, ScheduleError};
use chrono::{DateTime, Utc};
use credinet_store::StoreError;
use credinet_store::repo::job_runs::{self, JobRun};
use credinet_store::repo::tenants::{self, Tenant};
use std::sync::Arc;

/// One job for one scope.
#[derive(Debug, Clone)]
pub struct JobView {
    pub job: &'static str,
    pub scope: JobScope,
    /// The tenant of a per-tenant job.
    pub tenant: Option<Tenant>,
    /// The schedule, or why the scope has none (a stored zone that no longer parses).
    pub schedule: Result<Schedule, ScheduleError>,
    pub next: Option<DateTime<Utc>>,
    /// The latest run recorded (run, failed or missed).
    pub last: Option<JobRun>,
}

impl JobView {
    /// The next run as local time with its offset, e.g. `2026-12-08 00:05 (UTC−06:00)`.
    pub fn next_local(&self) -> Option<String> {
        let schedule = self.schedule.as_ref().ok()?;
        self.next
            .map(|at| schedule.zone().format_local_with_utc_offset(at))
    }

    /// The next run in UTC, e.g. `2026-12-08 06:05 UTC`.
    pub fn next_utc(&self) -> Option<String> {
        self.next
            .map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string())
    }
}

impl Scheduler {
    /// Every job, for every scope it runs in (each tenant for per-tenant jobs), in registry order then
    /// tenant order.
    pub async fn overview(&self) -> Result<Vec<JobView>, StoreError> {
        let tenants = tenants::list(self.store.db()).await?;
        let mut views = Vec::new();
        for job in self.registry.jobs() {
            let scopes: Vec<Option<&Tenant>> = match job.scope() {
                JobScope::System => vec![None],
                JobScope::PerTenant => tenants.iter().map(Some).collect(),
            };
            for tenant in scopes {
                views.push(self.view(job, tenant).await?);
            }
        }
        Ok(views)
    }

    /// What one tenant's jobs page shows: its own per-tenant jobs and the installation's system jobs,
    /// in registry order (never another tenant's).
    pub async fn overview_for(&self, tenant: &Tenant) -> Result<Vec<JobView>, StoreError> {
        let mut views = Vec::new();
        for job in self.registry.jobs() {
            let scope = match job.scope() {
                JobScope::System => None,
                JobScope::PerTenant => Some(tenant),
            };
            views.push(self.view(job, scope).await?);
        }
        Ok(views)
    }

    /// One per-tenant job as the tenant's pages show it (the cuts page names its next cut), or `None`
    /// when no per-tenant job has that name.
    pub async fn view_for(
        &self,
        job: &str,
        tenant: &Tenant,
    ) -> Result<Option<JobView>, StoreError> {
        let Some(job) = self.registry.find(job) else {
            return Ok(None);
        };
        if job.scope() != JobScope::PerTenant {
            return Ok(None);
        }
        Ok(Some(self.view(&job, Some(tenant)).await?))
    }

    async fn view(
        &self,
        job: &Arc<dyn Job>,
        tenant: Option<&Tenant>,
    ) -> Result<JobView, StoreError> {
        let schedule = job.schedule(tenant);
        let next = schedule
            .as_ref()
            .ok()
            .and_then(|s| s.next_after(self.store.now()));
        let last = job_runs::recent(self.store.db(), job.name(), tenant.map(|t| t.id), 1)
            .await?
            .pop();
        Ok(JobView {
            job: job.name(),
            scope: job.scope(),
            tenant: tenant.cloned(),
            schedule,
            next,
            last,
        })
    }

    /// The latest runs of one job for one scope, newest first (the jobs page's history).
    pub async fn history(
        &self,
        job: &str,
        tenant: Option<&str>,
        limit: u64,
    ) -> Result<Vec<JobRun>, super::SchedulerError> {
        let (job, tenant) = self.resolve(job, tenant).await?;
        Ok(job_runs::recent(self.store.db(), job.name(), tenant.map(|t| t.id), limit).await?)
    }
}
