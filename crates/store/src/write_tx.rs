//! A write transaction that knows which audit logs it appended to, so its commit can have them sealed
//! (see [`crate::sealing`]).

use crate::{Store, StoreError};
use credinet_core::ids::TenantId;
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};
use std::ops::Deref;
use std::sync::Mutex;

/// Begun by [`Store::write`]. Use it wherever a connection is taken (it is a [`ConnectionTrait`], and
/// derefs to the [`DatabaseTransaction`]); end it with [`WriteTx::commit`] — dropping it rolls back.
pub struct WriteTx {
    tx: DatabaseTransaction,
    store: Store,
    audited: Mutex<Vec<TenantId>>,
}

impl WriteTx {
    pub(crate) fn new(tx: DatabaseTransaction, store: Store) -> WriteTx {
        WriteTx {
            tx,
            store,
            audited: Mutex::new(Vec::new()),
        }
    }

    /// Remembers that this transaction queued entries of `tenant`'s audit log for sealing.
    pub(crate) fn audited(&self, tenant: TenantId) {
        let mut audited = self.audited.lock().unwrap_or_else(|p| p.into_inner());
        if !audited.contains(&tenant) {
            audited.push(tenant);
        }
    }

    /// Commits, then has the audit entries it wrote sealed. A sealing failure is logged, not returned:
    /// the change is committed and its entries wait in the queue for the next seal.
    pub async fn commit(self) -> Result<(), StoreError> {
        let WriteTx { tx, store, audited } = self;
        tx.commit().await?;
        let audited = audited.into_inner().unwrap_or_else(|p| p.into_inner());
        if !audited.is_empty() {
            // Boxed: sealing commits write transactions of its own (which append no entries).
            Box::pin(store.sealer.committed(&store, audited)).await;
        }
        Ok(())
    }

    /// Commits and leaves this transaction's audit entries in the queue, as a crash right after the
    /// commit would: for tests of the sealer and of what `audit verify` reports.
    #[cfg(feature = "testing")]
    pub async fn commit_unsealed(self) -> Result<(), StoreError> {
        Ok(self.tx.commit().await?)
    }

    pub async fn rollback(self) -> Result<(), StoreError> {
        Ok(self.tx.rollback().await?)
    }
}

impl Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

impl std::fmt::Debug for WriteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteTx").finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTx {
    fn get_database_backend(&self) -> DbBackend {
        self.tx.get_database_backend()
    }
    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.tx.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.tx.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.tx.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.tx.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.tx.support_returning()
    }
}
