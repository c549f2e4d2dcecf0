//! Releases (SPEC §7, ADR 29): `credinet release NEW_BINARY`, run by the binary of the release that is
//! serving now, installs a new build beside the old ones and rolls back by itself when it fails.
//!
//! The layout under the release root (default `/opt/credinet`, where the systemd unit starts
//! `current/credinet`):
//!
//! ```text
//! releases/<name>/credinet      one directory per installed build
//! current -> releases/<name>    the one the service runs
//! ```
//!
//! The steps, one file each: [`install`] the binary under `releases/<name>/`, back up the database
//! (`backup::run`, the pre-release backup), [`migrate`] with the new binary, [`switch`] `current`,
//! restart the [`service`], wait until [`ready`] (`/readyz` answers 200). When any step after the
//! backup fails, [`rollback`]: stop the service, restore the pre-release backup (which keeps a safety
//! backup of the database as the failed release left it), point `current` back, start, and check
//! `/readyz` again. What stays and what goes is planned apart from the I/O ([`plan`]).

mod install;
mod layout;
mod migrate;
pub mod plan;
mod ready;
mod rollback;
mod run;
mod service;
mod switch;

pub use layout::Layout;
pub use run::{Outcome, ReleaseReport, release};
pub use service::ServiceCommands;

use crate::backup::BackupError;
use std::path::PathBuf;
use std::time::Duration;

/// How a release is installed and checked.
#[derive(Debug, Clone)]
pub struct ReleaseSettings {
    /// The directory holding `releases/` and `current`.
    pub root: PathBuf,
    /// The directory name under `releases/`; `None`: the new binary's version and the UTC instant.
    pub name: Option<String>,
    /// Releases kept after a successful one, the new one included (at least 2: the new and the
    /// previous, to go back to by hand).
    pub keep: usize,
    /// The URL that must answer 200 once the new release serves.
    pub readyz_url: String,
    /// How long the new release may take to become ready.
    pub ready_timeout: Duration,
    /// How long the previous release may take to become ready again after a rollback.
    pub rollback_ready_timeout: Duration,
    pub service: ServiceCommands,
    /// Passed to the new binary's `migrate` (`--config`), so it reads the same configuration.
    pub config: Option<PathBuf>,
    /// The database the new binary migrates (given to it as `DATABASE_URL`).
    pub database_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("{0}")]
    Invalid(String),
    #[error("{action} {path}: {source}")]
    Io {
        action: &'static str,
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Backup(#[from] BackupError),
    #[error(transparent)]
    Store(#[from] credinet_store::StoreError),
    /// A step after the backup failed, and the rollback failed too: the service may be down.
    #[error(
        "the release failed ({failure}) and so did the rollback ({rollback}); see docs/operations.md, «Release and rollback»"
    )]
    RollbackFailed { failure: String, rollback: String },
}

impl ReleaseError {
    pub(crate) fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        ReleaseError::Io {
            action,
            path: path.display().to_string(),
            source,
        }
    }
}
