//! The audit log becomes write-once: an entry's place in the chain moves out of `audit_entry` into
//! `audit_seal`, and what is still to be chained is queued in `audit_pending`.
//!
//! Before, the sealer re-wrote every entry to give it its position and hash: a second copy of a wide row
//! and of all its index entries, the largest single cost of a busy PostgreSQL server after the payments
//! themselves (`docs/benchmarks.md`). Now the business transaction writes the entry and a narrow pending
//! row together; the sealer appends a narrow seal row and removes the pending one. Existing chains are
//! carried over unchanged: same positions, same hashes.

use super::columns::{big_int, fk, sql, string, table};
use sea_orm::sea_query::Index;
use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    let entry_fk = |from: &'static str| fk(from, "entry_id", "audit_entry");
    let raw = |text: &str| Statement::from_string(b, text.to_string());
    vec![
        sql(
            b,
            table("audit_seal")
                .col(big_int("tenant_id"))
                .col(big_int("seq"))
                .col(big_int("entry_id"))
                .col(string("prev_hash", 64))
                .col(string("hash", 64))
                .primary_key(Index::create().col("tenant_id").col("seq"))
                .foreign_key(&mut entry_fk("audit_seal")),
        ),
        sql(
            b,
            Index::create()
                .name("ux_audit_seal_entry")
                .table("audit_seal")
                .col("entry_id")
                .unique(),
        ),
        sql(
            b,
            table("audit_pending")
                .col(big_int("tenant_id"))
                .col(big_int("entry_id"))
                .primary_key(Index::create().col("tenant_id").col("entry_id"))
                .foreign_key(&mut entry_fk("audit_pending")),
        ),
        raw(
            "INSERT INTO audit_seal (tenant_id, seq, entry_id, prev_hash, hash) \
             SELECT tenant_id, seq, id, prev_hash, hash FROM audit_entry WHERE seq IS NOT NULL",
        ),
        raw("INSERT INTO audit_pending (tenant_id, entry_id) \
             SELECT tenant_id, id FROM audit_entry WHERE seq IS NULL"),
        sql(
            b,
            Index::drop()
                .name("ux_audit_entry_tenant_seq")
                .table("audit_entry"),
        ),
        // One column per statement: SQLite drops only one at a time.
        raw("ALTER TABLE audit_entry DROP COLUMN seq"),
        raw("ALTER TABLE audit_entry DROP COLUMN prev_hash"),
        raw("ALTER TABLE audit_entry DROP COLUMN hash"),
    ]
}
