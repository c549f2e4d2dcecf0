//! The scheduler's rows (SPEC §4): `job_run`, one row per run of a job, and `job_lease`, the lease that
//! lets one process at a time run a job for a scope (the system, or one tenant).
//!
//! A scheduled run is named by `occurrence` (job, scope and the instant it was scheduled for), unique, so
//! two servers can never both record, and so run, the same occurrence. Manual runs leave it NULL: every
//! trigger by hand is a run of its own. The lease is a row rather than an advisory lock so it works alike
//! on SQLite, PostgreSQL and MariaDB and survives no process: it ends by time when its holder dies.

use super::columns::{big_int, id, instant, sql, string, string_null, table, text_null};
use sea_orm::sea_query::{ColumnDef, Index};
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    vec![
        sql(
            b,
            table("job_run")
                .col(id())
                .col(string("job", 64))
                // NULL for a system job (session expiry); the tenant's id for a per-tenant job.
                .col(ColumnDef::new("tenant_id").big_integer().null())
                .col(instant(b, "scheduled_for").not_null())
                .col(string("run_trigger", 16))
                .col(string("status", 16))
                .col(string_null("occurrence", 200))
                .col(big_int("attempts"))
                .col(instant(b, "started_at").null())
                .col(instant(b, "ended_at").null())
                .col(text_null("summary"))
                .col(text_null("error")),
        ),
        sql(
            b,
            Index::create()
                .name("ux_job_run_occurrence")
                .table("job_run")
                .col("occurrence")
                .unique(),
        ),
        sql(
            b,
            Index::create()
                .name("ix_job_run_job_tenant_scheduled")
                .table("job_run")
                .col("job")
                .col("tenant_id")
                .col("scheduled_for"),
        ),
        sql(
            b,
            table("job_lease")
                .col(string("lease_key", 100).primary_key())
                .col(string("holder", 64))
                .col(instant(b, "expires_at").not_null()),
        ),
    ]
}
