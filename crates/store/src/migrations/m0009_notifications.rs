//! Notifications: channels and routing rules (per tenant, or the installation's own when `tenant_id` is
//! NULL), events that belong to no tenant, and the delivery pipeline's rows — an occurrence per routed
//! event and channel, a group per (channel, event kind) that remembers when it last sent, and the
//! messages to deliver with their attempts and leases.
//!
//! `tenant_id` is NULL only on installation-level rows (system channels and their rules, groups,
//! occurrences and messages); every tenant row carries its tenant, the shard key, first in its indexes.

use super::columns::{
    big_int, big_int_null, boolean, id, index, instant, int, sql, string, string_null, table,
    text_null,
};
use sea_orm::sea_query::ColumnDef;
use sea_orm::{DbBackend, Statement};

fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).text().not_null().to_owned()
}

fn tenant_null() -> ColumnDef {
    big_int_null("tenant_id")
}

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let idx = |name, table, cols: &[&'static str], unique| index(b, name, table, cols, unique);

    let mut channel = table("notify_channel");
    channel
        .col(id())
        .col(tenant_null())
        .col(string("name", 100))
        .col(string("kind", 16))
        // JSON, secrets included: written by an admin, never shown again (the page shows whether set).
        .col(text("config"))
        .col(boolean("enabled"))
        .col(instant(b, "created_at").not_null())
        .col(instant(b, "updated_at").not_null());

    let mut rule = table("notify_rule");
    rule.col(id())
        .col(tenant_null())
        // An event kind (`payment_registered`) or `*` for every kind.
        .col(string("event_kind", 60))
        .col(big_int("channel_id"))
        .col(instant(b, "created_at").not_null());

    let mut system_event = table("system_event");
    system_event
        .col(id())
        .col(string("kind", 60))
        .col(string("entity", 60))
        .col(string_null("entity_id", 200))
        .col(text("payload"))
        .col(instant(b, "created_at").not_null())
        .col(instant(b, "routed_at").null());

    let mut group = table("notify_group");
    group
        .col(id())
        .col(tenant_null())
        .col(big_int("channel_id"))
        .col(string("group_key", 100))
        .col(instant(b, "last_flush_at").null())
        .col(instant(b, "last_sent_at").null())
        .col(string_null("last_signature", 64));

    let mut occurrence = table("notify_occurrence");
    occurrence
        .col(id())
        .col(tenant_null())
        .col(big_int("group_id"))
        // Where it came from: `domain_event` or `system_event`, and that row's id.
        .col(string("source", 16))
        .col(big_int("source_id"))
        .col(string("kind", 60))
        .col(string("fingerprint", 300))
        .col(text("payload"))
        .col(instant(b, "occurred_at").not_null())
        .col(instant(b, "flushed_at").null());

    let mut message = table("notify_message");
    message
        .col(id())
        .col(tenant_null())
        .col(big_int("channel_id"))
        .col(big_int("group_id"))
        .col(string("kind", 60))
        // The Telegram chat id for Telegram; empty for channels with one destination.
        .col(string("destination", 100))
        .col(int("part"))
        .col(int("parts"))
        .col(int("occurrences"))
        .col(text_null("subject"))
        .col(text("body"))
        // pending, sent, dead.
        .col(string("status", 16))
        .col(int("attempts"))
        .col(instant(b, "next_attempt_at").not_null())
        .col(instant(b, "claimed_until").null())
        .col(string_null("last_error", 500))
        .col(instant(b, "created_at").not_null())
        .col(instant(b, "sent_at").null());

    vec![
        sql(b, &mut channel),
        idx(
            "notify_channel_tenant",
            "notify_channel",
            &["tenant_id", "id"],
            false,
        ),
        sql(b, &mut rule),
        idx(
            "notify_rule_tenant",
            "notify_rule",
            &["tenant_id", "event_kind"],
            false,
        ),
        sql(b, &mut system_event),
        idx(
            "system_event_unrouted",
            "system_event",
            &["routed_at", "id"],
            false,
        ),
        sql(b, &mut group),
        idx(
            "notify_group_key",
            "notify_group",
            &["channel_id", "group_key"],
            true,
        ),
        sql(b, &mut occurrence),
        idx(
            "notify_occurrence_pending",
            "notify_occurrence",
            &["group_id", "flushed_at"],
            false,
        ),
        idx(
            "notify_occurrence_source",
            "notify_occurrence",
            &["source", "source_id", "group_id"],
            true,
        ),
        sql(b, &mut message),
        idx(
            "notify_message_due",
            "notify_message",
            &["status", "next_attempt_at"],
            false,
        ),
        idx(
            "notify_message_tenant",
            "notify_message",
            &["tenant_id", "status", "id"],
            false,
        ),
    ]
}
