//! Opening the database chosen by `DATABASE_URL`, with each backend's settings for correctness.

use crate::StoreError;
use crate::clock::{Clock, SystemClock};
use crate::live_keys::LiveKeys;
use crate::repo::tenants::{self, Tenant};
use crate::sealing::Sealer;
use crate::write_tx::WriteTx;
use credinet_core::ids::TenantId;
use sea_orm::sqlx::mysql::MySqlConnectOptions;
use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    DbBackend, IsolationLevel, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Connection pools plus what the code needs to know about its backend.
#[derive(Clone, Debug)]
pub struct Store {
    /// Reads, and writes on PostgreSQL/MySQL.
    db: DatabaseConnection,
    /// Where write transactions run. On SQLite a pool of one connection: SQLite has one writer anyway,
    /// and queueing writers in the pool is fair and immediate, where several connections contending
    /// for the lock sleep in SQLite's busy handler (seconds-long tails under load). Elsewhere the same
    /// pool as `db`.
    writer: DatabaseConnection,
    tenants: Arc<TenantCache>,
    pub(crate) copies: Arc<crate::copies::Copies>,
    pub(crate) live_keys: Arc<LiveKeys>,
    pub(crate) sealer: Arc<Sealer>,
    clock: Arc<dyn Clock>,
    /// SQLite: the size in bytes past which [`Store::checkpoint_wal`] restarts and truncates the log.
    wal_limit_bytes: u64,
}

/// What SQLite's write-ahead log may grow to by default (`sqlite_wal_limit_mib`).
pub const DEFAULT_WAL_LIMIT_MIB: u64 = 64;

/// SQLite's WAL file: a 32-byte header, then one frame per page written, each with a 24-byte header.
const WAL_HEADER_BYTES: u64 = 32;
const WAL_FRAME_HEADER_BYTES: u64 = 24;

/// Tenants are read on every request and change rarely: a short-lived copy per process.
#[derive(Debug, Default)]
struct TenantCache {
    entries: Mutex<HashMap<i64, (Instant, Tenant)>>,
}

/// How long a cached tenant is trusted. A change to a tenant's zone or settings reaches other
/// processes within this time.
const TENANT_TTL: Duration = Duration::from_secs(30);

