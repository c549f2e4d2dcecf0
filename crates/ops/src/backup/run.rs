//! `backup run`: a consistent copy of the database, compressed, with its manifest, then an event.

use super::atomic::{AtomicFile, TempPath, temp_path};
use super::codec::{self, COMPRESSION, Written};
use super::database::{self, DatabaseKind, DatabaseTarget};
use super::dump_rows::DumpRowCounter;
use super::events::{self, BACKUP_COMPLETED, BACKUP_FAILED};
use super::files::{backup_name, manifest_name};
use super::manifest::{MANIFEST_FORMAT, Manifest};
use super::tools::{self, Tool};
use super::{BackupError, BackupSettings, Progress};
use chrono::{DateTime, Utc};
use credinet_store::Store;
use credinet_store::sea_orm::{ConnectionTrait, Database, Statement};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    pub manifest: Manifest,
}

/// Backs up the database `store` is connected to (named by `target`) into `settings.dir`, and records
/// `backup_completed` or `backup_failed`. On failure nothing is left in the directory.
pub async fn run(
    store: &Store,
    target: &DatabaseTarget,
    settings: &BackupSettings,
    progress: Arc<dyn Progress>,
) -> Result<BackupReport, BackupError> {
    let created_at = store.now();
    let name = backup_name(created_at, target.kind);
    let result = take(store, target, &settings.dir, &name, created_at, progress).await;
    match &result {
        Ok(report) => {
            let m = &report.manifest;
            tracing::info!(file = %m.file, size_bytes = m.size_bytes, duration_ms = m.duration_ms, "backup completed");
            events::emit(
                store,
                BACKUP_COMPLETED,
                Some(m.file.clone()),
                serde_json::json!({
                    "file": m.file,
                    "database_kind": m.database_kind,
                    "size_bytes": m.size_bytes,
                    "sha256": m.sha256,
                    "rows": m.total_rows(),
                    "duration_ms": m.duration_ms,
                }),
            )
            .await;
        }
        Err(e) => {
            tracing::error!(file = %name, error = %e, "backup failed");
            events::emit(
                store,
                BACKUP_FAILED,
                Some(name.clone()),
                serde_json::json!({ "file": name, "error": e.to_string() }),
            )
            .await;
        }
    }
    result
}

async fn take(
    store: &Store,
    target: &DatabaseTarget,
    dir: &Path,
    name: &str,
    created_at: DateTime<Utc>,
    progress: Arc<dyn Progress>,
) -> Result<BackupReport, BackupError> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).map_err(|e| BackupError::io("cannot create", dir, e))?;
    if dir.join(name).exists() {
        return Err(BackupError::Invalid(format!(
            "{} already exists",
            dir.join(name).display()
        )));
    }
    let out = AtomicFile::create(dir, name)?;
    let copy = match target.kind {
        DatabaseKind::Sqlite => sqlite(store, dir, name, out, progress.clone()).await?,
        DatabaseKind::Postgres => postgres(store, target, out, progress.clone()).await?,
        DatabaseKind::Mysql => mysql(store, target, out, progress.clone()).await?,
    };
    progress.finish();
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        file: name.to_string(),
        database_kind: target.kind,
        database_name: target.name(),
        schema_version: copy.schema_version,
        app_version: env!("CARGO_PKG_VERSION").to_string(),
        row_counts: copy.row_counts,
        size_bytes: copy.written.size_bytes,
        sha256: copy.written.sha256,
        compression: COMPRESSION.to_string(),
        created_at,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    // The data file is in place; until the manifest is, the backup is incomplete. If the manifest
    // cannot be written the data file goes too, so the directory never holds half a backup.
    let data = dir.join(name);
    let json = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| BackupError::Invalid(format!("cannot write the manifest: {e}")))?;
    if let Err(e) = AtomicFile::write_all_and_commit(dir, &manifest_name(name), &json) {
        let _ = std::fs::remove_file(&data);
        return Err(e);
    }
    Ok(BackupReport {
        path: data,
        manifest,
    })
}

/// What a copy produced, before the manifest.
struct Copy {
    schema_version: i64,
    row_counts: BTreeMap<String, u64>,
    written: Written,
}

/// Compresses `input` into `out` on a blocking thread and commits it.
async fn compress(
    input: impl std::io::Read + Send + 'static,
    out: AtomicFile,
    tap: impl FnMut(&[u8]) + Send + 'static,
    progress: Arc<dyn Progress>,
    path: PathBuf,
) -> Result<Written, BackupError> {
    tokio::task::spawn_blocking(move || {
        let (out, written) = codec::compress_into(input, out, tap, progress.as_ref())
            .map_err(|e| BackupError::io("cannot write", &path, e))?;
        out.commit()?;
        Ok(written)
    })
    .await
    .map_err(|e| BackupError::Invalid(format!("the compressing thread stopped: {e}")))?
}

/// The newest migration applied; 0 for a database never migrated (a restore's safety backup of a
/// fresh database).
async fn schema_version<C: ConnectionTrait>(db: &C) -> Result<i64, BackupError> {
    if !database::tables(db)
        .await?
        .iter()
        .any(|t| t == "schema_migration")
    {
        return Ok(0);
    }
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT MAX(version) FROM schema_migration",
        ))
        .await
        .map_err(credinet_store::StoreError::from)?;
    Ok(row
        .and_then(|r| r.try_get_by_index::<Option<i64>>(0).ok().flatten())
        .unwrap_or(0))
}

