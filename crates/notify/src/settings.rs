//! How the notifier groups, retries and paces; every figure configurable (`notify_*` in credinet.toml,
//! `CREDINET_NOTIFY_*`, see the README), the defaults those of SPEC §6 and of Prometheus Alertmanager.

use chrono::Duration;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// Whether `serve` runs the delivery worker.
    pub enabled: bool,
    /// How long a new group waits to gather what arrives with its first occurrence.
    pub group_wait_secs: u64,
    /// The least time between two messages of one group.
    pub group_interval_secs: u64,
    /// How often a condition that keeps occurring unchanged is announced again.
    pub repeat_interval_secs: u64,
    /// Failed attempts after which a message becomes a dead letter.
    pub max_attempts: i32,
    /// The first retry's delay; each next one doubles, up to `backoff_cap_secs`, with jitter.
    pub backoff_base_secs: u64,
    pub backoff_cap_secs: u64,
    /// How long a deliverer holds the messages it claimed.
    pub lease_secs: u64,
    /// Messages claimed at once.
    pub batch: u64,
    /// The least time between two messages to one Telegram chat (Telegram allows about one a second).
    pub telegram_chat_interval_ms: u64,
    /// How long the worker sleeps when it found nothing to do.
    pub poll_interval_ms: u64,
    /// Timeout of one HTTP or SMTP delivery.
    pub send_timeout_secs: u64,
    /// Lanes one signed webhook is delivered over at once (ADR 28): its messages may then arrive out
    /// of order, and a crash may repeat up to this many of them (same `X-Credinet-Message-Id`). `1`
    /// keeps strict order and one message in flight.
    pub webhook_lanes: u64,
}

impl Default for NotifySettings {
    fn default() -> Self {
        NotifySettings {
            enabled: true,
            group_wait_secs: 30,
            group_interval_secs: 5 * 60,
            repeat_interval_secs: 4 * 60 * 60,
            max_attempts: 12,
            backoff_base_secs: 5,
            backoff_cap_secs: 60 * 60,
            lease_secs: 60,
            batch: 200,
            telegram_chat_interval_ms: 1000,
            poll_interval_ms: 1000,
            send_timeout_secs: 10,
            webhook_lanes: 8,
        }
    }
}

fn secs(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))
}

fn millis(ms: u64) -> Duration {
    Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 1000))
}

impl NotifySettings {
    pub fn timing(&self) -> crate::grouping::Timing {
        crate::grouping::Timing {
            wait: secs(self.group_wait_secs),
            interval: secs(self.group_interval_secs),
            repeat: secs(self.repeat_interval_secs),
        }
    }

    pub fn backoff(&self) -> crate::retry::Backoff {
        crate::retry::Backoff {
            base: secs(self.backoff_base_secs),
            cap: secs(self.backoff_cap_secs),
            max_attempts: self.max_attempts.max(1),
        }
    }

    pub fn lease(&self) -> Duration {
        secs(self.lease_secs.max(1))
    }

    pub fn telegram_chat_interval(&self) -> Duration {
        millis(self.telegram_chat_interval_ms)
    }

    pub fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.poll_interval_ms.max(10))
    }

    pub fn send_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.send_timeout_secs.max(1))
    }
}
