//! Stage 3, delivery: claim due messages under a lease, send each over its channel, record the
//! outcome. The messages of a lane ([`lanes`]: one destination of one channel, a webhook spread over
//! several) go in order, one after another, each recorded before the next is sent; when one fails,
//! the rest of its lane waits with it, so the parts of a long message never arrive out of order.
//! Lanes go side by side.

use crate::channel::ChannelConfig;
use crate::lanes;
use crate::pace::Pacer;
use crate::retry;
use crate::send::{self, Outgoing, SendError};
use crate::{NotifyError, NotifySettings};
use chrono::{DateTime, Utc};
use credinet_store::Store;
use credinet_store::entities::{notify_channel, notify_message};
use credinet_store::repo::notify::messages::{self, Outcome};
use credinet_store::repo::notify::{Owner, channels};
use futures::StreamExt;
use rand::Rng;
use std::sync::atomic::{AtomicBool, Ordering};

/// Lanes delivered at the same time.
const LANES_AT_ONCE: usize = 16;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub deferred: usize,
    pub dead: usize,
    /// Outcomes not recorded because the lease had passed to another deliverer.
    pub lost_leases: usize,
    /// Claims given back unsent: the worker was stopping, or the lease was running out.
    pub released: usize,
}

impl DeliveryReport {
    pub(crate) fn add(&mut self, other: DeliveryReport) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.deferred += other.deferred;
        self.dead += other.dead;
        self.lost_leases += other.lost_leases;
        self.released += other.released;
    }
}

pub(crate) struct Deliverer<'a> {
    pub store: &'a Store,
    pub http: &'a reqwest::Client,
    pub settings: &'a NotifySettings,
    pub pacer: &'a Pacer,
    /// Set when the process is stopping: no new attempt starts, and what was claimed is given back.
    pub stopping: &'a AtomicBool,
}

impl Deliverer<'_> {
    /// Claims one batch of due messages and delivers it.
    pub async fn deliver_due(&self) -> Result<DeliveryReport, NotifyError> {
        let claimed =
            messages::claim_due(self.store, self.settings.batch, self.settings.lease()).await?;
        let mut report = DeliveryReport {
            claimed: claimed.messages.len(),
            ..Default::default()
        };
        if claimed.messages.is_empty() {
            return Ok(report);
        }
        let channel_rows = channels::by_ids(
            self.store.db(),
            claimed.messages.iter().map(|m| m.channel_id),
        )
        .await?;
        let lanes = lanes::plan(claimed.messages, &channel_rows, self.settings.webhook_lanes);
        let results: Vec<Result<DeliveryReport, NotifyError>> =
            futures::stream::iter(lanes.into_values())
                .map(|lane| {
                    let channel = channel_rows
                        .iter()
                        .find(|c| c.id == lane[0].channel_id)
                        .cloned();
                    async move { self.lane(channel, lane, claimed.until).await }
                })
                .buffer_unordered(LANES_AT_ONCE)
                .collect()
                .await;
        for result in results {
            report.add(result?);
        }
        Ok(report)
    }

    async fn lane(
        &self,
        channel: Option<notify_channel::Model>,
        lane: Vec<notify_message::Model>,
        until: DateTime<Utc>,
    ) -> Result<DeliveryReport, NotifyError> {
        let mut report = DeliveryReport::default();
        let mut held_until: Option<DateTime<Utc>> = None;
        for message in lane {
            let now = self.store.now();
            let outcome = match held_until {
                Some(at) => Outcome::Deferred { at },
                // An attempt starts only if its answer can be recorded under this lease: begun later, a
                // slow answer could outlast the lease, another worker would claim the message and send
                // it again while this one is still waiting.
                None if self.stopping.load(Ordering::Relaxed) || now + self.margin() >= until => {
                    Outcome::Released
                }
                None => self.attempt(channel.as_ref(), &message, now).await?,
            };
            match &outcome {
                Outcome::Sent => report.sent += 1,
                Outcome::Retry { at, .. } => {
                    report.retried += 1;
                    held_until = Some(*at);
                }
                Outcome::Deferred { at } => {
                    report.deferred += 1;
                    held_until = Some(*at);
                }
                Outcome::Dead { .. } => report.dead += 1,
                Outcome::Released => report.released += 1,
            }
            if let Outcome::Retry { error, .. } | Outcome::Dead { error, .. } = &outcome {
                tracing::warn!(
                    message = message.id,
                    channel = message.channel_id,
                    error = %error,
                    "notification not delivered"
                );
            }
            let recorded =
                messages::record_alone(self.store, message.id, until, outcome, now).await?;
            if !recorded {
                report.lost_leases += 1;
            }
        }
        Ok(report)
    }

    /// The least lease left for an attempt to start: the send timeout, or half the lease when the
    /// lease is configured shorter than that (so a worker still makes progress).
    fn margin(&self) -> chrono::Duration {
        let timeout = chrono::Duration::from_std(self.settings.send_timeout())
            .unwrap_or(chrono::Duration::MAX);
        timeout.min(self.settings.lease() / 2)
    }

    /// One attempt at one message: what to record for it.
    async fn attempt(
        &self,
        channel: Option<&notify_channel::Model>,
        message: &notify_message::Model,
        now: DateTime<Utc>,
    ) -> Result<Outcome, NotifyError> {
        let Some(channel) = channel else {
            return Ok(Outcome::Dead {
                attempts: message.attempts + 1,
                error: format!("channel {} no longer exists", message.channel_id),
            });
        };
        let config = match ChannelConfig::parse(&channel.config) {
            Ok(config) => config,
            Err(e) => {
                return Ok(Outcome::Dead {
                    attempts: message.attempts + 1,
                    error: SendError::Config(e).to_string(),
                });
            }
        };
        if matches!(config, ChannelConfig::Telegram { .. })
            && let Err(at) = self.pacer.admit(
                channel.id,
                &message.destination,
                now,
                self.settings.telegram_chat_interval(),
            )
        {
            return Ok(Outcome::Deferred { at });
        }
        let outgoing = Outgoing {
            id: message.id,
            destination: &message.destination,
            subject: message.subject.as_deref(),
            body: &message.body,
        };
        match send::send(
            self.http,
            &config,
            &outgoing,
            self.settings.send_timeout(),
            now,
        )
        .await
        {
            Ok(()) => Ok(Outcome::Sent),
            Err(SendError::ChatMigrated { to }) => {
                self.migrate_chat(channel, &config, &message.destination, &to)
                    .await?;
                // Not a failure: the message goes again at once, to the chat's new id.
                Ok(Outcome::Deferred { at: now })
            }
            Err(error) => {
                let jitter = rand::thread_rng().r#gen::<f64>();
                Ok(retry::after_failure(
                    &error,
                    message.attempts,
                    self.settings.backoff(),
                    jitter,
                    now,
                ))
            }
        }
    }

    /// A Telegram group became a supergroup: its new chat id replaces the old one in the channel and
    /// in every message still waiting for it.
    async fn migrate_chat(
        &self,
        channel: &notify_channel::Model,
        config: &ChannelConfig,
        from: &str,
        to: &str,
    ) -> Result<(), NotifyError> {
        let owner = Owner::from_column(channel.tenant_id);
        let tx = self.store.write().await?;
        let migrated = config.with_chat_migrated(from, to);
        channels::update_config(&tx, owner, channel.id, migrated.to_json(), self.store.now())
            .await?;
        messages::retarget(&tx, channel.id, from, to).await?;
        tx.commit().await?;
        tracing::info!(
            channel = channel.id,
            "telegram chat migrated to a supergroup"
        );
        Ok(())
    }
}