/// `VACUUM INTO` a hidden file beside the backup (one read transaction: a consistent copy while the
/// server writes), count its rows, gzip it, delete it.
async fn sqlite(
    store: &Store,
    dir: &Path,
    name: &str,
    out: AtomicFile,
    progress: Arc<dyn Progress>,
) -> Result<Copy, BackupError> {
    let copy_path = temp_path(dir, &format!("{name}.copy"));
    let _ = std::fs::remove_file(&copy_path);
    let copy = TempPath(copy_path.clone());
    progress.stage("copying", None);
    let literal = copy_path.display().to_string().replace('\'', "''");
    store
        .db()
        .execute_unprepared(&format!("VACUUM INTO '{literal}'"))
        .await
        .map_err(|e| BackupError::Invalid(format!("SQLite could not copy the database: {e}")))?;
    let copy_db = Database::connect(format!("sqlite://{}?mode=ro", copy_path.display()))
        .await
        .map_err(credinet_store::StoreError::from)?;
    let row_counts = database::row_counts(&copy_db).await?;
    let schema_version = schema_version(&copy_db).await?;
    copy_db
        .close()
        .await
        .map_err(credinet_store::StoreError::from)?;
    let size = std::fs::metadata(&copy_path).map(|m| m.len()).ok();
    progress.stage("compressing", size);
    let input = std::fs::File::open(&copy_path)
        .map_err(|e| BackupError::io("cannot read", &copy_path, e))?;
    let written = compress(input, out, |_| {}, progress, dir.join(name)).await?;
    drop(copy);
    Ok(Copy {
        schema_version,
        row_counts,
        written,
    })
}

/// Counts the rows in a REPEATABLE READ snapshot and has `pg_dump` dump that same snapshot.
async fn postgres(
    store: &Store,
    target: &DatabaseTarget,
    out: AtomicFile,
    progress: Arc<dyn Progress>,
) -> Result<Copy, BackupError> {
    let snapshot = store.snapshot().await?;
    let exported = snapshot
        .query_one_raw(Statement::from_string(
            snapshot.get_database_backend(),
            "SELECT pg_export_snapshot()",
        ))
        .await
        .map_err(credinet_store::StoreError::from)?
        .map(|r| r.try_get_by_index::<String>(0))
        .transpose()
        .map_err(credinet_store::StoreError::from)?
        .ok_or_else(|| BackupError::Invalid("PostgreSQL exported no snapshot".into()))?;
    let row_counts = database::row_counts(&snapshot).await?;
    let schema_version = schema_version(&snapshot).await?;
    progress.stage("dumping", None);
    let args = vec![
        "--format=custom".to_string(),
        "--compress=0".to_string(),
        "--no-owner".to_string(),
        "--no-privileges".to_string(),
        format!("--snapshot={exported}"),
        format!("--dbname={}", target.url_without_password()),
    ];
    let written = dump(Tool::PgDump, args, target, out, |_| {}, progress).await;
    // The snapshot must stay open until pg_dump has finished (it imports it at start; holding it
    // longer costs nothing but a transaction).
    snapshot
        .commit()
        .await
        .map_err(credinet_store::StoreError::from)?;
    Ok(Copy {
        schema_version,
        row_counts,
        written: written?,
    })
}

/// `mariadb-dump --single-transaction`, its rows counted as the dump streams.
async fn mysql(
    store: &Store,
    target: &DatabaseTarget,
    out: AtomicFile,
    progress: Arc<dyn Progress>,
) -> Result<Copy, BackupError> {
    let tables = database::tables(store.db()).await?;
    let schema_version = schema_version(store.db()).await?;
    progress.stage("dumping", None);
    let mut args = target.mysql_args();
    args.extend(
        [
            "--single-transaction",
            "--quick",
            "--hex-blob",
            "--skip-lock-tables",
            "--no-tablespaces",
            "--default-character-set=utf8mb4",
        ]
        .map(String::from),
    );
    args.push(target.name());
    let counter = Arc::new(std::sync::Mutex::new(DumpRowCounter::new()));
    let tap_counter = counter.clone();
    let written = dump(
        Tool::MariadbDump,
        args,
        target,
        out,
        move |chunk| {
            if let Ok(mut c) = tap_counter.lock() {
                c.feed(chunk);
            }
        },
        progress,
    )
    .await?;
    let seen = Arc::try_unwrap(counter)
        .ok()
        .and_then(|m| m.into_inner().ok())
        .map(DumpRowCounter::finish)
        .unwrap_or_default();
    let mut row_counts: BTreeMap<String, u64> = tables.into_iter().map(|t| (t, 0)).collect();
    row_counts.extend(seen);
    Ok(Copy {
        schema_version,
        row_counts,
        written,
    })
}

/// Runs a dump tool and compresses its standard output into `out`.
async fn dump(
    tool: Tool,
    args: Vec<String>,
    target: &DatabaseTarget,
    out: AtomicFile,
    tap: impl FnMut(&[u8]) + Send + 'static,
    progress: Arc<dyn Progress>,
) -> Result<Written, BackupError> {
    let env = target.tool_env();
    tokio::task::spawn_blocking(move || {
        let mut running = tools::spawn(tool, &args, &env, tools::Pipe::Stdout)?;
        let stdout = running.child.stdout.take().expect("stdout is piped");
        let result = codec::compress_into(stdout, out, tap, progress.as_ref());
        if result.is_err() {
            running.kill();
        }
        let status = running.wait();
        let (out, written) = result.map_err(|e| BackupError::Io {
            action: "cannot write the backup of",
            path: tool.name().to_string(),
            source: e,
        })?;
        status?;
        out.commit()?;
        Ok(written)
    })
    .await
    .map_err(|e| BackupError::Invalid(format!("the dumping thread stopped: {e}")))?
}
