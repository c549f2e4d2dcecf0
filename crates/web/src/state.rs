use crate::config::Config;
use crate::sealer::Sealer;
use credinet_lending::payments::PaymentQueue;
use credinet_store::Store;
use std::sync::Arc;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: Config,
    sealer: Sealer,
    payments: PaymentQueue,
}

impl AppState {
    pub fn new(store: Store, config: Config, sealer: Sealer) -> Self {
        let payments = PaymentQueue::spawn(store.clone());
        AppState {
            inner: Arc::new(Inner {
                store,
                config,
                sealer,
                payments,
            }),
        }
    }
    pub fn store(&self) -> &Store {
        &self.inner.store
    }
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
    pub fn sealer(&self) -> &Sealer {
        &self.inner.sealer
    }
    /// Payments from the API go through the group-commit queue.
    pub fn payments(&self) -> &PaymentQueue {
        &self.inner.payments
    }
}
