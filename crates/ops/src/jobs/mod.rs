//! The jobs, one file each, and the registry a server runs.

mod backup;
mod offsite_sync;
mod period_cut;
mod session_expiry;

pub use backup::Backup;
pub use offsite_sync::OffsiteSync;
pub use period_cut::PeriodCut;
pub use session_expiry::SessionExpiry;

use crate::registry::Registry;
use crate::settings::{SchedulerSettings, SchedulerSettingsError};

/// The jobs of a server configured by `settings`. `session_max_age` is the accounts' absolute session
/// lifetime (a session signed in longer ago is deleted even if it was used recently).
pub fn standard(
    settings: &SchedulerSettings,
    session_max_age: chrono::Duration,
) -> Result<Registry, SchedulerSettingsError> {
    Ok(Registry::new()
        .with(PeriodCut::new(settings.cut_time()?, settings.cut_grace()))
        .with(SessionExpiry::new(
            settings.session_expiry_schedule()?,
            session_max_age,
        )))
}

/// `registry` with the nightly `backup` of the database at `database_url`, and `offsite_sync` when an
/// off-site remote is configured.
pub fn with_backups(
    registry: Registry,
    settings: &SchedulerSettings,
    database_url: &str,
    backup: &crate::backup::BackupSettings,
) -> Result<Registry, BackupJobsError> {
    let target = crate::backup::DatabaseTarget::parse(database_url)?;
    let mut registry = registry.with(Backup::new(
        settings.backup_schedule()?,
        target,
        backup.clone(),
    ));
    if backup.offsite.remote.is_some() {
        registry = registry.with(OffsiteSync::new(
            settings.offsite_sync_schedule()?,
            backup.clone(),
        ));
    }
    Ok(registry)
}

#[derive(Debug, thiserror::Error)]
pub enum BackupJobsError {
    #[error(transparent)]
    Settings(#[from] SchedulerSettingsError),
    #[error(transparent)]
    Target(#[from] crate::backup::BackupError),
}
