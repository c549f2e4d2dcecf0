//! A backup or a verification asked for from the backups page (ADR 32): started in the background so the
//! request answers at once, one at a time for the whole installation, audited, with its progress in its
//! `backup_task` row for whichever server draws the page.
//!
//! One at a time is the job lease `backup`, the very one the scheduler takes for the nightly backup
//! job (a system job's lease key is its name): a backup by hand, a verification and the night's backup
//! never overlap, on one server or several. The lease is renewed while the task runs and given back
//! when it ends; a server that dies frees it when it expires.

use super::{BackupSettings, DatabaseTarget, Progress};
use crate::jobs::Backup;
use crate::scheduler::LEASE_LENGTH;
use credinet_core::ids::TenantId;
use credinet_store::repo::audit::{self, Record, Requester};
use credinet_store::repo::backup_tasks::{self, TaskAction, TaskStatus};
use credinet_store::repo::job_leases::{self, Lease};
use credinet_store::{Store, StoreError};
use rand::Rng;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What an operator asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskRequest {
    /// A new backup.
    Run,
    /// Verify this backup (its file name, as listed).
    Verify { file: String },
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    /// Another backup, verification or the nightly backup holds the lease.
    #[error("a backup or a verification is already running")]
    Busy,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How often the row is told the progress (and so how stale the page's bar can be). A task's row that
/// has not moved for [`STALE_AFTER`] lost its server.
const PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// Past this without a heartbeat, a running task is taken as interrupted (its server died, or the
/// database was restored from a copy taken while it ran). Ten heartbeats, so a slow write or a busy
/// database does not make a live task look dead.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::seconds(10);

/// Takes the lease, records the task and its audit entry (in `tenant`, the operator's, by `requester`)
/// in one transaction, and starts the work in the background. Returns the task's id.
pub async fn start(
    store: &Store,
    target: DatabaseTarget,
    settings: BackupSettings,
    request: TaskRequest,
    tenant: TenantId,
    requester: &Requester,
) -> Result<i64, TaskError> {
    let holder = holder_token();
    let Some(lease) = job_leases::acquire(store, Backup::NAME, &holder, LEASE_LENGTH).await? else {
        return Err(TaskError::Busy);
    };
    let recorded = record(store, &request, tenant, requester).await;
    let id = match recorded {
        Ok(id) => id,
        Err(e) => {
            let _ = job_leases::release(store, &lease).await;
            return Err(e.into());
        }
    };
    tracing::info!(task = id, request = ?request, by = %requester.actor.label, "backup task started from the backups page");
    let store = store.clone();
    tokio::spawn(async move {
        work(&store, id, &target, &settings, request, &lease).await;
        if let Err(e) = job_leases::release(&store, &lease).await {
            tracing::warn!(error = %e, "could not give the backup lease back; it ends by itself");
        }
    });
    Ok(id)
}

async fn record(
    store: &Store,
    request: &TaskRequest,
    tenant: TenantId,
    requester: &Requester,
) -> Result<i64, StoreError> {
    let (action, file, audited) = match request {
        TaskRequest::Run => (TaskAction::Run, None, "backup_run_requested"),
        TaskRequest::Verify { file } => (
            TaskAction::Verify,
            Some(file.as_str()),
            "backup_verify_requested",
        ),
    };
    let now = store.now();
    let tx = store.write().await?;
    let id = backup_tasks::start(&tx, action, file, tenant, &requester.actor.label, now).await?;
    let entry = Record {
        actor: requester.actor.clone(),
        origin: requester.origin.clone(),
        action: audited,
        entity: "backup",
        // The file for a verification; a run has none yet, and its task is in `after`.
        entity_id: file.map(str::to_string),
        before: None,
        after: Some(serde_json::json!({ "task": id })),
    };
    audit::append(&tx, tenant, entry, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Runs the task, reporting its progress every second and renewing the lease, and records its end.
async fn work(
    store: &Store,
    id: i64,
    target: &DatabaseTarget,
    settings: &BackupSettings,
    request: TaskRequest,
    lease: &Lease,
) {
    let progress = Arc::new(TaskProgress::default());
    let reporter = tokio::spawn(report(store.clone(), id, progress.clone(), lease.clone()));
    let shared: Arc<dyn Progress> = progress.clone();
    let (status, file, detail) = match request {
        TaskRequest::Run => match super::run(store, target, settings, shared).await {
            Ok(report) => (TaskStatus::Succeeded, Some(report.manifest.file), None),
            Err(e) => (TaskStatus::Failed, None, Some(e.to_string())),
        },
        TaskRequest::Verify { file } => {
            match super::verify(store, target, &settings.dir, &file, shared).await {
                Ok(v) if v.is_ok() => (TaskStatus::Succeeded, Some(file), None),
                Ok(v) => (TaskStatus::Failed, Some(file), Some(v.problems.join("; "))),
                Err(e) => (TaskStatus::Failed, Some(file), Some(e.to_string())),
            }
        }
    };
    reporter.abort();
    let _ = reporter.await;
    match &detail {
        None => tracing::info!(task = id, "backup task succeeded"),
        Some(d) => tracing::warn!(task = id, detail = %d, "backup task failed"),
    }
    if let Err(e) =
        backup_tasks::finish(store, id, status, file.as_deref(), detail.as_deref()).await
    {
        tracing::error!(task = id, error = %e, "could not record the end of a backup task");
    }
}

/// Every [`PROGRESS_EVERY`], writes the progress to the row (its heartbeat too); every third of the
/// lease, renews the lease. Runs until aborted.
async fn report(store: Store, id: i64, progress: Arc<TaskProgress>, lease: Lease) {
    let renew_every = (LEASE_LENGTH / 3)
        .to_std()
        .unwrap_or(Duration::from_secs(100));
    let mut last_renewal = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(PROGRESS_EVERY).await;
        let now = progress.now();
        if let Err(e) =
            backup_tasks::progress(&store, id, now.stage.as_deref(), now.done, now.total).await
        {
            tracing::warn!(task = id, error = %e, "could not record a backup task's progress");
        }
        if last_renewal.elapsed() >= renew_every {
            last_renewal = tokio::time::Instant::now();
            match job_leases::renew(&store, &lease, LEASE_LENGTH).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(task = id, "backup lease lost while running"),
                Err(e) => tracing::warn!(task = id, error = %e, "could not renew the backup lease"),
            }
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Snapshot {
    stage: Option<String>,
    done: u64,
    total: Option<u64>,
}

/// The progress the backup code reports (from its blocking threads), kept for [`report`] to write.
#[derive(Default)]
struct TaskProgress {
    now: Mutex<Snapshot>,
}

impl TaskProgress {
    fn now(&self) -> Snapshot {
        self.now.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Progress for TaskProgress {
    fn stage(&self, name: &str, total: Option<u64>) {
        if let Ok(mut s) = self.now.lock() {
            *s = Snapshot {
                stage: Some(name.to_string()),
                done: 0,
                total,
            };
        }
    }

    fn advance(&self, bytes: u64) {
        if let Ok(mut s) = self.now.lock() {
            s.done = s.done.saturating_add(bytes);
        }
    }

    fn finish(&self) {}
}

/// A fresh random token per lease taken, as the scheduler's.
fn holder_token() -> String {
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    hex::encode(bytes)
}
