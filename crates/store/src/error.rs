use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "cannot connect to the database {url}: {reason} (check DATABASE_URL and that the server is running)"
    )]
    Connect { url: String, reason: String },
    #[error("unsupported database URL '{0}': use sqlite://path, postgres://… or mysql://…")]
    UnsupportedUrl(String),
    #[error("cannot create the data directory {path}: {reason}")]
    DataDir { path: String, reason: String },
    #[error("migration {version} ({name}) failed: {source}")]
    Migration {
        version: i64,
        name: &'static str,
        source: DbErr,
    },
    #[error(
        "the database has {0} pending migration(s) and migrate_on_start is off: run `credinet migrate`"
    )]
    PendingMigrations(usize),
    #[error("the setting {name} {reason}")]
    InvalidSetting {
        name: &'static str,
        reason: &'static str,
    },
    /// The connection listening for changes (PostgreSQL `LISTEN`) was lost: subscribe again.
    #[error("the connection listening for changes was lost")]
    ListenerLost,
    #[error("{0} already exists")]
    Conflict(String),
    #[error("{0} not found")]
    NotFound(String),
    /// Rows handed to a bulk load contradict each other; nothing was written.
    #[error("cannot load: {0}")]
    InvalidLoad(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl StoreError {
    /// True when no database connection could be had in time: the server is overloaded, and the caller
    /// may retry (payments with their idempotency key, so a retry lands once).
    pub fn is_overloaded(&self) -> bool {
        matches!(
            self,
            StoreError::Db(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout))
        )
    }

    /// True when the error is a unique-key violation (a concurrent insert of the same key, a duplicate).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StoreError::Conflict(_) => true,
            StoreError::Db(e) => is_unique_violation(e),
            _ => false,
        }
    }
}

impl StoreError {
    /// True when the database chose this transaction as a deadlock's victim (MySQL/MariaDB 1213,
    /// PostgreSQL 40P01): it was rolled back whole and may simply run again.
    pub fn is_deadlock(&self) -> bool {
        let StoreError::Db(
            DbErr::Exec(sea_orm::RuntimeErr::SqlxError(e))
            | DbErr::Query(sea_orm::RuntimeErr::SqlxError(e)),
        ) = self
        else {
            return false;
        };
        let Some(db) = e.as_database_error() else {
            return false;
        };
        matches!(db.code().as_deref(), Some("40P01")) || db.message().starts_with("Deadlock found")
    }
}

pub(crate) fn is_unique_violation(e: &DbErr) -> bool {
    matches!(
        e.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
