//! Backups (SPEC §7): `credinet backup run|list|verify|restore|prune`, one file per verb.
//!
//! A backup is two files in the backup directory: the compressed copy (`credinet-<when>-<kind>.<ext>.gz`)
//! and its manifest beside it (`….json`: kind, schema version, app version, rows per table, size,
//! SHA-256, created at, duration). The manifest is written last, so a backup without one never finished;
//! both are written to a hidden temporary name, synced, renamed and the directory synced, so a crash or a
//! full disk never leaves a file that looks complete.
//!
//! How each database is copied (ADR 24):
//! - SQLite: `VACUUM INTO` a temporary file — one read transaction, so a consistent copy while the
//!   server writes — then rows are counted in the copy and it is gzipped.
//! - PostgreSQL: a REPEATABLE READ transaction exports its snapshot, the rows are counted in it, and
//!   `pg_dump --snapshot` dumps exactly that state (custom format, uncompressed, gzipped here).
//! - MariaDB/MySQL: `mariadb-dump --single-transaction`; the rows are counted in the dump as it streams
//!   ([`dump_rows`]), so the counts are those of the dump's own snapshot.
//!
//! Planning is pure: which backups a retention policy keeps ([`retention`]) and how a dump's rows are
//! counted ([`dump_rows`]) have their own unit tests; the verbs do the I/O.

mod atomic;
mod codec;
mod database;
mod download;
pub mod dump_rows;
mod events;
mod files;
mod list;
mod load;
pub mod manifest;
mod progress;
mod prune;
mod restore;
pub mod retention;
mod run;
mod sync;
pub mod task;
mod tools;
mod verify;

pub use database::{DatabaseKind, DatabaseTarget};
pub use download::record_download;
pub use events::{BACKUP_COMPLETED, BACKUP_FAILED, OFFSITE_SYNC_FAILED};
pub use list::{BackupEntry, list};
pub use manifest::Manifest;
pub use progress::{NoProgress, Progress};
pub use prune::{PruneReport, prune};
pub use restore::{RestoreReport, restore};
pub use retention::{Retention, RetentionError};
pub use run::{BackupReport, run};
pub use sync::{OffsiteSettings, SyncReport, sync};
pub use task::{TaskError, TaskRequest};
pub use verify::{Verification, verify};

use std::path::PathBuf;

/// Where backups go and how long they stay.
#[derive(Debug, Clone)]
pub struct BackupSettings {
    pub dir: PathBuf,
    pub retention: Retention,
    pub offsite: OffsiteSettings,
}

/// Beside the default SQLite database (`data/credinet.db`).
pub const DEFAULT_BACKUP_DIR: &str = "data/backups";

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: PathBuf::from(DEFAULT_BACKUP_DIR),
            retention: Retention::default(),
            offsite: OffsiteSettings::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Store(#[from] credinet_store::StoreError),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    /// A subprocess (`pg_dump`, `mariadb-dump`, `pg_restore`, `mariadb`, `rclone`) failed.
    #[error("{program} failed: {detail}")]
    Tool {
        program: &'static str,
        detail: String,
    },
    #[error("backup {0} not found (see `credinet backup list`)")]
    NotFound(String),
    #[error("backup {file} is damaged: {reason}")]
    Damaged { file: String, reason: String },
    #[error("the manifest {path} cannot be read: {reason}")]
    Manifest { path: String, reason: String },
    #[error(
        "backup {file} is of a {found} database and cannot be restored into a {expected} database"
    )]
    WrongKind {
        file: String,
        found: DatabaseKind,
        expected: DatabaseKind,
    },
    #[error("{0}")]
    Invalid(String),
}

impl BackupError {
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        BackupError::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }
}
