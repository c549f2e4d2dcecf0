//! The WhatsApp assistant's rows: a session per (tenant, channel, sender), its messages both ways (the
//! transcript staff read on the client's page), and the pipeline's stages per message with their
//! durations (SPEC §5).
//!
//! The session row is also the lock that keeps one session's messages in order: the orchestrator takes
//! it `FOR UPDATE` (the writer on SQLite) before it handles a message, so two servers on one database
//! answer one session one message at a time (SPEC §8). A message's channel id is unique per tenant and
//! channel, the backstop behind the orchestrator's check that a redelivered Cloud API message is handled
//! once.

use super::columns::{
    big_int, big_int_null, boolean, exact, id, index, instant, int, sql, string, string_null,
    table, tenant_id,
};
use sea_orm::sea_query::ColumnDef;
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let idx = |name, table, cols: &[&'static str], unique| index(b, name, table, cols, unique);

    let mut session = table("assistant_session");
    session
        .col(id())
        .col(tenant_id())
        // autoresponder, cloud_api.
        .col(string("channel", 16))
        // The E.164 number, or `name:` and the contact name the AutoResponder app showed.
        .col(exact(b, string("sender_key", 255)))
        // The client this session is verified as; NULL until verification succeeds.
        .col(big_int_null("client_id"))
        // What the session waits for: nothing, menu, identifier, secret.
        .col(string("awaiting", 16))
        // The client the identifier matched, while the secret is awaited.
        .col(big_int_null("candidate_client_id"))
        .col(int("failed_attempts"))
        .col(instant(b, "locked_until").null())
        // While set and in the future a person answers: the bot stays silent.
        .col(instant(b, "handoff_until").null())
        .col(boolean("opted_out"))
        .col(instant(b, "verified_at").null())
        .col(instant(b, "last_message_at").not_null())
        .col(instant(b, "created_at").not_null());

    let mut message = table("assistant_message");
    message
        .col(id())
        .col(tenant_id())
        .col(big_int("session_id"))
        .col(string("channel", 16))
        // in, out.
        .col(string("direction", 3))
        // Cloud API `wamid…` (in: the borrower's; out: ours, for delivery statuses); NULL on AutoResponder.
        .col(exact(b, string_null("channel_message_id", 200)))
        .col(ColumnDef::new("body").text().not_null())
        // The router's reading of an inbound message, with its confidence in percent.
        .col(string_null("intent", 30))
        .col(ColumnDef::new("confidence_pct").integer().null())
        // The template and version that produced an outbound reply.
        .col(string_null("template", 60))
        .col(ColumnDef::new("template_version").integer().null())
        // Outbound delivery: sent, delivered, read, failed (Cloud API statuses).
        .col(string_null("status", 16))
        .col(instant(b, "created_at").not_null());

    let mut stage = table("assistant_stage");
    stage
        .col(id())
        .col(tenant_id())
        .col(big_int("message_id"))
        // orchestrator, router, dispatcher, module, redactor.
        .col(string("stage", 20))
        .col(big_int("duration_us"))
        .col(string("outcome", 60))
        .col(instant(b, "created_at").not_null());

    vec![
        sql(b, &mut session),
        idx(
            "assistant_session_key",
            "assistant_session",
            &["tenant_id", "channel", "sender_key"],
            true,
        ),
        idx(
            "assistant_session_client",
            "assistant_session",
            &["tenant_id", "client_id"],
            false,
        ),
        sql(b, &mut message),
        idx(
            "assistant_message_channel_id",
            "assistant_message",
            &["tenant_id", "channel", "channel_message_id"],
            true,
        ),
        idx(
            "assistant_message_session",
            "assistant_message",
            &["tenant_id", "session_id", "id"],
            false,
        ),
        sql(b, &mut stage),
        idx(
            "assistant_stage_message",
            "assistant_stage",
            &["tenant_id", "message_id"],
            false,
        ),
    ]
}
