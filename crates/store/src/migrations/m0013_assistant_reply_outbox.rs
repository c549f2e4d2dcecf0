//! Cloud API replies wait in the database until the Graph API takes them (issue 19): a reply is written
//! `pending` with a queue row in the transaction that handled its message, and a worker sends it,
//! retrying with backoff, so a server stopped mid-retry loses nothing — the next one sends it (ADR 31).
//!
//! A table of its own beside `assistant_message` (which holds the text and whose `status` goes
//! `pending → sent → delivered → read`, or `failed`): this migration's number comes before the one that
//! made the assistant's tables, so it alters none of them.

use super::columns::{big_int, id, index, instant, int, sql, string_null, table, tenant_id};
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let mut queue = table("assistant_reply_queue");
    queue
        .col(id())
        .col(tenant_id())
        // The reply (`assistant_message`, direction out) and its conversation.
        .col(big_int("message_id"))
        .col(big_int("session_id"))
        // Attempts at sending so far.
        .col(int("attempts"))
        // When the reply is tried next (a worker that claimed it holds it until then); NULL when done.
        .col(instant(b, "send_after").null())
        // Why the last attempt failed (never the reply's text).
        .col(string_null("last_error", 200))
        .col(instant(b, "created_at").not_null());
    vec![
        sql(b, &mut queue),
        index(
            b,
            "assistant_reply_queue_message",
            "assistant_reply_queue",
            &["tenant_id", "message_id"],
            true,
        ),
        index(
            b,
            "assistant_reply_queue_due",
            "assistant_reply_queue",
            &["send_after"],
            false,
        ),
    ]
}
