//! Stage 2, flushing: a group whose time has come (see [`crate::grouping`]) becomes one notice,
//! formatted for its channel and split into messages — one per destination and part — in the
//! transaction that marks its occurrences flushed.

use crate::channel::{ChannelConfig, ChannelKind};
use crate::grouping::{self, Decision, GroupState, Timing};
use crate::templates::{self, Notice};
use crate::{NotifyError, render};
use credinet_store::Store;
use credinet_store::entities::{notify_channel, notify_occurrence};
use credinet_store::repo::notify::messages::{self, NewMessage};
use credinet_store::repo::notify::{channels, pipeline};

/// Groups looked at in one transaction.
const GROUPS_PER_PASS: u64 = 200;

/// The messages that carry `notice` over `channel` — pure.
pub fn messages_for(
    channel: &notify_channel::Model,
    group_id: i64,
    kind: &str,
    notice: &Notice,
    occurrences: usize,
) -> Vec<NewMessage> {
    let config = ChannelConfig::parse(&channel.config).ok();
    let channel_kind = config
        .as_ref()
        .map(|c| c.kind())
        .or_else(|| ChannelKind::parse(&channel.kind));
    let (subject, parts) = match channel_kind {
        Some(ChannelKind::Telegram) => (None, render::telegram(notice)),
        Some(ChannelKind::Discord) => (None, render::discord(notice)),
        Some(ChannelKind::Email) => {
            let (subject, body) = render::email(notice);
            (Some(subject), vec![body])
        }
        Some(ChannelKind::Webhook) | None => (
            None,
            vec![render::webhook(
                notice,
                kind,
                occurrences,
                channel.tenant_id,
            )],
        ),
    };
    // A configuration that no longer reads still gets its message: delivery will fail it as a dead
    // letter, where an admin sees it, rather than dropping it here.
    let destinations = config
        .map(|c| c.destinations())
        .unwrap_or_else(|| vec![String::new()]);
    let count = i32::try_from(parts.len()).unwrap_or(i32::MAX);
    let mut out = Vec::with_capacity(destinations.len() * parts.len());
    for destination in &destinations {
        for (i, body) in parts.iter().enumerate() {
            out.push(NewMessage {
                tenant_id: channel.tenant_id,
                channel_id: channel.id,
                group_id,
                kind: kind.to_string(),
                destination: destination.clone(),
                part: i32::try_from(i + 1).unwrap_or(i32::MAX),
                parts: count,
                occurrences: i32::try_from(occurrences).unwrap_or(i32::MAX),
                subject: subject.clone(),
                body: body.clone(),
            });
        }
    }
    out
}

fn notice_of(kind: &str, occurrences: &[&notify_occurrence::Model]) -> Notice {
    let payloads: Vec<serde_json::Value> = occurrences
        .iter()
        .map(|o| serde_json::from_str(&o.payload).unwrap_or(serde_json::Value::Null))
        .collect();
    let first = occurrences.iter().map(|o| o.occurred_at).min();
    let last = occurrences.iter().map(|o| o.occurred_at).max();
    let span = match (first, last) {
        (Some(a), Some(b)) => b - a,
        _ => chrono::Duration::zero(),
    };
    templates::notice(kind, &payloads, span)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FlushReport {
    pub sent: usize,
    pub absorbed: usize,
    pub waiting: usize,
    pub messages: usize,
}

/// Flushes every group whose time has come.
pub async fn flush(store: &Store, timing: Timing) -> Result<FlushReport, NotifyError> {
    let now = store.now();
    let tx = store.write_queue().await?;
    let groups = pipeline::lock_pending_groups(&tx, GROUPS_PER_PASS).await?;
    let mut report = FlushReport::default();
    if groups.is_empty() {
        tx.rollback().await?;
        return Ok(report);
    }
    let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
    let occurrences = pipeline::pending_occurrences(&tx, &ids).await?;
    let channel_rows = channels::by_ids(&tx, groups.iter().map(|g| g.channel_id)).await?;
    let mut new_messages = Vec::new();
    let mut flushed = Vec::new();
    for group in &groups {
        let pending: Vec<&notify_occurrence::Model> = occurrences
            .iter()
            .filter(|o| o.group_id == group.id)
            .collect();
        if pending.is_empty() {
            continue;
        }
        let state = GroupState {
            last_flush_at: group.last_flush_at,
            last_sent_at: group.last_sent_at,
            last_signature: group.last_signature.clone(),
        };
        let marks: Vec<(&str, _)> = pending
            .iter()
            .map(|o| (o.fingerprint.as_str(), o.occurred_at))
            .collect();
        let channel = channel_rows
            .iter()
            .find(|c| c.id == group.channel_id && c.enabled);
        let decision = match channel {
            Some(_) => grouping::decide(&state, &marks, now, timing),
            // A disabled channel takes its occurrences without sending: it was turned off on purpose.
            None => Decision::Absorb,
        };
        match decision {
            Decision::Wait { .. } => {
                report.waiting += 1;
                continue;
            }
            Decision::Absorb => {
                pipeline::record_flush(&tx, group.id, now, None).await?;
                report.absorbed += 1;
            }
            Decision::Send { signature } => {
                let Some(channel) = channel else { continue };
                let notice = notice_of(&group.group_key, &pending);
                let messages =
                    messages_for(channel, group.id, &group.group_key, &notice, pending.len());
                report.messages += messages.len();
                new_messages.extend(messages);
                pipeline::record_flush(&tx, group.id, now, Some(&signature)).await?;
                report.sent += 1;
            }
        }
        flushed.extend(pending.iter().map(|o| o.id));
    }
    messages::insert_many(&tx, new_messages, now).await?;
    pipeline::mark_flushed(&tx, &flushed, now).await?;
    tx.commit().await?;
    Ok(report)
}
