//! What an admin does with notifications — from the CLI or the page: add channels and rules, send a
//! test message, put a dead letter back in the queue. Every call names its [`Owner`], so a tenant's
//! admin never touches another tenant's channels.

use crate::channel::ChannelConfig;
use crate::send::{self, Outgoing, SendError};
use crate::{Notifier, NotifyError, render, templates};
use credinet_store::Store;
use credinet_store::entities::{notify_channel, notify_rule};
use credinet_store::repo::notify::channels::{self, NewChannel};
use credinet_store::repo::notify::system_events::{self, NewSystemEvent};
use credinet_store::repo::notify::{Owner, messages, rules};

/// Adds a channel after checking its configuration.
pub async fn add_channel(
    store: &Store,
    owner: Owner,
    name: &str,
    config: &ChannelConfig,
) -> Result<notify_channel::Model, NotifyError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(NotifyError::BadChannelName);
    }
    config.check()?;
    let tx = store.write().await?;
    let channel = channels::create(
        &tx,
        owner,
        NewChannel {
            name: name.to_string(),
            kind: config.kind().as_str(),
            config: config.to_json(),
            enabled: true,
        },
        store.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(channel)
}

/// Sends events of `event_kind` (or `*`) to one of the owner's channels.
pub async fn add_rule(
    store: &Store,
    owner: Owner,
    event_kind: &str,
    channel_id: i64,
) -> Result<notify_rule::Model, NotifyError> {
    let valid = event_kind == "*"
        || (!event_kind.is_empty()
            && event_kind.len() <= 60
            && event_kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
    if !valid {
        return Err(NotifyError::BadEventKind(event_kind.to_string()));
    }
    let tx = store.write().await?;
    let rule = rules::create(&tx, owner, event_kind, channel_id, store.now())
        .await
        .map_err(|e| match e {
            credinet_store::StoreError::NotFound(_) => NotifyError::UnknownChannel(channel_id),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(rule)
}

/// Puts a dead letter back in the queue; false when the owner has no such dead letter.
pub async fn retry_dead(store: &Store, owner: Owner, message_id: i64) -> Result<bool, NotifyError> {
    let tx = store.write().await?;
    let done = messages::retry_dead(&tx, owner, message_id, store.now()).await?;
    tx.commit().await?;
    Ok(done)
}

/// Records an event of the installation (no tenant) for the notifier to route.
pub async fn emit_system_event(store: &Store, event: NewSystemEvent) -> Result<i64, NotifyError> {
    let tx = store.write().await?;
    let id = system_events::append(&tx, event, store.now()).await?;
    tx.commit().await?;
    Ok(id)
}

/// The result of a test message on one channel (and one destination, for Telegram's chats).
#[derive(Debug)]
pub struct TestResult {
    pub channel: String,
    pub kind: String,
    pub destination: String,
    pub result: Result<(), SendError>,
}

/// Sends a test message straight to every enabled channel of the owner (or only the one named), not
/// through the queue: the admin wants to see now whether each channel works.
pub async fn send_test(
    notifier: &Notifier,
    owner: Owner,
    only: Option<&str>,
) -> Result<Vec<TestResult>, NotifyError> {
    let store = notifier.store();
    let mut results = Vec::new();
    for channel in channels::list(store.db(), owner).await? {
        if !channel.enabled || only.is_some_and(|name| name != channel.name) {
            continue;
        }
        let config = match ChannelConfig::parse(&channel.config) {
            Ok(config) => config,
            Err(e) => {
                results.push(TestResult {
                    channel: channel.name.clone(),
                    kind: channel.kind.clone(),
                    destination: String::new(),
                    result: Err(SendError::Config(e)),
                });
                continue;
            }
        };
        let notice = templates::test_notice(&channel.name);
        let (subject, body) = match config.kind() {
            crate::ChannelKind::Telegram => (None, render::telegram(&notice).concat()),
            crate::ChannelKind::Discord => (None, render::discord(&notice).concat()),
            crate::ChannelKind::Email => {
                let (s, b) = render::email(&notice);
                (Some(s), b)
            }
            crate::ChannelKind::Webhook => (
                None,
                render::webhook(&notice, "notify_test", 1, channel.tenant_id),
            ),
        };
        for destination in config.destinations() {
            let outgoing = Outgoing {
                id: 0,
                destination: &destination,
                subject: subject.as_deref(),
                body: &body,
            };
            let result = send::send(
                notifier.http(),
                &config,
                &outgoing,
                notifier.settings().send_timeout(),
                store.now(),
            )
            .await;
            results.push(TestResult {
                channel: channel.name.clone(),
                kind: channel.kind.clone(),
                destination,
                result,
            });
        }
    }
    Ok(results)
}
