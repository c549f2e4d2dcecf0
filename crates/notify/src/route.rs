//! Stage 1, routing: events of both outboxes become occurrences in the groups of the channels their
//! owner's rules name. One transaction takes the events, writes the occurrences and marks the events
//! routed, so an event is routed exactly once. Events no rule names are marked routed too: they stay in
//! their outbox as the record of what happened.

use crate::NotifyError;
use credinet_store::Store;
use credinet_store::entities::{notify_channel, notify_rule};
use credinet_store::repo::notify::pipeline::{self, NewOccurrence, Unrouted};
use credinet_store::repo::notify::rules;
use std::collections::HashMap;

/// Which channels an event goes to — pure: the rules of its owner that name its kind or `*`, each
/// channel once.
pub fn channels_for<'a>(
    event: &Unrouted,
    table: &'a [(notify_rule::Model, notify_channel::Model)],
) -> Vec<&'a notify_channel::Model> {
    let mut chosen: Vec<&notify_channel::Model> = Vec::new();
    for (rule, channel) in table {
        let same_owner = rule.tenant_id == event.tenant_id;
        let names_kind = rule.event_kind == event.kind || rule.event_kind == "*";
        if same_owner && names_kind && !chosen.iter().any(|c| c.id == channel.id) {
            chosen.push(channel);
        }
    }
    chosen
}

/// What makes two occurrences the same condition: the kind and the entity it is about.
pub fn fingerprint(event: &Unrouted) -> String {
    format!(
        "{}:{}:{}",
        event.kind,
        event.entity,
        event.entity_id.as_deref().unwrap_or_default()
    )
}

/// Routes up to `limit` events of each outbox; returns how many it took.
pub async fn route(store: &Store, limit: u64) -> Result<usize, NotifyError> {
    let tx = store.write_queue().await?;
    let events = pipeline::take_unrouted(&tx, limit).await?;
    if events.is_empty() {
        tx.rollback().await?;
        return Ok(0);
    }
    let table = rules::routing_table(&tx).await?;
    let mut groups: HashMap<(i64, String), i64> = HashMap::new();
    let mut occurrences = Vec::new();
    for event in &events {
        for channel in channels_for(event, &table) {
            let key = (channel.id, event.kind.clone());
            let group_id = match groups.get(&key) {
                Some(id) => *id,
                None => {
                    let id =
                        pipeline::group_id(&tx, channel.tenant_id, channel.id, &event.kind).await?;
                    groups.insert(key, id);
                    id
                }
            };
            occurrences.push(NewOccurrence {
                tenant_id: event.tenant_id,
                group_id,
                source: event.source,
                source_id: event.id,
                kind: event.kind.clone(),
                fingerprint: fingerprint(event),
                payload: event.payload.clone(),
                occurred_at: event.created_at,
            });
        }
    }
    pipeline::add_occurrences(&tx, occurrences).await?;
    pipeline::mark_routed(&tx, &events, store.now()).await?;
    tx.commit().await?;
    Ok(events.len())
}
