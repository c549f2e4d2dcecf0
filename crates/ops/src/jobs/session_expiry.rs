//! `session_expiry` (system): deletes browser sessions that can no longer be used, so the table holds
//! live sessions only. A sign-in check already refuses an expired session; this only reclaims the rows.

use crate::job::{CatchUp, Job, JobError, JobScope, RunContext};
use crate::schedule::{Schedule, ScheduleError};
use chrono::Duration;
use credinet_store::Store;
use credinet_store::repo::sessions;
use credinet_store::repo::tenants::Tenant;

pub struct SessionExpiry {
    schedule: Schedule,
    max_age: Duration,
}

impl SessionExpiry {
    pub const NAME: &'static str = "session_expiry";

    pub fn new(schedule: Schedule, max_age: Duration) -> SessionExpiry {
        SessionExpiry { schedule, max_age }
    }
}

#[async_trait::async_trait]
impl Job for SessionExpiry {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn scope(&self) -> JobScope {
        JobScope::System
    }

    fn schedule(&self, _tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError> {
        Ok(self.schedule.clone())
    }

    /// A run deletes everything expired so far: a late one is as good as one on time.
    fn grace(&self) -> Duration {
        Duration::days(1)
    }

    fn catch_up(&self) -> CatchUp {
        CatchUp::LatestOnly
    }

    async fn run(&self, store: &Store, _run: &RunContext) -> Result<serde_json::Value, JobError> {
        let now = store.now();
        let tx = store.write().await?;
        let deleted = sessions::delete_expired(&tx, now, now - self.max_age).await?;
        tx.commit().await?;
        Ok(serde_json::json!({ "deleted_sessions": deleted }))
    }
}
