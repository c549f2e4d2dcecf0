//! `backup` (system, 02:00 in the installation's zone by default): a backup of the database, then the
//! local retention. The backup records `backup_completed`/`backup_failed` itself; a failure also fails
//! the run (`scheduler_failed`).

use crate::backup::{self, BackupSettings, DatabaseTarget, NoProgress};
use crate::job::{CatchUp, Job, JobError, JobScope, RunContext};
use crate::schedule::{Schedule, ScheduleError};
use chrono::Duration;
use credinet_store::Store;
use credinet_store::repo::tenants::Tenant;
use std::sync::Arc;

pub struct Backup {
    schedule: Schedule,
    target: DatabaseTarget,
    settings: BackupSettings,
}

impl Backup {
    pub const NAME: &'static str = "backup";

    pub fn new(schedule: Schedule, target: DatabaseTarget, settings: BackupSettings) -> Backup {
        Backup {
            schedule,
            target,
            settings,
        }
    }
}

#[async_trait::async_trait]
impl Job for Backup {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn scope(&self) -> JobScope {
        JobScope::System
    }

    fn schedule(&self, _tenant: Option<&Tenant>) -> Result<Schedule, ScheduleError> {
        Ok(self.schedule.clone())
    }

    /// A backup taken late is still the backup of the night; one older than half a day is replaced by
    /// the next night's.
    fn grace(&self) -> Duration {
        Duration::hours(12)
    }

    fn catch_up(&self) -> CatchUp {
        CatchUp::LatestOnly
    }

    async fn run(&self, store: &Store, _run: &RunContext) -> Result<serde_json::Value, JobError> {
        let report = backup::run(store, &self.target, &self.settings, Arc::new(NoProgress))
            .await
            .map_err(|e| JobError::Job(Box::new(e)))?;
        let pruned = backup::prune(
            &self.settings.dir,
            self.settings.retention,
            store.now(),
            false,
        )
        .map_err(|e| JobError::Job(Box::new(e)))?;
        let m = &report.manifest;
        Ok(serde_json::json!({
            "file": m.file,
            "size_bytes": m.size_bytes,
            "rows": m.total_rows(),
            "duration_ms": m.duration_ms,
            "pruned": pruned.removed.len(),
        }))
    }
}
