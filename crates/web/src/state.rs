use crate::auth::csrf::LoginCsrf;
use crate::cloud_replies::ReplySender;
use crate::monitoring::Observer;
use crate::pages::backups::Backups;
use crate::settings::HttpSettings;
use crate::throttle::Throttles;
use credinet_accounts::AccountSettings;
use credinet_assistant::{Assistant, AssistantSettings};
use credinet_lending::payments::PaymentQueue;
use credinet_ops::{Registry, Scheduler};
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
    throttles: Throttles,
    login_csrf: LoginCsrf,
    observer: Observer,
    scheduler: Scheduler,
    assistant: Assistant,
    replies: ReplySender,
    backups: Option<Backups>,
}

impl AppState {
    /// `login_csrf` signs the login form's cookie with the installation's secret (see `startup`);
    /// `jobs` are the jobs `serve` runs, which the jobs page shows and runs by hand.
    pub fn new(
        store: Store,
        http: HttpSettings,
        accounts: AccountSettings,
        assistant: AssistantSettings,
        login_csrf: LoginCsrf,
        jobs: Registry,
        backups: Option<Backups>,
    ) -> Self {
        let scheduler = Scheduler::new(store.clone(), jobs);
        let payments = PaymentQueue::spawn(store.clone());
        let throttles = Throttles::new(&http, &store);
        let observer = Observer::new(store.clone());
        let assistant = Assistant::new(store.clone(), assistant);
        // Sends the Cloud API replies the pipeline records, from the database, for as long as the
        // runtime runs.
        let replies = ReplySender::new(store.clone(), &http);
        replies.clone().spawn();
        AppState {
            inner: Arc::new(Inner {
                store,
                http,
                accounts,
                payments,
                throttles,
                login_csrf,
                observer,
                scheduler,
                assistant,
                replies,
                backups,
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
    /// The throttles in front of sign-in and of the API-key check.
    pub fn throttles(&self) -> &Throttles {
        &self.inner.throttles
    }
    /// The login form's signed CSRF cookie.
    pub fn login_csrf(&self) -> &LoginCsrf {
        &self.inner.login_csrf
    }
    /// Request timings and `error_500` reports (the layer around every route, and `/metrics`).
    pub fn observer(&self) -> &Observer {
        &self.inner.observer
    }
    /// The server's jobs over its store: the jobs page's overview and its runs by hand, under the same
    /// leases as the scheduled runs.
    pub fn scheduler(&self) -> &Scheduler {
        &self.inner.scheduler
    }
    /// The WhatsApp assistant's pipeline (the channel webhooks hand it their messages).
    pub fn assistant(&self) -> &Assistant {
        &self.inner.assistant
    }
    /// The database and backup directory of the backups page; `None` when this server has none.
    pub fn backups(&self) -> Option<&Backups> {
        self.inner.backups.as_ref()
    }
    /// Sends the Cloud API channel's replies.
    pub fn replies(&self) -> &ReplySender {
        &self.inner.replies
    }
}
