//! PostgreSQL only: leave room on the pages of the tables every payment updates.
//!
//! A payment updates its loan's balances and the installments it pays. PostgreSQL writes an updated row
//! as a new version; when the new version fits on the same page and no indexed column changed, the
//! update is "HOT": no index is touched. With full pages (the default fill factor of 100, and what a
//! bulk import leaves) every update moves the row to another page and adds an entry to each of the
//! table's indexes (four on `loan`, three on `installment`), which costs write-ahead log, CPU and index
//! bloat on every payment (`docs/benchmarks.md`). SQLite and MySQL/InnoDB update rows in place.
//!
//! The setting applies to pages written from now on; existing pages gain room as they are rewritten.

use sea_orm::{DbBackend, Statement};

pub fn statements(b: DbBackend) -> Vec<Statement> {
    match b {
        DbBackend::Postgres => ["loan", "installment"]
            .into_iter()
            .map(|table| {
                Statement::from_string(b, format!("ALTER TABLE {table} SET (fillfactor = 85)"))
            })
            .collect(),
        _ => Vec::new(),
    }
}
