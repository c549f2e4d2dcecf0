//! Tenants, staff users, browser sessions, login attempts, API keys and the audit log.

use super::columns::{
    big_int, big_int_null, boolean, fk, id, instant, sql, string, string_null, table, tenant_id,
    text_null,
};
use sea_orm::sea_query::Index;
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let tenant_fk = |from: &'static str| fk(from, "tenant_id", "tenant");
    vec![
        sql(
            b,
            table("tenant")
                .col(id())
                .col(string("slug", 40).unique_key())
                .col(string("legal_name", 200))
                .col(string("time_zone", 64))
                .col(string("currency", 3))
                .col(text_null("settings"))
                .col(instant(b, "created_at").not_null()),
        ),
        sql(
            b,
            table("staff_user")
                .col(id())
                .col(tenant_id())
                .col(string("email", 254))
                .col(string("full_name", 200))
                .col(string("role", 16))
                .col(string("password_hash", 255))
                .col(boolean("active"))
                .col(boolean("must_change_password"))
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "updated_at").not_null())
                .foreign_key(&mut tenant_fk("staff_user")),
        ),
        sql(
            b,
            Index::create()
                .name("ux_staff_user_tenant_email")
                .table("staff_user")
                .col("tenant_id")
                .col("email")
                .unique(),
        ),
        sql(
            b,
            table("web_session")
                .col(string("id", 64).primary_key())
                .col(tenant_id())
                .col(big_int("user_id"))
                .col(string("csrf_token", 64))
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "expires_at").not_null())
                .col(instant(b, "last_seen_at").not_null())
                .col(string_null("ip", 64))
                .col(string_null("user_agent", 512))
                .foreign_key(&mut tenant_fk("web_session")),
        ),
        sql(
            b,
            Index::create()
                .name("ix_web_session_expires")
                .table("web_session")
                .col("expires_at"),
        ),
        sql(
            b,
            table("login_attempt")
                .col(id())
                .col(tenant_id())
                .col(string("email", 254))
                .col(boolean("succeeded"))
                .col(string_null("ip", 64))
                .col(instant(b, "at").not_null())
                .foreign_key(&mut tenant_fk("login_attempt")),
        ),
        sql(
            b,
            Index::create()
                .name("ix_login_attempt_lookup")
                .table("login_attempt")
                .col("tenant_id")
                .col("email")
                .col("at"),
        ),
        sql(
            b,
            table("api_key")
                .col(id())
                .col(tenant_id())
                .col(string("name", 100))
                .col(string("prefix", 16))
                .col(string("key_hash", 64).unique_key())
                .col(string("role", 16))
                .col(big_int_null("created_by"))
                .col(instant(b, "created_at").not_null())
                .col(instant(b, "last_used_at").null())
                .col(instant(b, "revoked_at").null())
                .foreign_key(&mut tenant_fk("api_key")),
        ),
        sql(
            b,
            table("audit_entry")
                .col(id())
                .col(tenant_id())
                .col(big_int_null("seq"))
                .col(instant(b, "at").not_null())
                .col(string("actor_kind", 16))
                .col(big_int_null("actor_id"))
                .col(string("actor_label", 254))
                .col(string("action", 64))
                .col(string("entity", 64))
                .col(string_null("entity_id", 64))
                .col(string_null("ip", 64))
                .col(string_null("user_agent", 512))
                .col(text_null("before_json"))
                .col(text_null("after_json"))
                .col(string_null("prev_hash", 64))
                .col(string_null("hash", 64))
                .foreign_key(&mut tenant_fk("audit_entry")),
        ),
        sql(
            b,
            Index::create()
                .name("ux_audit_entry_tenant_seq")
                .table("audit_entry")
                .col("tenant_id")
                .col("seq")
                .unique(),
        ),
        sql(
            b,
            Index::create()
                .name("ix_audit_entry_tenant_id")
                .table("audit_entry")
                .col("tenant_id")
                .col("id"),
        ),
        sql(
            b,
            table("audit_chain")
                .col(big_int("tenant_id").primary_key())
                .col(big_int("last_seq"))
                .col(string("last_hash", 64))
                .col(instant(b, "sealed_at").not_null())
                .foreign_key(&mut tenant_fk("audit_chain")),
        ),
    ]
}
