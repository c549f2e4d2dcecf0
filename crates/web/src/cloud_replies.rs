//! The reply sender of the Cloud API channel: takes the replies the pipeline recorded `pending`
//! (migration 13) and sends them through the Graph API, one attempt per claim, retrying a failure that
//! may pass with exponential backoff (`graph_api_backoff_ms`, doubled up to 30 s, at least a 429's
//! `Retry-After`) until `graph_api_max_attempts`. Everything it knows is in the rows, so a server
//! stopped mid-retry loses no reply: the next one (or another server on the same database) sends it.
//! The webhook wakes it after each delivery; without a wake it looks every second.

use crate::settings::HttpSettings;
use crate::whatsapp_graph::{GraphClient, SendError};
use chrono::Duration as Span;
use credinet_core::ids::TenantId;
use credinet_store::repo::assistant_channels;
use credinet_store::repo::assistant_replies::{self, DueReply};
use credinet_store::{Store, StoreError};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

/// Replies claimed at once.
const BATCH: u64 = 50;
/// How long a claimed reply is held by the server sending it: longer than the Graph API's time limit
/// (10 s), so a slow answer is not sent a second time by another server.
const HOLD_SECONDS: i64 = 30;
/// How long the sender sleeps when nothing is due and nobody woke it.
const POLL: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct ReplySender {
    store: Store,
    graph: GraphClient,
    max_attempts: i32,
    first_backoff: Duration,
    wake: Arc<Notify>,
}

impl ReplySender {
    pub fn new(store: Store, settings: &HttpSettings) -> ReplySender {
        ReplySender {
            store,
            graph: GraphClient::new(settings),
            max_attempts: i32::try_from(settings.graph_api_max_attempts.max(1)).unwrap_or(i32::MAX),
            first_backoff: Duration::from_millis(settings.graph_api_backoff_ms),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Tells the running sender that replies may be due now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Runs until the runtime stops.
    pub fn spawn(self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                let sent = match self.run_once().await {
                    Ok(n) => n,
                    Err(e) => {
                        tracing::warn!(error = %e, "Cloud API replies not claimed");
                        0
                    }
                };
                if sent == 0 {
                    tokio::select! {
                        _ = self.wake.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                }
            }
        })
    }

    /// Claims the replies due now and makes one attempt at each; returns how many it tried.
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let due =
            assistant_replies::claim_due(&self.store, BATCH, Span::seconds(HOLD_SECONDS)).await?;
        let tried = due.len();
        // At once: a claim holds at most one reply per conversation, so order within a conversation
        // is kept, and one slow answer from the Graph API does not hold every other tenant's replies.
        let attempts = futures_util::future::join_all(due.into_iter().map(|r| self.attempt(r)));
        for outcome in attempts.await {
            outcome?;
        }
        Ok(tried)
    }

    async fn attempt(&self, reply: DueReply) -> Result<(), StoreError> {
        let tenant = TenantId::new(reply.message.tenant_id);
        let id = reply.message.id;
        let attempts = reply.attempts.saturating_add(1);
        let db = self.store.db();
        let config = assistant_channels::get(db, tenant).await?;
        let (number, token) = match config.as_ref().and_then(|c| {
            Some((
                c.cloud_phone_number_id.as_deref()?,
                c.cloud_access_token.as_deref()?,
            ))
        }) {
            Some(credentials) => credentials,
            None => {
                tracing::warn!(%tenant, message = id, "no Cloud API number or access token: reply not sent");
                let why = "no Cloud API number or access token configured";
                return assistant_replies::attempt_failed(
                    &self.store,
                    tenant,
                    id,
                    attempts,
                    None,
                    why,
                )
                .await;
            }
        };
        // The session's sender is the E.164 number; the Graph API wants its digits.
        let to: String = reply
            .recipient
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        match self
            .graph
            .send_text(number, token, &to, &reply.message.body)
            .await
        {
            Ok(wamid) => {
                assistant_replies::sent(&self.store, tenant, id, attempts, wamid.as_deref()).await
            }
            Err(SendError::Refused { status }) => {
                tracing::error!(%tenant, message = id, status, "the Graph API refused a reply");
                let why = format!("refused: HTTP {status}");
                assistant_replies::attempt_failed(&self.store, tenant, id, attempts, None, &why)
                    .await
            }
            Err(SendError::Retryable {
                reason,
                retry_after,
            }) => {
                let retry_at = (attempts < self.max_attempts).then(|| {
                    let wait = self.backoff(attempts).max(retry_after.unwrap_or_default());
                    self.store.now() + Span::from_std(wait).unwrap_or(Span::seconds(30))
                });
                match retry_at {
                    Some(_) => {
                        tracing::warn!(%tenant, message = id, attempts, %reason, "Graph API send failed; will retry")
                    }
                    None => {
                        tracing::error!(%tenant, message = id, attempts, %reason, "Graph API send failed; giving up")
                    }
                }
                assistant_replies::attempt_failed(
                    &self.store,
                    tenant,
                    id,
                    attempts,
                    retry_at,
                    &reason,
                )
                .await
            }
        }
    }

    /// The wait after the `attempts`-th failure: the first backoff doubled each time, capped.
    fn backoff(&self, attempts: i32) -> Duration {
        let doublings = u32::try_from(attempts.saturating_sub(1))
            .unwrap_or(0)
            .min(20);
        self.first_backoff
            .saturating_mul(1 << doublings)
            .min(MAX_BACKOFF)
    }
}
