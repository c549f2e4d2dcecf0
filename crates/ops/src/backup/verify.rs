//! `backup verify`: the file is what its manifest says (size, SHA-256), it restores into a scratch
//! database, and the restored database is sound: its migrations are the manifest's and known to this
//! credinet, every table has the rows the manifest counted, and every tenant's audit chain verifies.

use super::atomic::TempPath;
use super::codec;
use super::database::{self, DatabaseKind, DatabaseTarget};
use super::list::find;
use super::load::{load, postgres_scratch};
use super::manifest::Manifest;
use super::{BackupError, Progress};
use credinet_store::repo::{audit, tenants};
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::{Store, migrations};
use rand::Rng;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Verification {
    pub path: PathBuf,
    pub manifest: Manifest,
    /// What is wrong; empty when the backup is sound.
    pub problems: Vec<String>,
    /// Migrations this credinet would apply after restoring it (a backup from an older version).
    pub pending_migrations: Vec<i64>,
    pub tenants_checked: usize,
}

impl Verification {
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the backup `name` (`latest`, or a file name) in `dir`. `store` and `target` are the live
/// database: a PostgreSQL or MariaDB backup is restored into a scratch database created beside it on
/// the same server (and dropped afterwards); a SQLite one into a hidden file in `dir`.
pub async fn verify(
    store: &Store,
    target: &DatabaseTarget,
    dir: &Path,
    name: &str,
    progress: Arc<dyn Progress>,
) -> Result<Verification, BackupError> {
    let (path, manifest) = find(dir, name)?;
    let mut verification = Verification {
        path: path.clone(),
        manifest: manifest.clone(),
        problems: Vec::new(),
        pending_migrations: Vec::new(),
        tenants_checked: 0,
    };
    progress.stage("checksum", Some(manifest.size_bytes));
    let digest = {
        let file = path.clone();
        let progress = progress.clone();
        tokio::task::spawn_blocking(move || codec::digest_file(&file, progress.as_ref()))
            .await
            .map_err(|e| BackupError::Invalid(format!("the checksum thread stopped: {e}")))?
            .map_err(|e| BackupError::io("cannot read", &path, e))?
    };
    progress.finish();
    if digest.size_bytes != manifest.size_bytes {
        verification.problems.push(format!(
            "the file has {} bytes, the manifest says {} (truncated or replaced)",
            digest.size_bytes, manifest.size_bytes
        ));
    }
    if digest.sha256 != manifest.sha256 {
        verification.problems.push(format!(
            "SHA-256 {} does not match the manifest's {}",
            digest.sha256, manifest.sha256
        ));
    }
    if !verification.is_ok() {
        return Ok(verification);
    }
    let scratch = Scratch::create(store, target, dir, manifest.database_kind).await?;
    let loaded = match manifest.database_kind {
        DatabaseKind::Postgres => postgres_scratch(&path, &scratch.target, dir, progress).await,
        kind => load(&path, kind, &scratch.target, progress).await,
    };
    let checked = match loaded {
        Ok(()) => check_restored(&scratch.target, &mut verification).await,
        Err(BackupError::Damaged { reason, .. }) => {
            verification.problems.push(reason);
            Ok(())
        }
        Err(BackupError::Tool { program, detail }) => {
            verification
                .problems
                .push(format!("{program} could not restore it: {detail}"));
            Ok(())
        }
        Err(e) => Err(e),
    };
    scratch.drop_now(store).await;
    checked?;
    Ok(verification)
}

async fn check_restored(
    scratch: &DatabaseTarget,
    verification: &mut Verification,
) -> Result<(), BackupError> {
    let manifest = &verification.manifest;
    let restored = Store::connect(scratch.url()).await?;
    let result = async {
        let applied = migrations::applied(&restored).await?;
        let newest = applied.last().copied().unwrap_or(0);
        if newest != manifest.schema_version {
            verification.problems.push(format!(
                "the restored schema is at migration {newest}, the manifest says {}",
                manifest.schema_version
            ));
        }
        if newest > migrations::latest_known() {
            verification.problems.push(format!(
                "the backup has migration {newest}, newer than this credinet knows ({}): restore it with the credinet that made it ({})",
                migrations::latest_known(),
                manifest.app_version
            ));
        }
        verification.pending_migrations = migrations::pending(&restored).await?;
        let counts = database::row_counts(restored.db()).await?;
        for (table, expected) in &manifest.row_counts {
            let found = counts.get(table).copied();
            if found != Some(*expected) {
                verification.problems.push(match found {
                    Some(n) => format!("table {table}: {n} rows restored, the manifest counted {expected}"),
                    None => format!("table {table} is missing from the restored database"),
                });
            }
        }
        for table in counts.keys().filter(|t| !manifest.row_counts.contains_key(*t)) {
            verification
                .problems
                .push(format!("table {table} is restored but not in the manifest"));
        }
        for tenant in tenants::list(restored.db()).await? {
            let result = audit::verify_consistent(&restored, tenant.id).await?;
            verification.tenants_checked += 1;
            if let Some(link) = &result.first_broken {
                verification.problems.push(format!(
                    "tenant {}: the audit chain breaks at position {} (entry {}): {}",
                    tenant.slug, link.seq, link.entry_id, link.reason
                ));
            }
            if result.unqueued > 0 {
                verification.problems.push(format!(
                    "tenant {}: {} audit entries are neither chained nor queued",
                    tenant.slug, result.unqueued
                ));
            }
        }
        Ok::<(), BackupError>(())
    }
    .await;
    let _ = restored.close().await;
    result
}

/// A database that lives only while a backup is checked.
struct Scratch {
    target: DatabaseTarget,
    file: Option<PathBuf>,
}

impl Scratch {
    async fn create(
        store: &Store,
        live: &DatabaseTarget,
        dir: &Path,
        kind: DatabaseKind,
    ) -> Result<Scratch, BackupError> {
        let tag = format!("{:016x}", rand::thread_rng().r#gen::<u64>());
        if kind == DatabaseKind::Sqlite {
            let path = dir.join(format!(".verify-{tag}.db"));
            let target = DatabaseTarget::parse(&format!("sqlite://{}", path.display()))?;
            return Ok(Scratch {
                target,
                file: Some(path),
            });
        }
        if kind != live.kind {
            return Err(BackupError::Invalid(format!(
                "a {kind} backup is verified on a {kind} server, and this credinet is connected to {}; run verify with DATABASE_URL of a {kind} server",
                live.kind
            )));
        }
        let name = format!("credinet_verify_{tag}");
        store
            .db()
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .map_err(|e| {
                BackupError::Invalid(format!(
                    "cannot create the scratch database {name} for the check (the database user needs the right to create databases): {e}"
                ))
            })?;
        Ok(Scratch {
            target: live.with_name(&name),
            file: None,
        })
    }

    async fn drop_now(self, store: &Store) {
        if let Some(path) = self.file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                drop(TempPath(PathBuf::from(format!(
                    "{}{suffix}",
                    path.display()
                ))));
            }
            return;
        }
        let name = self.target.name();
        let sql = match self.target.kind {
            DatabaseKind::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {name}"),
        };
        if let Err(e) = store.db().execute_unprepared(&sql).await {
            tracing::warn!(database = %name, error = %e, "could not drop the scratch database");
        }
    }
}
