//! API keys kept in memory by a running server, without letting a revoked key through.
//!
//! Every `/v1` request names its key. Reading the key from the database each time was measured to cost
//! a fifth of a PostgreSQL server's throughput (docs/benchmarks.md), so a server keeps the live keys it
//! has seen. A key must still stop as soon as it is revoked, wherever that happens (this server,
//! another one, the CLI), so a copy is trusted only while the server is told of every change:
//!
//! - The transaction that revokes a key announces it with PostgreSQL's `NOTIFY`, delivered to every
//!   listening connection when (and only if) it commits. The server's listener ([`KeyChanges`])
//!   empties the copies on each notice.
//! - Copies are kept only while the listener is connected. When its connection is lost, the copies
//!   are dropped, and none are kept until it listens again. sqlx's listener would reconnect by
//!   itself before telling us of the loss, trusting copies all the while; ours reports the loss at
//!   once and a new subscription is made explicitly, which starts trusting copies only once its
//!   `LISTEN` has been answered.
//! - A copy read from the database just before a change is not kept if the change was heard while it
//!   was being read (the generation check below).
//! - A copy older than [`KEY_TTL`] is read again: a bound should a notice never arrive.
//!
//! SQLite and MySQL/MariaDB have no such channel: there, every request reads its key.

use crate::repo::api_keys::{self, ApiKey};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DbBackend, DbErr, RuntimeErr};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The PostgreSQL notification channel for API key changes.
const CHANNEL: &str = "credinet_api_keys";

/// The longest a copy of a key is used without reading it again.
const KEY_TTL: Duration = Duration::from_secs(30);

/// A key's last use is written at most this often: a write per request would cap the API at the
/// database's write rate.
const MARK_USED_EVERY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// The copies of one process.
#[derive(Debug, Default)]
pub(crate) struct LiveKeys {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Whether a listener is connected: copies are kept only then.
    listening: bool,
    /// Moves on every change heard and every connect/disconnect of the listener.
    generation: u64,
    /// Live keys by the digest of their secret, with when they were read.
    keys: HashMap<String, (Instant, ApiKey)>,
}

impl LiveKeys {
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock leaves only a map of copies behind; keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn forget_all(&self) {
        self.state().forget_all();
    }

    /// Starting or stopping to listen also drops every copy: whatever was read before a listener
    /// started, or while none was connected, may have missed a change.
    fn set_listening(&self, listening: bool) {
        let mut state = self.state();
        state.listening = listening;
        state.forget_all();
    }
}

impl State {
    fn forget_all(&mut self) {
        self.generation += 1;
        self.keys.clear();
    }
}

/// Announces, inside the transaction `db`, that API keys changed (a no-op where nobody can listen).
pub(crate) async fn announce<C: ConnectionTrait>(db: &C) -> Result<(), StoreError> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared(&format!("NOTIFY {CHANNEL}")).await?;
    }
    Ok(())
}

impl Store {
    /// The live key whose secret has the SHA-256 `key_hash`: a copy when one can be trusted, else read.
    pub async fn live_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let generation = {
            let state = self.live_keys.state();
            if state.listening
                && let Some((read_at, key)) = state.keys.get(key_hash)
                && read_at.elapsed() < KEY_TTL
            {
                return Ok(Some(key.clone()));
            }
            state.generation
        };
        let read_at = Instant::now();
        let key = api_keys::find_live_by_hash(self.db(), key_hash).await?;
        if let Some(key) = &key {
            let mut state = self.live_keys.state();
            if state.listening && state.generation == generation {
                state
                    .keys
                    .insert(key_hash.to_string(), (read_at, key.clone()));
            }
        }
        Ok(key)
    }

    /// Records that `key` was used at `now`, at most once a minute per key.
    pub async fn api_key_used(&self, key: &ApiKey, now: DateTime<Utc>) -> Result<(), StoreError> {
        let recent = |t: Option<DateTime<Utc>>| t.is_some_and(|t| now - t <= MARK_USED_EVERY);
        if recent(key.last_used_at) {
            return Ok(());
        }
        {
            // Claim the write in the copy first, so the requests arriving together write it once.
            let mut state = self.live_keys.state();
            for (_, copy) in state.keys.values_mut().filter(|(_, k)| k.id == key.id) {
                if recent(copy.last_used_at) {
                    return Ok(());
                }
                copy.last_used_at = Some(now);
            }
        }
        api_keys::mark_used(self.db(), key.id, now).await
    }

    /// Drops every copy of a key at once: call after committing a change to keys, so this process
    /// does not wait for its own notice.
    pub fn api_keys_changed(&self) {
        self.live_keys.forget_all();
    }

    /// Subscribes to API key changes and, while subscribed, lets this process keep copies of keys:
    /// `None` on backends that cannot announce changes. Keep calling [`KeyChanges::next`]; dropping the
    /// subscription stops the copies.
    pub async fn key_changes(&self) -> Result<Option<KeyChanges>, StoreError> {
        if !self.capabilities().change_notifications {
            return Ok(None);
        }
        let pool = self.db().get_postgres_connection_pool();
        let mut listener = PgListener::connect_with(pool).await.map_err(sqlx_error)?;
        // A lost connection must be reported before anything else happens (see `KeyChanges::next`),
        // not after sqlx has quietly connected again.
        listener.eager_reconnect(false);
        listener.listen(CHANNEL).await.map_err(sqlx_error)?;
        self.live_keys.set_listening(true);
        Ok(Some(KeyChanges {
            listener,
            keys: self.live_keys.clone(),
        }))
    }
}

/// A subscription to API key changes, on a connection of its own.
pub struct KeyChanges {
    listener: PgListener,
    keys: Arc<LiveKeys>,
}

impl KeyChanges {
    /// Waits for the next notice and drops the copies it makes stale. An error means the subscription
    /// is over (its connection was lost, or failed): from then on no copy is kept, until a new
    /// subscription ([`Store::key_changes`]) listens again. A change made meanwhile was not heard,
    /// which is why nothing read in between may be kept.
    pub async fn next(&mut self) -> Result<(), StoreError> {
        match self.listener.try_recv().await {
            Ok(Some(_)) => {
                self.keys.forget_all();
                Ok(())
            }
            // sqlx's word for "the connection was lost" (ADR 3: a revoked key is never honoured).
            Ok(None) => {
                self.keys.set_listening(false);
                Err(StoreError::ListenerLost)
            }
            Err(e) => {
                self.keys.set_listening(false);
                Err(sqlx_error(e))
            }
        }
    }
}

impl Drop for KeyChanges {
    fn drop(&mut self) {
        self.keys.set_listening(false);
    }
}

fn sqlx_error(e: sea_orm::sqlx::Error) -> StoreError {
    StoreError::Db(DbErr::Conn(RuntimeErr::SqlxError(Arc::new(e))))
}
