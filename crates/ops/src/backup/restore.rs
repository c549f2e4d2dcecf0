//! `backup restore`: verify the backup, take a safety backup of the current database, replace the
//! current database with the backup, and check the result against the manifest. The production guard
//! (`--confirm <database name>`) is the command line's: it asks before this runs.

use super::database::{self, DatabaseKind, DatabaseTarget};
use super::load::load;
use super::run::{BackupReport, run};
use super::verify::{Verification, verify};
use super::{BackupError, BackupSettings, Progress};
use credinet_store::Store;
use credinet_store::sea_orm::{ConnectionTrait, TransactionTrait};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct RestoreReport {
    pub verification: Verification,
    /// The backup of the database as it was before the restore.
    pub safety: BackupReport,
}

/// Restores backup `name` from `settings.dir` into the database of `store` (named by `target`). The
/// store is closed: on SQLite the file is replaced, and no process may have it open (stop the server).
pub async fn restore(
    store: Store,
    target: &DatabaseTarget,
    settings: &BackupSettings,
    name: &str,
    progress: Arc<dyn Progress>,
) -> Result<RestoreReport, BackupError> {
    let verification = verify(&store, target, &settings.dir, name, progress.clone()).await?;
    if !verification.is_ok() {
        return Err(BackupError::Damaged {
            file: verification.manifest.file.clone(),
            reason: format!(
                "it did not pass verify, nothing was changed: {}",
                verification.problems.join("; ")
            ),
        });
    }
    let manifest = &verification.manifest;
    if manifest.database_kind != target.kind {
        return Err(BackupError::WrongKind {
            file: manifest.file.clone(),
            found: manifest.database_kind,
            expected: target.kind,
        });
    }
    let safety = run(&store, target, settings, progress.clone()).await?;
    tracing::info!(safety = %safety.manifest.file, "safety backup taken before the restore");
    if target.kind != DatabaseKind::Sqlite {
        drop_all_tables(&store).await?;
    }
    let _ = store.close().await;
    load(&verification.path, manifest.database_kind, target, progress).await?;
    let restored = Store::connect(target.url()).await?;
    let counts = database::row_counts(restored.db()).await;
    let _ = restored.close().await;
    if counts? != manifest.row_counts {
        return Err(BackupError::Invalid(format!(
            "the restored database does not have the rows the manifest counted; the database as it was is in {}",
            safety.path.display()
        )));
    }
    Ok(RestoreReport {
        verification,
        safety,
    })
}

/// Empties a server database so the dump loads into a clean schema (a table added by a later
/// migration must not survive a restore of an older backup).
async fn drop_all_tables(store: &Store) -> Result<(), BackupError> {
    let tables = database::tables(store.db()).await?;
    if tables.is_empty() {
        return Ok(());
    }
    // One connection: MariaDB's foreign-key switch is per session.
    let tx = store
        .db()
        .begin()
        .await
        .map_err(credinet_store::StoreError::from)?;
    let statements: Vec<String> = match store_kind(store) {
        DatabaseKind::Postgres => vec![format!(
            "DROP TABLE IF EXISTS {} CASCADE",
            tables
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        _ => {
            let mut s = vec!["SET FOREIGN_KEY_CHECKS = 0".to_string()];
            s.extend(
                tables
                    .iter()
                    .map(|t| format!("DROP TABLE IF EXISTS `{}`", t.replace('`', "``"))),
            );
            s.push("SET FOREIGN_KEY_CHECKS = 1".to_string());
            s
        }
    };
    for sql in statements {
        tx.execute_unprepared(&sql)
            .await
            .map_err(credinet_store::StoreError::from)?;
    }
    tx.commit()
        .await
        .map_err(credinet_store::StoreError::from)?;
    Ok(())
}

fn store_kind(store: &Store) -> DatabaseKind {
    match store.backend() {
        credinet_store::sea_orm::DbBackend::Postgres => DatabaseKind::Postgres,
        credinet_store::sea_orm::DbBackend::Sqlite => DatabaseKind::Sqlite,
        _ => DatabaseKind::Mysql,
    }
}
