//! Loads a backup file into a database: what `verify` does into a scratch database and `restore` into
//! the real one. The file is decompressed as it streams into the tool (or into the SQLite file), so a
//! truncated or corrupted file fails here with what broke.
//!
//! `verify`'s PostgreSQL scratch database is loaded differently ([`postgres_scratch`], ADR 36): the
//! database is thrown away after the check, so it need not survive a crash, and its tables are made
//! `UNLOGGED` between the schema and the rows — no write-ahead log for the rows or the indexes.

use super::atomic::{AtomicFile, TempPath, sync_dir};
use super::codec;
use super::database::{DatabaseKind, DatabaseTarget};
use super::tools::{self, Pipe, Tool};
use super::{BackupError, Progress};
use credinet_store::Store;
use credinet_store::sea_orm::ConnectionTrait;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

/// `pg_restore` jobs for the rows and indexes of a scratch database (ADR 36).
const SCRATCH_JOBS: usize = 2;

/// The scratch restore's sessions: index builds sort in memory; a commit does not wait for its log
/// record (ADR 36).
const SCRATCH_PGOPTIONS: &str = "-c maintenance_work_mem=256MB -c synchronous_commit=off";

/// Loads `file` (a backup of a `kind` database) into `target`, which must be empty (a server
/// database) or is replaced (a SQLite file, which no process may have open).
pub(crate) async fn load(
    file: &Path,
    kind: DatabaseKind,
    target: &DatabaseTarget,
    progress: Arc<dyn Progress>,
) -> Result<(), BackupError> {
    if kind != target.kind {
        return Err(BackupError::WrongKind {
            file: file.display().to_string(),
            found: kind,
            expected: target.kind,
        });
    }
    let file = file.to_path_buf();
    let target = target.clone();
    tokio::task::spawn_blocking(move || {
        let size = std::fs::metadata(&file).map(|m| m.len()).ok();
        progress.stage("restoring", size);
        let result = match target.kind {
            DatabaseKind::Sqlite => sqlite(&file, &target, progress.as_ref()),
            DatabaseKind::Postgres => {
                let args = vec![
                    "--no-owner".to_string(),
                    "--no-privileges".to_string(),
                    "--exit-on-error".to_string(),
                    "--single-transaction".to_string(),
                    format!("--dbname={}", target.url_without_password()),
                ];
                through_tool(&file, Tool::PgRestore, &args, &target, progress.as_ref())
            }
            DatabaseKind::Mysql => {
                let mut args = target.mysql_args();
                args.push("--default-character-set=utf8mb4".to_string());
                args.push(target.name());
                through_tool(&file, Tool::Mariadb, &args, &target, progress.as_ref())
            }
        };
        progress.finish();
        result
    })
    .await
    .map_err(|e| BackupError::Invalid(format!("the restoring thread stopped: {e}")))?
}

/// Loads a PostgreSQL `file` into `scratch`, an empty database `verify` checks and drops: decompressed
/// to a hidden file in `dir` (`pg_restore` needs a file it can seek in for sections and jobs), the
/// schema restored, every table made `UNLOGGED`, then the rows, indexes and constraints restored by
/// [`SCRATCH_JOBS`] jobs. The same archive items as [`load`]'s single transaction, in the same order
/// of sections; only the scratch database's durability differs.
pub(crate) async fn postgres_scratch(
    file: &Path,
    scratch: &DatabaseTarget,
    dir: &Path,
    progress: Arc<dyn Progress>,
) -> Result<(), BackupError> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let raw = TempPath(dir.join(format!(".{name}.verifying")));
    {
        let (file, raw, progress) = (file.to_path_buf(), raw.0.clone(), progress.clone());
        tokio::task::spawn_blocking(move || decompress_to(&file, &raw, progress.as_ref()))
            .await
            .map_err(|e| {
                BackupError::Invalid(format!("the decompressing thread stopped: {e}"))
            })??;
    }
    progress.stage("restoring", None);
    pg_restore_file(
        &raw.0,
        scratch,
        &["--section=pre-data", "--single-transaction"],
    )
    .await?;
    unlogged(scratch).await?;
    let jobs = format!("--jobs={SCRATCH_JOBS}");
    let result = pg_restore_file(
        &raw.0,
        scratch,
        &["--section=data", "--section=post-data", &jobs],
    )
    .await;
    progress.finish();
    result
}

