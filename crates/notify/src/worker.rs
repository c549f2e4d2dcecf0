//! The notifier: routes, flushes and delivers, pass after pass. `serve` runs it in the background;
//! tests call [`Notifier::run_once`] and move the store's clock between passes.

use crate::deliver::{Deliverer, DeliveryReport};
use crate::flush::{self, FlushReport};
use crate::pace::Pacer;
use crate::{NotifyError, NotifySettings, route};
use credinet_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;

#[derive(Clone)]
pub struct Notifier {
    store: Store,
    settings: NotifySettings,
    http: reqwest::Client,
    pacer: Arc<Pacer>,
    stopping: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

/// A notifier running in the background ([`Notifier::spawn`]).
pub struct Running {
    stopping: Arc<AtomicBool>,
    wake: Arc<Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops the worker and waits for it: the message being sent gets its answer recorded (at most
    /// the send timeout), the rest of what it claimed is given back. Without this, a stop between a
    /// service's answer and its record would send that message again after a restart.
    pub async fn stop(self) {
        self.stopping.store(true, Ordering::Relaxed);
        self.wake.notify_one();
        if let Err(e) = self.task.await {
            tracing::warn!(error = %e, "notification worker ended badly");
        }
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub routed: usize,
    pub flushed: FlushReport,
    pub delivered: DeliveryReport,
}

impl PassReport {
    /// Whether the pass found nothing to do (the worker then sleeps).
    pub fn idle(&self) -> bool {
        let d = self.delivered;
        self.routed == 0 && self.flushed.messages == 0 && d.sent + d.retried + d.dead == 0
    }
}

/// Bounds on the batches of one pass, so a pass ends even when rows keep coming.
const ROUTE_BATCHES: usize = 50;
const DELIVERY_BATCHES: usize = 100;

impl Notifier {
    pub fn new(store: Store, settings: NotifySettings) -> Result<Notifier, NotifyError> {
        let http = reqwest::Client::builder()
            .timeout(settings.send_timeout())
            .user_agent(concat!("credinet/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::HttpClient(e.to_string()))?;
        Ok(Notifier {
            store,
            settings,
            http,
            pacer: Arc::default(),
            stopping: Arc::default(),
            wake: Arc::default(),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &NotifySettings {
        &self.settings
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// One pass: route every waiting event, flush the groups whose time has come, deliver what is due.
    pub async fn run_once(&self) -> Result<PassReport, NotifyError> {
        let mut report = PassReport::default();
        for _ in 0..ROUTE_BATCHES {
            let routed = route::route(&self.store, self.settings.batch).await?;
            report.routed += routed;
            if routed == 0 {
                break;
            }
        }
        report.flushed = flush::flush(&self.store, self.settings.timing()).await?;
        let deliverer = Deliverer {
            store: &self.store,
            http: &self.http,
            settings: &self.settings,
            pacer: &self.pacer,
            stopping: &self.stopping,
        };
        for _ in 0..DELIVERY_BATCHES {
            if self.stopping.load(Ordering::Relaxed) {
                break;
            }
            let batch = deliverer.deliver_due().await?;
            let progress = batch.sent + batch.dead + batch.retried;
            report.delivered.add(batch);
            if batch.claimed == 0 || progress == 0 {
                break;
            }
        }
        Ok(report)
    }

    /// Runs passes until stopped, sleeping when a pass found nothing to do. A failed pass (the
    /// database away) is logged and tried again; nothing is lost, the rows wait.
    pub fn spawn(self) -> Running {
        let stopping = self.stopping.clone();
        let wake = self.wake.clone();
        let task = tokio::spawn(async move {
            while !self.stopping.load(Ordering::Relaxed) {
                match self.run_once().await {
                    Ok(report) if !report.idle() => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "notification pass failed"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(self.settings.poll_interval()) => {}
                    _ = self.wake.notified() => {}
                }
            }
        });
        Running {
            stopping,
            wake,
            task,
        }
    }
}
