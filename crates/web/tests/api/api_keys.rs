//! A server may keep API keys in memory (PostgreSQL); a key revoked anywhere else must still stop.

use crate::helpers::TestApp;
use credinet_accounts::Accounts;
use credinet_core::role::Role;
use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::repo::api_keys;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use credinet_store::sea_orm::{ConnectionTrait, DbBackend, Statement};
use credinet_store::testing::{Backend, TestDb};
use std::time::{Duration, Instant};

each_backend!(a_key_revoked_by_another_process_is_refused);

/// How long a PostgreSQL notice may take to reach the server before the test calls it lost. It
/// arrives in milliseconds; the margin is for a loaded CI machine.
const NOTICE_DEADLINE: Duration = Duration::from_secs(5);

/// The status the app answers `secret` with on an authenticated endpoint.
async fn status(app: &TestApp, secret: &str) -> u16 {
    app.api()
        .get(app.url("/v1/tenant"))
        .bearer_auth(secret)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Revokes the tenant's key named "pruebas" the way `credinet apikey revoke` does: from another
/// process, with its own connection to the database.
async fn revoke_from_the_cli(app: &TestApp, tenant: &Tenant) {
    let cli = Store::connect(&app.database_url).await.unwrap();
    let keys = api_keys::list(cli.db(), tenant.id).await.unwrap();
    let key = keys.iter().find(|k| k.revoked_at.is_none()).unwrap();
    Accounts::new(&cli)
        .revoke_api_key(tenant.id, key.id, &Requester::cli())
        .await
        .unwrap()
        .unwrap();
}

/// Asks until the key is refused; returns how long that took, or fails after [`NOTICE_DEADLINE`].
async fn refused_after(app: &TestApp, secret: &str) -> Duration {
    let start = Instant::now();
    loop {
        match status(app, secret).await {
            401 => return start.elapsed(),
            200 if start.elapsed() < NOTICE_DEADLINE => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            other => panic!("the revoked key still answered {other} after {NOTICE_DEADLINE:?}"),
        }
    }
}

async fn a_key_revoked_by_another_process_is_refused(db: TestDb) {
    let backend = db.backend;
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let secret = app.api_key(&t, Role::Viewer).await;
    // Twice: on PostgreSQL the second answer comes from the server's copy of the key.
    assert_eq!(status(&app, &secret).await, 200);
    assert_eq!(status(&app, &secret).await, 200);

    revoke_from_the_cli(&app, &t).await;
    match backend {
        // The server keeps copies and is told of the change: refused as soon as the notice arrives.
        Backend::Postgres => {
            refused_after(&app, &secret).await;
        }
        // No copies: the very next request reads the revocation.
        Backend::Sqlite | Backend::MySql => assert_eq!(status(&app, &secret).await, 401),
    }
}

/// The listener's connection dies (a database restart, a network cut) and a key is revoked before it
/// is back: the notice is lost, so the server must have dropped its copies, and it must listen again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_lost_its_listener_keeps_no_stale_key() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let secret = app.api_key(&t, Role::Viewer).await;
    assert_eq!(status(&app, &secret).await, 200);
    assert_eq!(status(&app, &secret).await, 200);

    let admin = Store::connect(&app.database_url).await.unwrap();
    let listeners = |sql: &str| {
        Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT {sql} FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'LISTEN \"credinet_api_keys\"%'"
            ),
        )
    };
    let killed = admin
        .db()
        .query_all_raw(listeners("pg_terminate_backend(pid)"))
        .await
        .unwrap();
    assert_eq!(killed.len(), 1, "the server has one listener, now killed");
    revoke_from_the_cli(&app, &t).await;
    refused_after(&app, &secret).await;

    // It listens again, and the next revocation is heard.
    let start = Instant::now();
    while admin
        .db()
        .query_all_raw(listeners("pid"))
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            start.elapsed() < NOTICE_DEADLINE,
            "the listener never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = app.api_key(&t, Role::Viewer).await;
    assert_eq!(status(&app, &second).await, 200);
    assert_eq!(status(&app, &second).await, 200);
    revoke_from_the_cli(&app, &t).await;
    refused_after(&app, &second).await;
}