impl Store {
    /// Connects to `url`. A `sqlite://` file and its directory are created when missing; its
    /// write-ahead log is kept under [`DEFAULT_WAL_LIMIT_MIB`].
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with_wal_limit(url, DEFAULT_WAL_LIMIT_MIB).await
    }

    /// [`Store::connect`], keeping a SQLite write-ahead log under `wal_limit_mib` MiB (ignored by the
    /// other backends).
    pub async fn connect_with_wal_limit(
        url: &str,
        wal_limit_mib: u64,
    ) -> Result<Store, StoreError> {
        let wal_limit_bytes = wal_limit_mib.saturating_mul(1024 * 1024);
        let connect = |opts: ConnectOptions| async move {
            Database::connect(opts)
                .await
                .map_err(|e| StoreError::Connect {
                    url: redact_url(url),
                    reason: first_line(&e.to_string()),
                })
        };
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10));
        if url.starts_with("sqlite:") {
            ensure_sqlite_dir(url)?;
            opts.map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    // When a checkpoint lets the log start over, the file is cut back to the limit
                    // instead of staying at the largest size it ever reached.
                    .pragma("journal_size_limit", wal_limit_bytes.to_string())
            });
            let mut writer_opts = opts.clone();
            // The writer connection lives as long as the process: a per-connection setting such as
            // `wal_autocheckpoint` (see `checkpoint_wal_elsewhere`) must not be lost to recycling.
            writer_opts
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .acquire_timeout(Duration::from_secs(30));
            // SQLite is in this process: a ping before each use proves nothing and costs the single
            // writer a round trip to its worker thread per transaction.
            opts.test_before_acquire(false);
            writer_opts.test_before_acquire(false);
            opts.max_connections(8).min_connections(1);
            let db = connect(opts).await?;
            let writer = connect(writer_opts).await?;
            return Ok(Store {
                db,
                writer,
                tenants: Default::default(),
                copies: Default::default(),
                live_keys: Default::default(),
                sealer: Default::default(),
                clock: Arc::new(SystemClock),
                wal_limit_bytes,
            });
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Batched writes have one statement text per batch size; keep them all prepared so the
            // server parses and plans each once per connection, not on every batch.
            opts.max_connections(16)
                .min_connections(1)
                .map_sqlx_postgres_opts(|o: PgConnectOptions| o.statement_cache_capacity(2048));
        } else if url.starts_with("mysql:") || url.starts_with("mariadb:") {
            // Instants are stored as DATETIME(6) in UTC; the session zone must be UTC on every connection.
            opts.max_connections(16)
                .min_connections(1)
                .map_sqlx_mysql_opts(|o: MySqlConnectOptions| {
                    o.timezone(Some("+00:00".to_string()))
                });
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        }
        // A server connection is pinged before use only after a second idle. By default sqlx pings on
        // every checkout: one more round trip before each request's first query and each transaction's
        // BEGIN (docs/benchmarks.md, "Connection ping"). A connection in steady use has just proved itself; one
        // that broke since (the server restarted) fails its statement, and the pool replaces it.
        opts.test_before_acquire_if_idle_for(Duration::from_secs(1));
        let db = connect(opts).await?;
        Ok(Store {
            writer: db.clone(),
            db,
            tenants: Default::default(),
            copies: Default::default(),
            live_keys: Default::default(),
            sealer: Default::default(),
            clock: Arc::new(SystemClock),
            wal_limit_bytes,
        })
    }

    /// The same store reading time from `clock` (tests, the scheduler's replays). Clones made from the
    /// result share it; the original keeps its own.
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Store {
        self.clock = Arc::new(clock);
        self
    }

    /// Now, by this store's clock, to the microsecond (what every backend stores).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        crate::repo::micros(self.clock.now())
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Where a single statement that writes runs on its own (autocommit): SQLite's one writer
    /// connection, the shared pool elsewhere.
    pub(crate) fn writer(&self) -> &DatabaseConnection {
        &self.writer
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Begins a transaction that will write. On SQLite it is `BEGIN IMMEDIATE` on the writer
    /// connection, so writers queue for it instead of failing with "database is locked" when a read
    /// lock is upgraded. Never call it while holding another write transaction. Audit entries appended
    /// in it are sealed when it commits.
    pub async fn write(&self) -> Result<WriteTx, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let tx = self.writer.begin_with_options(options).await?;
        Ok(WriteTx::new(tx, self.clone()))
    }

    /// A write transaction that takes rows off a queue (`FOR UPDATE SKIP LOCKED`): the notifier's
    /// routing, flushing and claiming. On MariaDB it runs at READ COMMITTED, where a locking read locks
    /// the rows it returns and not the gaps between them: at REPEATABLE READ its gap locks on
    /// `domain_event` made a business transaction appending an event deadlock and fail (found by the
    /// notifier's crash test). PostgreSQL's default is already READ COMMITTED; SQLite has one writer.
    pub async fn write_queue(&self) -> Result<WriteTx, StoreError> {
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            isolation_level: (self.backend() == DbBackend::MySql)
                .then_some(IsolationLevel::ReadCommitted),
            ..Default::default()
        };
        let tx = self.writer.begin_with_options(options).await?;
        Ok(WriteTx::new(tx, self.clone()))
    }

    /// A read-only transaction in which every statement sees the same committed state: a report that
    /// counts several tables (`audit verify`) must not see a commit land between two of its reads.
    /// REPEATABLE READ on PostgreSQL and MariaDB; on SQLite a read transaction already reads one WAL
    /// snapshot from its first statement to its end.
    pub async fn snapshot(&self) -> Result<DatabaseTransaction, StoreError> {
        let (isolation, access) = match self.backend() {
            DbBackend::Sqlite => (None, None),
            _ => (
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            ),
        };
        Ok(self.db.begin_with_config(isolation, access).await?)
    }

    /// A tenant, from a copy at most [`TENANT_TTL`] old.
    pub async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        if let Some((at, tenant)) = self
            .tenants
            .entries
            .lock()
            .ok()
            .and_then(|m| m.get(&id.get()).cloned())
            && at.elapsed() < TENANT_TTL
        {
            return Ok(Some(tenant));
        }
        let fresh = tenants::by_id(&self.db, id).await?;
        if let (Some(tenant), Ok(mut entries)) = (&fresh, self.tenants.entries.lock()) {
            entries.insert(id.get(), (Instant::now(), tenant.clone()));
        }
        Ok(fresh)
    }

    /// SQLite only: stops the writer from checkpointing the WAL when it commits, so a commit never
    /// pays for copying the log into the database file (a 10 ms stall every thousand pages under
    /// load). Whoever calls this must then call [`Store::checkpoint_wal`] regularly, as the server's
    /// background task does; commands that run once keep SQLite's own checkpoints. Returns whether it
    /// applies (false on other backends). If the writer connection is ever replaced, the new one
    /// checkpoints by itself again, which is safe.
    pub async fn checkpoint_wal_elsewhere(&self) -> Result<bool, StoreError> {
        if self.backend() != DbBackend::Sqlite {
            return Ok(false);
        }
        self.writer
            .execute_unprepared("PRAGMA wal_autocheckpoint = 0")
            .await?;
        Ok(true)
    }

    /// SQLite only: copies committed WAL pages into the database file from a reader connection,
    /// without blocking the writer or readers (`PASSIVE`). Returns the pages still in the log.
    ///
    /// A passive checkpoint never lets the log start over while some reader is inside it, and under
    /// steady load one always is: the log grew 69 → 871 MB in two minutes against a 42 MB database
    /// (issue 16). So when the log holds more than the store's limit, a `TRUNCATE` checkpoint follows
    /// on the writer connection: it waits (busy timeout) for the readers already in the log to finish,
    /// copies the rest, and empties the file. Writers queue for the writer meanwhile, as they queue for
    /// each other.
    pub async fn checkpoint_wal(&self) -> Result<u64, StoreError> {
        if self.backend() != DbBackend::Sqlite {
            return Ok(0);
        }
        let passive = checkpoint(&self.db, "PASSIVE").await?;
        let page_size = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA page_size",
            ))
            .await?
            .map(|row| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(4096);
        let log_bytes = WAL_HEADER_BYTES
            + passive.log_frames
                * (u64::try_from(page_size).unwrap_or(4096) + WAL_FRAME_HEADER_BYTES);
        if passive.log_frames == 0 || log_bytes <= self.wal_limit_bytes {
            return Ok(passive.left());
        }
        let truncated = checkpoint(&self.writer, "TRUNCATE").await?;
        if truncated.busy {
            tracing::warn!(
                log_bytes,
                limit_bytes = self.wal_limit_bytes,
                "the WAL passed its limit and a reader kept the truncating checkpoint waiting past the busy timeout; trying again at the next checkpoint"
            );
        }
        Ok(truncated.left())
    }

    /// SQLite only: copies the whole log into the database file and empties it, as a clean shutdown
    /// does, so the next start has no log to read. Readers and the writer must be idle.
    pub async fn truncate_wal(&self) -> Result<(), StoreError> {
        if self.backend() == DbBackend::Sqlite {
            checkpoint(&self.writer, "TRUNCATE").await?;
        }
        Ok(())
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    /// Closes the pools. On SQLite the log is first copied into the database file and emptied:
    /// a server stopped without it left a log of 915 MB that the next start took 2.7 s to read.
    pub async fn close(self) -> Result<(), StoreError> {
        let separate_writer = self.backend() == DbBackend::Sqlite;
        if separate_writer {
            if let Err(e) = self.truncate_wal().await {
                tracing::warn!(error = %e, "could not empty the WAL before closing");
            }
            self.writer.close().await?;
        }
        Ok(self.db.close().await?)
    }
}

