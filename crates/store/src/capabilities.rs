//! What the backend behind a [`Store`] can do, so that services ask the store instead of matching on the
//! backend themselves (every backend branch stays inside `store`).

use crate::Store;
use sea_orm::DbBackend;

/// What the connected backend can do, for the code above the store that chooses between two paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// Payments can be written together in one transaction
    /// ([`repo::payment_batch`](crate::repo::payment_batch)): their ids are reserved before inserting.
    /// Not on MySQL/MariaDB, which has no way to reserve ids; there payments go one by one.
    pub batched_payments: bool,
    /// How many payment batches are written at once. SQLite has one writer, so one. On PostgreSQL two
    /// overlap their round trips (batches lock their loans in id order, so they never deadlock); more
    /// writers split the same load into smaller batches, which cost more CPU per payment (measured: 4
    /// writers were slower than 2 on two cores, `docs/benchmarks.md`).
    pub payment_writers: usize,
    /// A change can be announced to other processes (PostgreSQL's `LISTEN`/`NOTIFY`), so they may keep
    /// copies (live API keys) and drop them when told.
    pub change_notifications: bool,
}

impl Capabilities {
    pub(crate) fn of(backend: DbBackend) -> Capabilities {
        match backend {
            DbBackend::Postgres => Capabilities {
                batched_payments: true,
                payment_writers: 2,
                change_notifications: true,
            },
            DbBackend::Sqlite => Capabilities {
                batched_payments: true,
                payment_writers: 1,
                change_notifications: false,
            },
            _ => Capabilities {
                batched_payments: false,
                payment_writers: 1,
                change_notifications: false,
            },
        }
    }
}

impl Store {
    /// What this store's backend can do.
    pub fn capabilities(&self) -> Capabilities {
        Capabilities::of(self.backend())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_mysql_writes_payments_one_by_one_and_only_postgres_announces_changes() {
        let [sqlite, postgres, mysql] =
            [DbBackend::Sqlite, DbBackend::Postgres, DbBackend::MySql].map(Capabilities::of);
        assert!(sqlite.batched_payments && postgres.batched_payments);
        assert!(!mysql.batched_payments);
        assert_eq!(
            [sqlite, postgres, mysql].map(|c| c.payment_writers),
            [1, 2, 1]
        );
        assert!(postgres.change_notifications);
        assert!(!sqlite.change_notifications && !mysql.change_notifications);
    }
}
