//! `credinet release NEW_BINARY`: install, back up, migrate, switch, restart, check; roll back when a
//! step after the backup fails. Run by the binary of the release serving now (`current/credinet`), so
//! the code that rolls back is the code that served before, not the build under suspicion.

use super::install::install;
use super::layout::Layout;
use super::migrate::migrate;
use super::plan;
use super::ready::wait_ready;
use super::rollback::rollback;
use super::switch::switch;
use super::{ReleaseError, ReleaseSettings};
use crate::backup::{self, BackupSettings, DatabaseTarget, Progress};
use credinet_store::Store;
use credinet_store::repo::notify::system_events::{self, NewSystemEvent};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The installation event a rollback records (routed to the admins' channels like `backup_failed`).
pub const RELEASE_ROLLED_BACK: &str = "release_rolled_back";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new release serves.
    Released { pruned: Vec<String> },
    /// A step failed; the previous release serves again on the database as it was before the release.
    RolledBack {
        failure: String,
        /// The database as the failed release left it (restore's safety backup), for a post-mortem.
        safety_backup: PathBuf,
    },
}

#[derive(Debug, Clone)]
pub struct ReleaseReport {
    pub name: String,
    pub previous: String,
    /// The backup taken before migrating: what a rollback restores.
    pub backup: PathBuf,
    /// What the new build's `migrate` printed, when it ran.
    pub migrated: Option<String>,
    pub outcome: Outcome,
}

/// Releases `new_binary` under `settings.root`. `store` is the database as it is (not migrated by this
/// process). An error means nothing was switched (the release could not start) or the rollback failed
/// ([`ReleaseError::RollbackFailed`]); a failed release that was rolled back is an `Ok` whose outcome
/// says so.
pub async fn release(
    store: Store,
    target: &DatabaseTarget,
    backups: &BackupSettings,
    settings: &ReleaseSettings,
    new_binary: &Path,
    progress: Arc<dyn Progress>,
) -> Result<ReleaseReport, ReleaseError> {
    let layout = Layout::new(&settings.root);
    let previous = layout.current()?.ok_or_else(|| {
        ReleaseError::Invalid(format!(
            "there is no release in {} yet ({} is missing): install the first one by hand as docs/operations.md says",
            layout.root().display(),
            layout.current_link().display()
        ))
    })?;
    if !layout.binary(&previous).is_file() {
        return Err(ReleaseError::Invalid(format!(
            "the current release {previous} has no {}: nothing to roll back to",
            layout.binary(&previous).display()
        )));
    }
    let name = install(&layout, new_binary, settings.name.as_deref(), store.now())?;
    tracing::info!(release = %name, previous = %previous, "release installed");
    let pre = match backup::run(&store, target, backups, progress.clone()).await {
        Ok(pre) => pre,
        Err(e) => {
            // Nothing has changed yet but the new directory: without a backup there is no release.
            let _ = std::fs::remove_dir_all(layout.release_dir(&name));
            return Err(e.into());
        }
    };
    tracing::info!(backup = %pre.manifest.file, "pre-release backup taken");

    let mut migrated = None;
    let attempt: Result<(), ReleaseError> = async {
        migrated = Some(migrate(
            &layout.binary(&name),
            settings.config.as_deref(),
            &settings.database_url,
        )?);
        switch(&layout, &name)?;
        settings.service.stop(&settings.database_url)?;
        settings.service.start(&settings.database_url)?;
        wait_ready(&settings.readyz_url, settings.ready_timeout).await
    }
    .await;

    let outcome = match attempt {
        Ok(()) => {
            let _ = store.close().await;
            let pruned = plan::to_remove(&layout.installed()?, &name, settings.keep);
            for old in &pruned {
                let dir = layout.release_dir(old);
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| ReleaseError::io("cannot remove", &dir, e))?;
            }
            tracing::info!(release = %name, pruned = ?pruned, "release serving");
            Outcome::Released { pruned }
        }
        Err(failure) => {
            let failure = failure.to_string();
            tracing::error!(release = %name, error = %failure, "release failed; rolling back");
            let safety = rollback(
                store,
                target,
                backups,
                settings,
                &layout,
                &previous,
                &pre.manifest.file,
                progress,
            )
            .await
            .map_err(|e| ReleaseError::RollbackFailed {
                failure: failure.clone(),
                rollback: e.to_string(),
            })?;
            // The failed build goes: it is not a release to return to, and its name may be used again.
            let _ = std::fs::remove_dir_all(layout.release_dir(&name));
            tracing::info!(previous = %previous, "rolled back");
            rolled_back_event(target, &name, &previous, &failure).await;
            Outcome::RolledBack {
                failure,
                safety_backup: safety,
            }
        }
    };
    Ok(ReleaseReport {
        name,
        previous,
        backup: pre.path,
        migrated,
        outcome,
    })
}

/// Records `release_rolled_back` in the restored database. A failure to record it is logged and does
/// not hide the rollback's own outcome.
async fn rolled_back_event(target: &DatabaseTarget, name: &str, previous: &str, failure: &str) {
    let event = NewSystemEvent {
        kind: RELEASE_ROLLED_BACK.to_string(),
        entity: "release".to_string(),
        entity_id: Some(name.to_string()),
        payload: serde_json::json!({"release": name, "previous": previous, "reason": failure}),
    };
    let result = async {
        let store = Store::connect(target.url()).await?;
        let tx = store.write().await?;
        system_events::append(&tx, event, store.now()).await?;
        tx.commit().await?;
        store.close().await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not record the release_rolled_back event");
    }
}
