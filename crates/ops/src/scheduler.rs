//! The scheduler: on every tick, for every job and scope (the system, or each tenant), it records what
//! came due since the last recorded occurrence and runs it — under the scope's lease, so that of several
//! servers on one database exactly one does the work, and each occurrence is recorded once (`job_run`'s
//! unique `occurrence`). A run by hand goes through the same lease and the same record.
//!
//! The files below hold one verb each: [`tick`] (the scheduled path), [`trigger`] (by hand),
//! [`execute`] (one run: do it, renew the lease meanwhile, record how it ended, announce it) and
//! [`overview`] (what `credinet jobs list` and the jobs page show).

mod execute;
mod overview;
mod tick;
mod trigger;

pub use overview::JobView;
pub use tick::TickReport;
pub use trigger::StartedRun;

use crate::registry::Registry;
use crate::schedule::ScheduleError;
use chrono::Duration;
use credinet_core::ids::TenantId;
use credinet_store::repo::job_leases::{self, Lease};
use credinet_store::{Store, StoreError};
use std::future::Future;

/// How long a lease lasts without renewal. A running job renews it every third of this; a server that
/// dies frees its jobs after at most this long.
pub const LEASE_LENGTH: Duration = Duration::minutes(5);

#[derive(Debug, thiserror::Error)]
pub enum SchedulerError {
    #[error("no job '{name}' (jobs: {known})")]
    UnknownJob { name: String, known: String },
    #[error("no tenant '{0}' (see `credinet tenant list`)")]
    UnknownTenant(String),
    #[error("job {job} runs per tenant: name one with --tenant")]
    TenantRequired { job: &'static str },
    #[error("job {job} runs for the whole installation, not for a tenant: leave out --tenant")]
    SystemJob { job: &'static str },
    #[error("job {job} is running now (held by another run); try again when it ends")]
    Busy { job: &'static str },
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The jobs of one server, over one store (whose clock says what time it is).
#[derive(Clone, Debug)]
pub struct Scheduler {
    store: Store,
    registry: Registry,
}

impl Scheduler {
    pub fn new(store: Store, registry: Registry) -> Scheduler {
        Scheduler { store, registry }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Ticks now (catching up what came due while no server ran), then every `every`, until `shutdown`
    /// completes. A tick's failure is logged and the next tick tries again.
    pub async fn run_until(&self, every: std::time::Duration, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.tick().await {
                Ok(report) if !report.is_empty() => {
                    tracing::info!(
                        ran = report.ran,
                        failed = report.failed,
                        missed = report.missed,
                        "scheduler tick"
                    )
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "scheduler tick failed; the next one retries"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = &mut shutdown => return,
            }
        }
    }

    /// Takes the lease of `job` for this scope, or `None` when another run holds it.
    async fn acquire(
        &self,
        job: &str,
        tenant: Option<TenantId>,
    ) -> Result<Option<Lease>, StoreError> {
        let key = match tenant {
            Some(t) => format!("{job}/{t}"),
            None => job.to_string(),
        };
        let holder = holder_token();
        job_leases::acquire(&self.store, &key, &holder, LEASE_LENGTH).await
    }

    async fn release(&self, lease: &Lease) {
        if let Err(e) = job_leases::release(&self.store, lease).await {
            tracing::warn!(lease = %lease.key, error = %e, "could not release a job lease; it ends by itself");
        }
    }
}

/// A fresh random token per lease taken, so two runs in one process are two holders.
fn holder_token() -> String {
    use rand::Rng;
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
