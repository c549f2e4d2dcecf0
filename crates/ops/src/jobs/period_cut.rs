//! `period_cut` (per tenant): the period cut of SPEC §3 on each of the tenant's cut days, at the
//! configured local time (default 00:05) in the tenant's own zone — 06:05 UTC for Mexico City, never
//! 00:05 UTC (the old system's bug). The cut itself is `credinet_lending::cuts::run`: exactly once per
//! (tenant, cut date), resumed from its checkpoint when a run is repeated after a crash, so the
//! scheduler may safely run it again.

use crate::job::{CatchUp, Job, JobError, JobScope, RunContext};
use crate::schedule::{CutTime, Schedule, ScheduleError};
use chrono::Duration;
use credinet_lending::cuts::{self, CutOptions};
use credinet_store::Store;
use credinet_store::repo::audit::{Actor, Origin, Requester};
use credinet_store::repo::tenants::Tenant;
use std::ops::ControlFlow;

pub struct PeriodCut {
    time: CutTime,
    grace: Duration,
}

impl PeriodCut {
    pub const NAME: &'static str = "period_cut";

    /// The cut at `time` (local, on each cut day) with `grace` to catch up a cut missed while no server
    /// ran; an older one is recorded as missed and back-filled by hand (`credinet cut run`).
    pub fn new(time: CutTime, grace: Duration) -> PeriodCut {
        PeriodCut { time, grace }
    }
}

#[async_trait::async_trait]
impl Job for PeriodCut {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn scope(&self) -> JobScope {
        JobScope::PerTenant
    }

    fn schedule(&self, tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError> {
        // The scheduler always passes the tenant of a per-tenant job; without one there is no zone, and
        // a schedule without a zone is exactly what this scheduler refuses.
        let tenant = tenant.ok_or_else(|| ScheduleError::MissingZone {
            expression: format!("{} on the cut days", self.time),
        })?;
        Ok(Schedule::period_cut(
            &tenant.settings.cut_days,
            self.time,
            tenant.zone,
        ))
    }

    fn grace(&self) -> Duration {
        self.grace
    }

    /// The cut of the 8th is not the cut of the 23rd: each missed cut day is its own cut, oldest first
    /// (cuts go forward in date order).
    fn catch_up(&self) -> CatchUp {
        CatchUp::EachOccurrence
    }

    async fn run(&self, store: &Store, run: &RunContext) -> Result<serde_json::Value, JobError> {
        let tenant = run
            .tenant
            .as_ref()
            .ok_or(JobError::NoTenant { job: Self::NAME })?;
        // The occurrence's local date is the cut date: 06:05 UTC on Jan 8th is 00:05 on the 8th in
        // Mexico City, so payments made up to 23:59 local on the 7th belong to this cut's period.
        let date = tenant.zone.local_date(run.due);
        let cut = cuts::run(
            store,
            tenant.id,
            date,
            &system(),
            CutOptions::default(),
            |progress| {
                tracing::debug!(
                    tenant = %tenant.slug,
                    cut_date = %progress.cut_date,
                    loans_done = progress.loans_done,
                    loans_total = progress.loans_total,
                    "period cut progress"
                );
                ControlFlow::Continue(())
            },
        )
        .await
        .map_err(|e| JobError::Job(Box::new(e)))?;
        Ok(serde_json::json!({
            "cut_date": cut.cut_date,
            "period_start": cut.period_start,
            "loans": cut.loans_done,
            "summary": cut.summary,
        }))
    }
}

/// The scheduler as the cut's audit records name it.
fn system() -> Requester {
    Requester {
        actor: Actor::system(),
        origin: Origin::default(),
    }
}