/// What `PRAGMA wal_checkpoint(MODE)` reports.
struct Checkpoint {
    /// The checkpoint could not finish: a reader or writer held it off past the busy timeout.
    busy: bool,
    /// Frames in the log, and how many of them are now in the database file.
    log_frames: u64,
    copied_frames: u64,
}

impl Checkpoint {
    fn left(&self) -> u64 {
        self.log_frames.saturating_sub(self.copied_frames)
    }
}

async fn checkpoint(db: &DatabaseConnection, mode: &str) -> Result<Checkpoint, StoreError> {
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA wal_checkpoint({mode})"),
        ))
        .await?;
    // (busy, frames in the log, frames copied); -1 for both counts when not in WAL mode.
    let Some(row) = row else {
        return Ok(Checkpoint {
            busy: false,
            log_frames: 0,
            copied_frames: 0,
        });
    };
    let count = |i: usize| -> Result<u64, StoreError> {
        Ok(u64::try_from(row.try_get_by_index::<i64>(i)?).unwrap_or(0))
    };
    Ok(Checkpoint {
        busy: row.try_get_by_index::<i64>(0)? != 0,
        log_frames: count(1)?,
        copied_frames: count(2)?,
    })
}

fn ensure_sqlite_dir(url: &str) -> Result<(), StoreError> {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(dir) = std::path::Path::new(path)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::DataDir {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    Ok(())
}

/// A database URL with its password replaced, fit for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_the_url_never_reaches_an_error_message() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/credinet"),
            "postgres://app:***@db:5432/credinet"
        );
        assert_eq!(
            redact_url("sqlite://data/credinet.db"),
            "sqlite://data/credinet.db"
        );
    }
}
