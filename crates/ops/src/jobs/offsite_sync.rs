//! `offsite_sync` (system, 02:30 by default, half an hour after `backup`): copies the backups to the
//! configured rclone remote and applies the retention there. Registered only when a remote is set.
//! A failure records `offsite_sync_failed`; the next run copies whatever is still missing.

use crate::backup::{self, BackupSettings};
use crate::job::{CatchUp, Job, JobError, JobScope, RunContext};
use crate::schedule::{Schedule, ScheduleError};
use chrono::Duration;
use credinet_store::Store;
use credinet_store::repo::tenants::Tenant;

pub struct OffsiteSync {
    schedule: Schedule,
    settings: BackupSettings,
}

impl OffsiteSync {
    pub const NAME: &'static str = "offsite_sync";

    pub fn new(schedule: Schedule, settings: BackupSettings) -> OffsiteSync {
        OffsiteSync { schedule, settings }
    }
}

#[async_trait::async_trait]
impl Job for OffsiteSync {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn scope(&self) -> JobScope {
        JobScope::System
    }

    fn schedule(&self, _tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError> {
        Ok(self.schedule.clone())
    }

    /// A copy sends everything not yet sent: a late one is as good as one on time.
    fn grace(&self) -> Duration {
        Duration::days(1)
    }

    fn catch_up(&self) -> CatchUp {
        CatchUp::LatestOnly
    }

    async fn run(&self, store: &Store, _run: &RunContext) -> Result<serde_json::Value, JobError> {
        let report = backup::sync(
            store,
            &self.settings.dir,
            &self.settings.offsite,
            self.settings.retention,
        )
        .await
        .map_err(|e| JobError::Job(Box::new(e)))?;
        Ok(serde_json::json!({
            "remote_backups": report.remote_backups,
            "removed": report.removed.len(),
        }))
    }
}
