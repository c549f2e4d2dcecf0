//! `error_500` events: one system event per 5xx answer, written off the request's path.
//!
//! The layer that sees the answer only hands a [`ServerError`] to a bounded queue and returns; one task
//! writes what the queue holds in one transaction. So a failing answer is never slower for being
//! reported, and when the database is what failed, the failed write is logged once and the batch
//! dropped: no retry, no request of our own, nothing that could feed on itself. When the queue is full
//! (the database is stalled and every request fails), the reports that do not fit are counted in a log
//! line instead.

use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use credinet_store::Store;
use credinet_store::repo::notify::system_events::{self, NewSystemEvent};
use tokio::sync::mpsc;

/// Reports waiting to be written; past this, a report is dropped and logged.
const QUEUE: usize = 1024;
/// Reports written in one transaction at most.
const BATCH: usize = 64;

/// One answer with a 5xx status. It carries no header, body or query value: only what names the
/// request (its id and route template) and, when a gate admitted the caller, the tenant.
#[derive(Debug, Clone)]
pub struct ServerError {
    pub method: String,
    /// The route template (`/v1/loans/{id}`), never the raw path: ids stay out of events.
    pub route: String,
    pub status: u16,
    pub request_id: String,
    /// The handler panicked (the answer is the panic guard's 500).
    pub panicked: bool,
    pub tenant: Option<(TenantId, String)>,
    pub at: DateTime<Utc>,
}

impl ServerError {
    fn into_event(self) -> NewSystemEvent {
        let (tenant_id, tenant) = match self.tenant {
            Some((id, slug)) => (Some(id.get()), Some(slug)),
            None => (None, None),
        };
        NewSystemEvent {
            kind: "error_500".into(),
            // Each failed request is its own occurrence: a burst is summarized ("error_500 ×37").
            entity: "request".into(),
            entity_id: Some(self.request_id.clone()),
            payload: serde_json::json!({
                "route": format!("{} {}", self.method, self.route),
                "status": self.status,
                "request_id": self.request_id,
                "panic": self.panicked,
                "tenant_id": tenant_id,
                "tenant": tenant,
            }),
        }
    }
}

/// The sending end of the queue; cheap to clone.
#[derive(Clone, Debug)]
pub struct ErrorEvents {
    queue: mpsc::Sender<ServerError>,
}

impl ErrorEvents {
    /// Starts the writer on `store`; it ends when every handle is dropped.
    pub fn spawn(store: Store) -> ErrorEvents {
        let (queue, reports) = mpsc::channel(QUEUE);
        tokio::spawn(write_until_closed(store, reports));
        ErrorEvents { queue }
    }

    /// Queues the report without waiting; a full queue drops it with a log line.
    pub fn report(&self, error: ServerError) {
        if let Err(e) = self.queue.try_send(error) {
            let dropped = match e {
                mpsc::error::TrySendError::Full(error)
                | mpsc::error::TrySendError::Closed(error) => error,
            };
            tracing::warn!(
                request_id = %dropped.request_id,
                route = %dropped.route,
                "the error_500 queue is full; this one is not recorded as an event"
            );
        }
    }
}

async fn write_until_closed(store: Store, mut reports: mpsc::Receiver<ServerError>) {
    let mut batch = Vec::with_capacity(BATCH);
    while reports.recv_many(&mut batch, BATCH).await > 0 {
        let count = batch.len();
        if let Err(e) = write(&store, batch.drain(..)).await {
            // Not retried: the database failing is likely why these requests failed.
            tracing::error!(error = %e, count, "recording error_500 events failed; they are dropped");
        }
    }
}

async fn write(
    store: &Store,
    batch: impl Iterator<Item = ServerError>,
) -> Result<(), credinet_store::StoreError> {
    let tx = store.write().await?;
    for error in batch {
        let at = error.at;
        system_events::append(&tx, error.into_event(), at).await?;
    }
    tx.commit().await?;
    Ok(())
}
