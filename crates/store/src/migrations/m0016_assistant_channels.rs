//! Each tenant's assistant channel credentials (SPEC §5): the AutoResponder token, header and optional
//! HMAC secret, and the WhatsApp Cloud API number id, app secret, access token and verify token.
//!
//! One row per tenant. The Cloud API webhook names only the receiving number, so `cloud_phone_number_id`
//! is unique across tenants and indexed: that is how a delivery finds its tenant. The AutoResponder token
//! is kept as its SHA-256 digest (a random 256-bit token, shown once when it is made); the other secrets
//! must be used in clear (HMAC keys, the Graph API bearer) and are kept as given, never shown again (ADR 23).

use super::columns::{boolean, id, index, instant, sql, string_null, table, tenant_id, text_null};
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let mut channel = table("assistant_channel");
    channel
        .col(id())
        .col(tenant_id())
        // SHA-256 (hex) of the AutoResponder token; NULL: the AutoResponder endpoint refuses every request.
        .col(string_null("autoresponder_token_digest", 64))
        // A header the app sends the token in (e.g. `X-Credinet-Token`), besides Bearer and Basic.
        .col(string_null("autoresponder_header", 100))
        // When set, the AutoResponder endpoint also requires `X-Hub-Signature-256` of the raw body.
        .col(text_null("autoresponder_hmac_secret"))
        // Group chats get replies only when the tenant enables them.
        .col(boolean("group_replies"))
        .col(string_null("cloud_phone_number_id", 64))
        .col(text_null("cloud_app_secret"))
        .col(text_null("cloud_access_token"))
        .col(text_null("cloud_verify_token"))
        .col(instant(b, "created_at").not_null())
        .col(instant(b, "updated_at").not_null());
    vec![
        sql(b, &mut channel),
        index(
            b,
            "assistant_channel_tenant",
            "assistant_channel",
            &["tenant_id"],
            true,
        ),
        index(
            b,
            "assistant_channel_cloud_number",
            "assistant_channel",
            &["cloud_phone_number_id"],
            true,
        ),
    ]
}
