use crate::settings::HttpSettings;
use credinet_accounts::AccountSettings;
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
    http: HttpSettings,
    accounts: AccountSettings,
    payments: PaymentQueue,
}

impl AppState {
    pub fn new(store: Store, http: HttpSettings, accounts: AccountSettings) -> Self {
        let payments = PaymentQueue::spawn(store.clone());
        AppState {
            inner: Arc::new(Inner {
                store,
                http,
                accounts,
                payments,
            }),
        }
    }
    pub fn store(&self) -> &Store {
        &self.inner.store
    }
    pub fn http(&self) -> &HttpSettings {
        &self.inner.http
    }
    /// Sign-in and session settings.
    pub fn accounts(&self) -> &AccountSettings {
        &self.inner.accounts
    }
    /// Payments from the API go through the group-commit queue.
    pub fn payments(&self) -> &PaymentQueue {
        &self.inner.payments
    }
}
