//! A tenant, a clock and a scheduler with a job that records what it is asked to do.

use chrono::{DateTime, Duration, TimeZone, Utc};
use credinet_core::currency::Currency;
use credinet_core::ids::TenantId;
use credinet_core::slug::TenantSlug;
use credinet_core::tenant_settings::TenantSettings;
use credinet_core::zone::Zone;
use credinet_ops::{
    CatchUp, CutTime, Job, JobError, JobScope, Registry, RunContext, Schedule, ScheduleError,
    Scheduler,
};
use credinet_store::repo::job_runs::{self, JobRun};
use credinet_store::repo::tenants::{self, Tenant};
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, migrations};
use std::sync::{Arc, Mutex};

pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub async fn migrated(db: &TestDb, clock: &ManualClock) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    store.with_clock(clock.clone())
}

pub async fn tenant(store: &Store, slug: &str) -> Tenant {
    let new = tenants::NewTenant {
        slug: TenantSlug::parse(slug).unwrap(),
        legal_name: format!("Financiera {slug} SA de CV"),
        zone: Zone::mexico_city(),
        currency: Currency::MXN,
        settings: TenantSettings::default(),
    };
    tenants::create(store.db(), new, store.now())
        .await
        .expect("create tenant")
}

/// A scheduler whose only job is a [`Recorder`], with the clock at `start`.
pub async fn scheduler_at(db: &TestDb, start: DateTime<Utc>) -> (Scheduler, ManualClock, Recorder) {
    let clock = ManualClock::starting_at(start);
    let store = migrated(db, &clock).await;
    let recorder = Recorder::default();
    let scheduler = Scheduler::new(store, Registry::new().with(recorder.clone()));
    (scheduler, clock, recorder)
}

/// Every run of `recorder` for the tenant, newest recorded first.
pub async fn runs(store: &Store, tenant: TenantId) -> Vec<JobRun> {
    job_runs::recent(store.db(), "recorder", Some(tenant), 100)
        .await
        .unwrap()
}

pub async fn count_rows(store: &Store, table: &str) -> i64 {
    let row = store
        .db()
        .query_one_raw(Statement::from_string(
            store.backend(),
            format!("SELECT COUNT(*) AS n FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// A per-tenant job on the period cut's schedule (the tenant's cut days at 00:05 in its zone, 72 h of
/// grace, every occurrence its own work) that records each (tenant, occurrence) it is asked to do, or
/// fails once when told to.
/// A (tenant, occurrence) the recorder was asked to do.
pub type Asked = (TenantId, DateTime<Utc>);

#[derive(Clone, Default)]
pub struct Recorder {
    seen: Arc<Mutex<Vec<Asked>>>,
    fail: Arc<Mutex<Option<String>>>,
}

impl Recorder {
    pub fn seen(&self) -> Vec<Asked> {
        self.seen.lock().unwrap().clone()
    }

    pub fn fail_next(&self, why: &str) {
        *self.fail.lock().unwrap() = Some(why.to_string());
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Refused(String);

#[async_trait::async_trait]
impl Job for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }

    fn scope(&self) -> JobScope {
        JobScope::PerTenant
    }

    fn schedule(&self, tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError> {
        let tenant = tenant.expect("a per-tenant job gets its tenant");
        Ok(Schedule::period_cut(
            &tenant.settings.cut_days,
            CutTime::DEFAULT,
            tenant.zone,
        ))
    }

    fn grace(&self) -> Duration {
        Duration::hours(72)
    }

    fn catch_up(&self) -> CatchUp {
        CatchUp::EachOccurrence
    }

    async fn run(&self, _store: &Store, run: &RunContext) -> Result<serde_json::Value, JobError> {
        if let Some(why) = self.fail.lock().unwrap().take() {
            return Err(JobError::Job(Box::new(Refused(why))));
        }
        let tenant = run
            .tenant
            .as_ref()
            .ok_or(JobError::NoTenant { job: "recorder" })?;
        let mut seen = self.seen.lock().unwrap();
        seen.push((tenant.id, run.due));
        Ok(serde_json::json!({ "recorded": 1 }))
    }
}
