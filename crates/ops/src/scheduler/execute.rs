//! One run: do the job (in a task of its own, so a panic is a failed run, not a dead scheduler), keep
//! the lease while it works, record how it ended and announce it in the same transaction: in the
//! tenant's outbox (`domain_event`) for a per-tenant job, in the installation's (`system_event`) for a
//! system job.

use super::{LEASE_LENGTH, Scheduler};
use crate::job::{Job, JobError, RunContext};
use chrono::{DateTime, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::JobRunId;
use credinet_store::StoreError;
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::job_leases::{self, Lease};
use credinet_store::repo::job_runs::{self, Ending, RunStatus, RunTrigger};
use credinet_store::repo::notify::system_events::{self, NewSystemEvent};
use credinet_store::repo::tenants::Tenant;
use std::sync::Arc;

impl Scheduler {
    /// Runs `job` for the run `id` (already recorded as running) and records its end. Returns the
    /// status it ended with.
    pub(super) async fn execute(
        &self,
        job: &Arc<dyn Job>,
        tenant: Option<&Tenant>,
        id: JobRunId,
        due: DateTime<Utc>,
        trigger: RunTrigger,
        lease: &Lease,
    ) -> Result<RunStatus, StoreError> {
        let context = RunContext {
            tenant: tenant.cloned(),
            due,
            trigger,
        };
        let keeper = tokio::spawn(keep_lease(self.store.clone(), lease.clone()));
        let work = {
            let (job, store) = (job.clone(), self.store.clone());
            tokio::spawn(async move { job.run(&store, &context).await })
        };
        let outcome = work.await;
        keeper.abort();
        let ending = match outcome {
            Ok(Ok(summary)) => Ending::Succeeded { summary },
            Ok(Err(error)) => Ending::Failed {
                error: describe(&error),
            },
            Err(join) => Ending::Failed {
                error: if join.is_panic() {
                    "the job panicked (a bug: see the server log)".into()
                } else {
                    "the job was cancelled".into()
                },
            },
        };
        let status = match &ending {
            Ending::Succeeded { .. } => RunStatus::Succeeded,
            Ending::Failed { .. } => RunStatus::Failed,
        };
        match &ending {
            Ending::Succeeded { summary } => {
                tracing::info!(job = job.name(), run = %id, %summary, "job succeeded")
            }
            Ending::Failed { error } => {
                tracing::warn!(job = job.name(), run = %id, %error, "job failed")
            }
        }
        self.record_end(job.name(), tenant, id, due, trigger, ending)
            .await?;
        Ok(status)
    }

    /// Records how run `id` ended and announces it (`scheduler_executed` or `scheduler_failed`), in
    /// one transaction.
    pub(super) async fn record_end(
        &self,
        job: &str,
        tenant: Option<&Tenant>,
        id: JobRunId,
        due: DateTime<Utc>,
        trigger: RunTrigger,
        ending: Ending,
    ) -> Result<(), StoreError> {
        let now = self.store.now();
        let tx = self.store.write().await?;
        let event = event(job, tenant, id, due, trigger, &ending);
        match tenant {
            Some(tenant) => {
                events::append(&tx, tenant.id, event, now).await?;
            }
            // A system job has no tenant, and `domain_event.tenant_id` is NOT NULL: its outcome goes to
            // the installation's events, which the notifier routes to the system's channels (ADR 16).
            None => {
                let event = NewSystemEvent {
                    kind: event.kind.as_str().to_string(),
                    entity: event.entity.to_string(),
                    entity_id: event.entity_id,
                    payload: event.payload,
                };
                system_events::append(&tx, event, now).await?;
            }
        }
        job_runs::finish(&tx, id, ending, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `scheduler_executed` with the summary, or `scheduler_failed` with the error, for the notifier. A
/// per-tenant run names its tenant and the due instant in the tenant's local time too.
fn event(
    job: &str,
    tenant: Option<&Tenant>,
    id: JobRunId,
    due: DateTime<Utc>,
    trigger: RunTrigger,
    ending: &Ending,
) -> NewEvent {
    let mut payload = serde_json::json!({
        "job": job,
        "run_id": id.get(),
        "due": due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "trigger": trigger.as_str(),
    });
    if let Some(tenant) = tenant {
        payload["tenant"] = tenant.slug.as_str().into();
        payload["due_local"] = tenant.zone.format_local_with_utc_offset(due).into();
    }
    let kind = match ending {
        Ending::Succeeded { summary } => {
            payload["summary"] = summary.clone();
            EventKind::SchedulerExecuted
        }
        Ending::Failed { error } => {
            payload["error"] = error.clone().into();
            EventKind::SchedulerFailed
        }
    };
    NewEvent {
        kind,
        entity: "job_run",
        entity_id: Some(id.to_string()),
        payload,
    }
}

/// The error as stored in `job_run.error`: its message and its causes, one line.
fn describe(error: &JobError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Renews `lease` every third of its length until aborted. A lost renewal is logged: the run goes on,
/// and the record of its occurrence (unique) still keeps another server from running it twice.
async fn keep_lease(store: credinet_store::Store, lease: Lease) {
    let every = (LEASE_LENGTH / 3)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(100));
    loop {
        tokio::time::sleep(every).await;
        match job_leases::renew(&store, &lease, LEASE_LENGTH).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(lease = %lease.key, "job lease lost while running"),
            Err(e) => tracing::warn!(lease = %lease.key, error = %e, "could not renew a job lease"),
        }
    }
}
