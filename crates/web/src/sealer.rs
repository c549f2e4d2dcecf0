//! Runs the audit sealer after writes and on a timer, so the chain stays current without making any
//! business transaction wait for it.

use credinet_core::ids::TenantId;
use credinet_store::Store;
use credinet_store::repo::{audit, tenants};
use std::time::Duration;
use tokio::sync::mpsc;

/// Asks for a tenant's chain to be sealed soon.
#[derive(Clone)]
pub struct Sealer {
    wake: Option<mpsc::UnboundedSender<TenantId>>,
}

/// Every tenant is swept this often, to seal what another instance or a crash left behind.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// How long the sealer waits after a nudge to gather the rest of a burst.
const COALESCE: Duration = Duration::from_millis(200);

impl Sealer {
    /// A sealer with a background task on the current runtime.
    pub fn spawn(store: Store) -> Sealer {
        let (tx, mut rx) = mpsc::unbounded_channel::<TenantId>();
        tokio::spawn(async move {
            let mut sweep = tokio::time::interval(SWEEP_EVERY);
            loop {
                tokio::select! {
                    next = rx.recv() => match next {
                        Some(first) => {
                            // Gather the nudges of a burst so a thousand payments cost a few sealing
                            // transactions, not a thousand (on SQLite each one takes the single writer).
                            tokio::time::sleep(COALESCE).await;
                            let mut tenants = vec![first];
                            while let Ok(more) = rx.try_recv() {
                                if !tenants.contains(&more) {
                                    tenants.push(more);
                                }
                            }
                            for tenant in tenants {
                                seal_logged(&store, tenant).await;
                            }
                        }
                        None => break,
                    },
                    _ = sweep.tick() => sweep_all(&store).await,
                }
            }
        });
        Sealer { wake: Some(tx) }
    }

    /// A sealer that does nothing in the background: the caller seals when it is done (the CLI).
    pub fn detached() -> Sealer {
        Sealer { wake: None }
    }

    pub fn nudge(&self, tenant: TenantId) {
        if let Some(wake) = &self.wake {
            let _ = wake.send(tenant);
        }
    }
}

async fn seal_logged(store: &Store, tenant: TenantId) {
    if let Err(e) = audit::seal(store, tenant).await {
        tracing::warn!(%tenant, error = %e, "audit sealing failed; the next sweep retries");
    }
}

/// Seals every tenant's pending entries.
pub async fn sweep_all(store: &Store) {
    match tenants::list(store.db()).await {
        Ok(all) => {
            for tenant in all {
                seal_logged(store, tenant.id).await;
            }
        }
        Err(e) => tracing::warn!(error = %e, "audit sweep could not list tenants"),
    }
}