/// Decompresses `file` into `raw` (a truncated or corrupted file fails here, as in [`load`]).
fn decompress_to(file: &Path, raw: &Path, progress: &dyn Progress) -> Result<(), BackupError> {
    let size = std::fs::metadata(file).map(|m| m.len()).ok();
    progress.stage("decompressing", size);
    let mut input = Counting {
        inner: codec::decompress(file).map_err(|e| BackupError::io("cannot read", file, e))?,
        progress,
    };
    let mut out = std::io::BufWriter::with_capacity(
        256 * 1024,
        std::fs::File::create(raw).map_err(|e| BackupError::io("cannot create", raw, e))?,
    );
    std::io::copy(&mut input, &mut out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::StorageFull {
            BackupError::io("cannot write", raw, e)
        } else {
            damaged(file, e)
        }
    })?;
    out.flush()
        .map_err(|e| BackupError::io("cannot write", raw, e))?;
    progress.finish();
    Ok(())
}

/// `pg_restore` of the archive `raw` into `target` with `extra` arguments, in the scratch sessions'
/// settings.
async fn pg_restore_file(
    raw: &Path,
    target: &DatabaseTarget,
    extra: &[&str],
) -> Result<(), BackupError> {
    let mut args: Vec<String> = ["--no-owner", "--no-privileges", "--exit-on-error"]
        .iter()
        .chain(extra)
        .map(|a| a.to_string())
        .collect();
    args.push(format!("--dbname={}", target.url_without_password()));
    args.push(raw.display().to_string());
    let mut env = target.tool_env();
    env.push(("PGOPTIONS", SCRATCH_PGOPTIONS.to_string()));
    tokio::task::spawn_blocking(move || {
        tools::spawn(Tool::PgRestore, &args, &env, Pipe::Stdin)?
            .wait()
            .map(|_| ())
    })
    .await
    .map_err(|e| BackupError::Invalid(format!("the restoring thread stopped: {e}")))?
}

/// Makes every table of the scratch database `UNLOGGED`, before it has rows or foreign keys.
async fn unlogged(target: &DatabaseTarget) -> Result<(), BackupError> {
    let store = Store::connect(target.url()).await?;
    let result = async {
        for table in super::database::tables(store.db()).await? {
            store
                .db()
                .execute_unprepared(&format!(
                    "ALTER TABLE \"{}\" SET UNLOGGED",
                    table.replace('"', "\"\"")
                ))
                .await
                .map_err(credinet_store::StoreError::from)?;
        }
        Ok::<(), BackupError>(())
    }
    .await;
    let _ = store.close().await;
    result
}

fn damaged(file: &Path, e: std::io::Error) -> BackupError {
    BackupError::Damaged {
        file: file.display().to_string(),
        reason: format!("it cannot be decompressed ({e})"),
    }
}

/// Counts compressed bytes read, for the progress bar.
struct Counting<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

/// Decompresses into a hidden file beside the database and renames it over the database, after
/// removing the old database's log (whose pages belong to the file being replaced).
fn sqlite(
    file: &Path,
    target: &DatabaseTarget,
    progress: &dyn Progress,
) -> Result<(), BackupError> {
    let db = target.sqlite_path();
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| BackupError::io("cannot create", dir, e))?;
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut out = AtomicFile::create(dir, &format!("{name}.restoring"))?;
    let mut input = Counting {
        inner: codec::decompress(file).map_err(|e| BackupError::io("cannot read", file, e))?,
        progress,
    };
    std::io::copy(&mut input, &mut out).map_err(|e| {
        if e.kind() == std::io::ErrorKind::StorageFull {
            BackupError::io("cannot write", &db, e)
        } else {
            damaged(file, e)
        }
    })?;
    out.flush()
        .map_err(|e| BackupError::io("cannot write", &db, e))?;
    let staged = out.commit()?;
    for suffix in ["-wal", "-shm"] {
        let side = dir.join(format!("{name}{suffix}"));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| BackupError::io("cannot remove", &side, e))?;
        }
    }
    std::fs::rename(&staged, &db)
        .map_err(|e| BackupError::io("cannot rename into place", &db, e))?;
    sync_dir(dir)
}

/// Streams the decompressed file into a tool's standard input.
fn through_tool(
    file: &Path,
    tool: Tool,
    args: &[String],
    target: &DatabaseTarget,
    progress: &dyn Progress,
) -> Result<(), BackupError> {
    let mut input = Counting {
        inner: codec::decompress(file).map_err(|e| BackupError::io("cannot read", file, e))?,
        progress,
    };
    let mut running = tools::spawn(tool, args, &target.tool_env(), Pipe::Stdin)?;
    let mut stdin = running.child.stdin.take().expect("stdin is piped");
    let mut buf = vec![0u8; 256 * 1024];
    let copied: Result<(), BackupError> = loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => break Err(damaged(file, e)),
        };
        // A tool that stopped reading has failed; its own message (from `wait`) says why.
        if stdin.write_all(&buf[..n]).is_err() {
            break Ok(());
        }
    };
    drop(stdin);
    if copied.is_err() {
        running.kill();
    }
    let status = running.wait();
    copied?;
    status.map(|_| ())
}
