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
    pub(crate) live_keys: Arc<LiveKeys>,
    pub(crate) sealer: Arc<Sealer>,
    clock: Arc<dyn Clock>,
}

/// Tenants are read on every request and change rarely: a short-lived copy per process.
#[derive(Debug, Default)]
struct TenantCache {
    entries: Mutex<HashMap<i64, (Instant, Tenant)>>,
}

/// How long a cached tenant is trusted. A change to a tenant's zone or settings reaches other
/// processes within this time.
const TENANT_TTL: Duration = Duration::from_secs(30);

impl Store {
    /// Connects to `url`. A `sqlite://` file and its directory are created when missing.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
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
            opts.map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
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
                live_keys: Default::default(),
                sealer: Default::default(),
                clock: Arc::new(SystemClock),
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
            live_keys: Default::default(),
            sealer: Default::default(),
            clock: Arc::new(SystemClock),
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
    pub async fn checkpoint_wal(&self) -> Result<u64, StoreError> {
        if self.backend() != DbBackend::Sqlite {
            return Ok(0);
        }
        let row = self
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "PRAGMA wal_checkpoint(PASSIVE)",
            ))
            .await?;
        // (busy, pages in the log, pages copied); -1 when not in WAL mode.
        let (log, copied) = match row {
            Some(row) => (
                row.try_get_by_index::<i64>(1)?,
                row.try_get_by_index::<i64>(2)?,
            ),
            None => (0, 0),
        };
        Ok(u64::try_from(log - copied).unwrap_or(0))
    }

    /// A cheap round trip, for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        Ok(self.db.ping().await?)
    }

    pub async fn close(self) -> Result<(), StoreError> {
        let separate_writer = self.backend() == DbBackend::Sqlite;
        if separate_writer {
            self.writer.close().await?;
        }
        Ok(self.db.close().await?)
    }
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
