//! `backup_task`: a backup or a verification started from the backups page (issue 20), one row each,
//! with the progress the page shows while it runs and how it ended.
//!
//! Installation-wide, not a tenant's: a backup holds every tenant (ADR 32). The progress lives in the
//! row, not in the memory of the server that runs it, so any server behind the proxy shows it; the
//! runner writes it at most once a second. One task at a time is the job lease `backup` (the nightly
//! backup job's), not this table.

use super::columns::{
    big_int, big_int_null, id, instant, sql, string, string_null, table, text_null,
};
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    vec![sql(
        b,
        table("backup_task")
            .col(id())
            // `run` (a new backup) or `verify` (of `file`).
            .col(string("action", 16))
            // The backup verified, or the one a run produced once it has a name.
            .col(string_null("file", 200))
            // `running`, `succeeded`, `failed`.
            .col(string("status", 16))
            // The stage under way (`copying`, `compressing`, `dumping`, `checksum`, `restoring`…).
            .col(string_null("stage", 32))
            .col(big_int("done_bytes"))
            .col(big_int_null("total_bytes"))
            // Who asked: the tenant (the operator's) and the actor's label, as its audit entry says.
            .col(big_int("requested_by_tenant"))
            .col(string("requested_by", 254))
            .col(instant(b, "started_at").not_null())
            // Moves with the progress and with the lease's renewal: a running task whose row has not
            // moved for a while lost its server (killed, restored over) and is shown as interrupted.
            .col(instant(b, "updated_at").not_null())
            .col(instant(b, "ended_at").null())
            // What it found: a verification's problems, a failure's error (English, for support).
            .col(text_null("detail")),
    )]
}
