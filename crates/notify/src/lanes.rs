//! Which claimed messages must go one after another (a lane) and which may go side by side — pure.
//!
//! A lane is one destination of one channel: a Telegram chat, a Discord webhook, a mailbox. Its
//! messages go in order, each recorded before the next is sent, so a crash repeats at most one of
//! them (ADR 26) and the parts of a long notice never arrive out of order.
//!
//! A signed webhook is split into several lanes (ADR 28): its notices are never split into parts, it
//! has no rate limit of its own, and every attempt carries the same `X-Credinet-Message-Id`, so a
//! receiver that deduplicates sees each message once however many are in flight. One lane per
//! webhook would cap a queue at one database commit per message in sequence — on PostgreSQL with
//! its commit flushed to disk, about 3 ms, 30 s for 10,000 messages — while concurrent commits share
//! their flush.

use crate::channel::ChannelKind;
use credinet_store::entities::{notify_channel, notify_message};
use std::collections::BTreeMap;

/// A lane's key: channel, destination, and the webhook's sub-lane (0 for every other kind).
pub type LaneKey = (i64, String, i64);

/// Groups claimed messages into lanes, each in the order its messages were written (parts in order).
/// `webhook_lanes` is how many lanes one webhook channel is spread over (at least one).
pub fn plan(
    messages: Vec<notify_message::Model>,
    channels: &[notify_channel::Model],
    webhook_lanes: u64,
) -> BTreeMap<LaneKey, Vec<notify_message::Model>> {
    let spread = i64::try_from(webhook_lanes.max(1)).unwrap_or(i64::MAX);
    let mut lanes: BTreeMap<LaneKey, Vec<notify_message::Model>> = BTreeMap::new();
    for message in messages {
        let webhook = channels
            .iter()
            .find(|c| c.id == message.channel_id)
            .is_some_and(|c| ChannelKind::parse(&c.kind) == Some(ChannelKind::Webhook));
        // Only a one-part message may leave its lane's order: a webhook notice always is one, but a
        // message that somehow has parts stays in sub-lane 0 with its siblings.
        let sub = if webhook && message.parts == 1 {
            message.id.rem_euclid(spread)
        } else {
            0
        };
        lanes
            .entry((message.channel_id, message.destination.clone(), sub))
            .or_default()
            .push(message);
    }
    for lane in lanes.values_mut() {
        lane.sort_by_key(|m| m.id);
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn channel(id: i64, kind: ChannelKind) -> notify_channel::Model {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        notify_channel::Model {
            id,
            tenant_id: Some(1),
            name: format!("c{id}"),
            kind: kind.as_str().into(),
            config: "{}".into(),
            enabled: true,
            created_at: at,
            updated_at: at,
        }
    }

    fn message(
        id: i64,
        channel_id: i64,
        destination: &str,
        part: i32,
        parts: i32,
    ) -> notify_message::Model {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        notify_message::Model {
            id,
            tenant_id: Some(1),
            channel_id,
            group_id: 1,
            kind: "payment_registered".into(),
            destination: destination.into(),
            part,
            parts,
            occurrences: 1,
            subject: None,
            body: String::new(),
            status: "pending".into(),
            attempts: 0,
            next_attempt_at: at,
            claimed_until: None,
            last_error: None,
            created_at: at,
            sent_at: None,
        }
    }

    #[test]
    fn a_telegram_chat_is_one_lane_in_order_and_each_chat_its_own() {
        let channels = [channel(1, ChannelKind::Telegram)];
        let messages = vec![
            message(7, 1, "42", 2, 2),
            message(6, 1, "42", 1, 2),
            message(8, 1, "43", 1, 1),
            message(9, 1, "42", 1, 1),
        ];
        let lanes = plan(messages, &channels, 8);
        assert_eq!(lanes.len(), 2);
        let chat: Vec<i64> = lanes[&(1, "42".into(), 0)].iter().map(|m| m.id).collect();
        assert_eq!(
            chat,
            vec![6, 7, 9],
            "parts and messages in the order written"
        );
        assert_eq!(lanes[&(1, "43".into(), 0)].len(), 1);
    }

    #[test]
    fn a_webhook_is_spread_over_its_lanes_each_in_order() {
        let channels = [
            channel(3, ChannelKind::Webhook),
            channel(4, ChannelKind::Discord),
        ];
        let mut messages: Vec<_> = (1..=40).rev().map(|id| message(id, 3, "", 1, 1)).collect();
        messages.extend((41..=50).map(|id| message(id, 4, "", 1, 1)));
        let lanes = plan(messages, &channels, 4);
        assert_eq!(lanes.len(), 5, "four webhook lanes and Discord's one");
        for sub in 0..4 {
            let ids: Vec<i64> = lanes[&(3, String::new(), sub)]
                .iter()
                .map(|m| m.id)
                .collect();
            assert_eq!(ids.len(), 10);
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
        }
        assert_eq!(
            lanes[&(4, String::new(), 0)].len(),
            10,
            "Discord stays one lane"
        );
    }

    #[test]
    fn one_webhook_lane_keeps_the_strict_order_and_a_split_message_stays_together() {
        let channels = [channel(3, ChannelKind::Webhook)];
        let messages: Vec<_> = (1..=6).map(|id| message(id, 3, "", 1, 1)).collect();
        assert_eq!(plan(messages, &channels, 1).len(), 1);
        assert_eq!(plan(Vec::new(), &channels, 0).len(), 0);
        let parts = vec![message(5, 3, "", 1, 2), message(6, 3, "", 2, 2)];
        assert_eq!(plan(parts, &channels, 8).len(), 1);
    }
}
