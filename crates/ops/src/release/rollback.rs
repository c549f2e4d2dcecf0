//! Going back after a failed release: stop the service (whichever build runs), restore the pre-release
//! backup — `backup restore`, which verifies it first and keeps the database as the failed release
//! left it as a safety backup — point `current` at the previous release, start it and wait for
//! `/readyz`. The service is stopped before the database is touched: on SQLite the file is replaced,
//! and on a server database the tables are dropped and loaded again.

use super::layout::Layout;
use super::ready::wait_ready;
use super::switch::switch;
use super::{ReleaseError, ReleaseSettings};
use crate::backup::{self, BackupSettings, DatabaseTarget, Progress};
use credinet_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// Returns the safety backup's path (the database as the failed release left it).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn rollback(
    store: Store,
    target: &DatabaseTarget,
    backups: &BackupSettings,
    settings: &ReleaseSettings,
    layout: &Layout,
    previous: &str,
    backup_file: &str,
    progress: Arc<dyn Progress>,
) -> Result<PathBuf, ReleaseError> {
    settings.service.stop(&settings.database_url)?;
    let restored = backup::restore(store, target, backups, backup_file, progress).await?;
    switch(layout, previous)?;
    settings.service.start(&settings.database_url)?;
    wait_ready(&settings.readyz_url, settings.rollback_ready_timeout).await?;
    Ok(restored.safety.path)
}
