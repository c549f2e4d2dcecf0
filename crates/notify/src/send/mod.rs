//! Sending one message over its channel: one file per service, each speaking that service's wire
//! format, and one error type that says what the failure means for the next attempt.

mod discord;
mod email;
mod telegram;
pub mod webhook;

use crate::channel::{ChannelConfig, ChannelError};
use chrono::Duration;

/// What is sent: the stored message's text, already formatted for its channel.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// The message's id: receivers that can (webhooks) use it to drop a repeat.
    pub id: i64,
    pub destination: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("rate limited by the service (retry after {retry_after:?})")]
    RateLimited { retry_after: Option<Duration> },
    #[error("the service answered {status}")]
    Server { status: u16 },
    #[error("the service refused the message ({status}): {description}")]
    Refused { status: u16, description: String },
    #[error("the service could not be reached: {reason}")]
    Unreachable { reason: String },
    #[error("the Telegram chat moved to {to}")]
    ChatMigrated { to: String },
    #[error("the mail server refused the message: {reason}")]
    MailRefused { reason: String },
    #[error("the mail server failed: {reason}")]
    MailFailed { reason: String },
    #[error("the channel is misconfigured: {0}")]
    Config(#[from] ChannelError),
}

impl SendError {
    /// Whether trying again later can succeed without anyone changing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SendError::RateLimited { .. }
                | SendError::Server { .. }
                | SendError::Unreachable { .. }
                | SendError::ChatMigrated { .. }
                | SendError::MailFailed { .. }
        )
    }
}

/// Sends `message` over `channel`.
pub async fn send(
    http: &reqwest::Client,
    channel: &ChannelConfig,
    message: &Outgoing<'_>,
    timeout: std::time::Duration,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), SendError> {
    match channel {
        ChannelConfig::Telegram {
            bot_token,
            api_base,
            ..
        } => telegram::send(http, api_base, bot_token, message).await,
        ChannelConfig::Discord { webhook_url } => discord::send(http, webhook_url, message).await,
        ChannelConfig::Email { smtp_url, from, to } => {
            email::send(smtp_url, from, to, message, timeout).await
        }
        ChannelConfig::Webhook { url, secret } => {
            webhook::send(http, url, secret, message, now).await
        }
    }
}

/// An error of the HTTP client, without the URL (a Telegram URL holds the bot's token).
fn unreachable(e: reqwest::Error) -> SendError {
    SendError::Unreachable {
        reason: e.without_url().to_string(),
    }
}

/// The `Retry-After` header in seconds, when present.
fn retry_after_header(response: &reqwest::Response) -> Option<Duration> {
    let raw = response.headers().get(reqwest::header::RETRY_AFTER)?;
    let secs: f64 = raw.to_str().ok()?.trim().parse().ok()?;
    seconds(secs)
}

fn seconds(secs: f64) -> Option<Duration> {
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Some(Duration::milliseconds(
        (secs * 1000.0).ceil().min(86_400_000.0) as i64,
    ))
}

/// A failed answer's meaning by status, for services without a richer error body.
fn by_status(status: reqwest::StatusCode, retry_after: Option<Duration>, body: &str) -> SendError {
    match status.as_u16() {
        429 => SendError::RateLimited { retry_after },
        s @ 500..=599 => SendError::Server { status: s },
        408 => SendError::Server { status: 408 },
        s => SendError::Refused {
            status: s,
            description: body.chars().take(200).collect(),
        },
    }
}
