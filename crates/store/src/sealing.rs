//! Chaining audit entries after the transaction that wrote them commits (ADR 2). A [`WriteTx`]
//! remembers the tenants it appended entries for; its commit hands them to the [`Sealer`], so no
//! caller — page, API, CLI, scheduler, webhook, import — has to remember to.
//!
//! Two ways to seal, chosen per process:
//! - **on commit** (the default): the committing call seals before it returns. Commits that arrive
//!   while a seal of the same tenant is running only mark it to go round once more, so concurrent
//!   writers do not queue on the chain head; every caller's entries are chained once the sealing
//!   call returns. Commands that run once and exit, and tests, get a sealed log with no background task.
//! - **in the background** ([`Store::seal_in_background`], used by `serve`): the commit only wakes a
//!   task, which gathers a burst for [`COALESCE`] and seals each tenant once, and sweeps every tenant
//!   every [`SWEEP_EVERY`] for what another instance or a crash left behind. A request never waits
//!   for the chain.
//!
//! [`WriteTx`]: crate::WriteTx

use crate::Store;
use crate::repo::{audit, tenants};
use credinet_core::ids::TenantId;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;

/// Every tenant is swept this often by the background sealer.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// How long the background sealer waits after a wake-up to gather the rest of a burst, so a thousand
/// payments cost a few sealing transactions, not a thousand (on SQLite each one takes the single writer).
const COALESCE: Duration = Duration::from_millis(200);

#[derive(Debug, Default)]
pub(crate) struct Sealer {
    background: OnceLock<mpsc::UnboundedSender<TenantId>>,
    /// On-commit sealing: tenants being sealed now, and whether a commit arrived while it ran.
    running: Mutex<HashMap<TenantId, bool>>,
}

impl Sealer {
    /// Called by a committed [`crate::WriteTx`] with the tenants whose logs it appended to.
    pub(crate) async fn committed(&self, store: &Store, tenants: Vec<TenantId>) {
        if let Some(wake) = self.background.get() {
            for tenant in tenants {
                let _ = wake.send(tenant);
            }
            return;
        }
        for tenant in tenants {
            self.seal_now(store, tenant).await;
        }
    }

    /// Seals `tenant`, or if a seal of it is already running here, asks that one to go round again.
    async fn seal_now(&self, store: &Store, tenant: TenantId) {
        if !self.claim(tenant) {
            return;
        }
        loop {
            seal_logged(store, tenant).await;
            if self.finished(tenant) {
                return;
            }
        }
    }

    /// True when this caller is the one to seal `tenant`; otherwise marks the running seal to repeat.
    fn claim(&self, tenant: TenantId) -> bool {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.get_mut(&tenant) {
            Some(again) => {
                *again = true;
                false
            }
            None => {
                running.insert(tenant, false);
                true
            }
        }
    }

    /// True when no commit arrived during the last round, and the claim is released.
    fn finished(&self, tenant: TenantId) -> bool {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        match running.get_mut(&tenant) {
            Some(again) if *again => {
                *again = false;
                false
            }
            _ => {
                running.remove(&tenant);
                true
            }
        }
    }
}

impl Store {
    /// Moves this process's sealing to a background task on the current runtime (see the module
    /// comment). Idempotent; applies to every clone of this store.
    pub fn seal_in_background(&self) {
        self.sealer.background.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(background(self.clone(), rx));
            tx
        });
    }
}

/// The background sealer: seals the tenants named by commits, a burst at a time, and sweeps them all
/// regularly. It runs as long as the runtime that started it.
async fn background(store: Store, mut woken: mpsc::UnboundedReceiver<TenantId>) {
    let mut sweep = tokio::time::interval(SWEEP_EVERY);
    loop {
        tokio::select! {
            next = woken.recv() => match next {
                Some(first) => {
                    tokio::time::sleep(COALESCE).await;
                    let mut burst = vec![first];
                    while let Ok(more) = woken.try_recv() {
                        if !burst.contains(&more) {
                            burst.push(more);
                        }
                    }
                    for tenant in burst {
                        seal_logged(&store, tenant).await;
                    }
                }
                None => break,
            },
            _ = sweep.tick() => sweep_all(&store).await,
        }
    }
}

async fn seal_logged(store: &Store, tenant: TenantId) {
    if let Err(e) = audit::seal(store, tenant).await {
        tracing::warn!(%tenant, error = %e, "audit sealing failed; the next sweep or commit retries");
    }
}

/// Seals every tenant's pending entries.
pub(crate) async fn sweep_all(store: &Store) {
    match tenants::list(store.db()).await {
        Ok(all) => {
            for tenant in all {
                seal_logged(store, tenant.id).await;
            }
        }
        Err(e) => tracing::warn!(error = %e, "audit sweep could not list tenants"),
    }
}
