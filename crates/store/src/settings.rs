//! The store's part of the configuration (assembled with the others in the binary; ADR 4).

use crate::{Store, StoreError, migrations};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
pub struct StoreSettings {
    /// `sqlite://data/credinet.db` (default), `postgres://…` or `mysql://…`. May hold a password: it is
    /// redacted wherever the settings are printed.
    pub database_url: String,
    /// Apply pending migrations when the store is opened.
    pub migrate_on_start: bool,
    /// SQLite: the size (MiB) past which the write-ahead log is copied into the database file and
    /// emptied. Without a bound it grew without end under steady load (issue 16).
    pub sqlite_wal_limit_mib: u64,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            database_url: "sqlite://data/credinet.db".into(),
            migrate_on_start: true,
            sqlite_wal_limit_mib: crate::connect::DEFAULT_WAL_LIMIT_MIB,
        }
    }
}

impl std::fmt::Debug for StoreSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreSettings")
            .field("database_url", &crate::redact_url(&self.database_url))
            .field("migrate_on_start", &self.migrate_on_start)
            .field("sqlite_wal_limit_mib", &self.sqlite_wal_limit_mib)
            .finish()
    }
}

impl StoreSettings {
    /// Checks what the types cannot.
    pub fn validate(&self) -> Result<(), StoreError> {
        if self.sqlite_wal_limit_mib == 0 {
            return Err(StoreError::InvalidSetting {
                name: "sqlite_wal_limit_mib",
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

impl Store {
    /// Connects and brings the schema up to date, or, with `migrate_on_start` off, refuses a database
    /// that has pending migrations.
    pub async fn open(settings: &StoreSettings) -> Result<Store, StoreError> {
        settings.validate()?;
        let store =
            Store::connect_with_wal_limit(&settings.database_url, settings.sqlite_wal_limit_mib)
                .await?;
        if settings.migrate_on_start {
            migrations::run(&store).await?;
        } else {
            let pending = migrations::pending(&store).await?;
            if !pending.is_empty() {
                return Err(StoreError::PendingMigrations(pending.len()));
            }
        }
        Ok(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_password_never_appears_in_debug_output() {
        let settings = StoreSettings {
            database_url: "postgres://app:s3cret@db/credinet".into(),
            ..StoreSettings::default()
        };
        assert!(!format!("{settings:?}").contains("s3cret"));
    }
}
