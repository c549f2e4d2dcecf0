//! PostgreSQL: a server keeps copies of live API keys only while it hears of every change (ADR 3).

use super::{migrated, tenant};
use credinet_core::role::Role;
use credinet_store::repo::api_keys::{self, NewApiKey};
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Store, StoreError};

/// Revokes the key from another process's store, as `credinet apikey revoke` would: its notice goes
/// to whoever is listening when the revocation commits.
async fn revoke_elsewhere(url: &str, key: &api_keys::ApiKey) {
    let other = Store::connect(url).await.unwrap();
    let tx = other.write().await.unwrap();
    api_keys::revoke(&tx, key.tenant_id, key.id, other.now())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
}

/// Kills the connections listening for key changes; returns how many there were.
async fn kill_listeners(admin: &Store) -> u64 {
    admin
        .db()
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN \"credinet_api_keys\"%'",
        )
        .await
        .unwrap()
        .rows_affected()
}

async fn new_key(
    store: &Store,
    tenant: &credinet_store::repo::tenants::Tenant,
    hash: &str,
) -> api_keys::ApiKey {
    api_keys::create(
        store.db(),
        tenant.id,
        NewApiKey {
            name: "integración",
            prefix: &hash[..6],
            key_hash: hash,
            role: Role::Viewer,
            created_by: None,
        },
        store.now(),
    )
    .await
    .unwrap()
}

/// The listener's connection is lost (a database restart, a proxy cutting idle connections), and a
/// key is revoked before a new listener is up: that notice is never heard, so nothing read from the
/// moment of the loss may be kept. sqlx reconnects by itself and answered the loss as one more
/// notice, which left the copies trusted: a key read after the loss outlived its revocation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_read_after_the_listener_was_lost_is_not_trusted_after_its_revocation() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let server = migrated(&db).await;
    let admin = Store::connect(&db.url).await.unwrap();
    let t = tenant(&server, "caja-escucha").await;
    let first_hash = "a".repeat(64);
    let first = new_key(&server, &t, &first_hash).await;

    let mut changes = server
        .key_changes()
        .await
        .unwrap()
        .expect("PostgreSQL notifies");
    assert!(server.live_api_key(&first_hash).await.unwrap().is_some());
    assert_eq!(kill_listeners(&admin).await, 1, "one listener, now killed");
    assert!(
        matches!(changes.next().await, Err(StoreError::ListenerLost)),
        "the loss of the listener's connection is reported as such"
    );
    // Read while nobody listens, then revoked elsewhere: the notice goes nowhere.
    assert!(server.live_api_key(&first_hash).await.unwrap().is_some());
    revoke_elsewhere(&db.url, &first).await;
    assert!(
        server.live_api_key(&first_hash).await.unwrap().is_none(),
        "a key revoked while the listener was down was honoured"
    );
    drop(changes);

    // Listening again, copies are kept and a revocation is heard.
    let mut changes = server.key_changes().await.unwrap().unwrap();
    let second_hash = "b".repeat(64);
    let second = new_key(&server, &t, &second_hash).await;
    assert!(server.live_api_key(&second_hash).await.unwrap().is_some());
    revoke_elsewhere(&db.url, &second).await;
    changes.next().await.unwrap();
    assert!(server.live_api_key(&second_hash).await.unwrap().is_none());
}
