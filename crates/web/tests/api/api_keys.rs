//! A server may keep API keys in memory (PostgreSQL); a key revoked anywhere else must still stop.

use crate::helpers::TestApp;
use credinet_accounts::Accounts;
use credinet_core::role::Role;
use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::repo::api_keys;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::testing::{Backend, TestDb};
use std::time::{Duration, Instant};

each_backend!(
    a_key_revoked_by_another_process_is_refused,
    a_key_made_with_a_key_belongs_to_the_person_behind_the_first,
);

async fn a_key_made_with_a_key_belongs_to_the_person_behind_the_first(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    let ana = app.user(&tenant, "ana@caja.mx", Role::Admin).await;
    let (_, anas_key) = Accounts::new(&app.app_store)
        .create_api_key(
            tenant.id,
            "de Ana",
            Role::Admin,
            Some(ana.id),
            &Requester::cli(),
        )
        .await
        .unwrap();
    let second = app
        .post(
            "/v1/api-keys",
            &anas_key,
            serde_json::json!({ "name": "segunda de Ana", "role": "manager" }),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(
        second["created_by"],
        ana.id.get(),
        "maker–checker must see Ana behind her second key"
    );
}

/// How long a PostgreSQL notice may take to reach the server before the test calls it lost. It
/// arrives in milliseconds; the margin is for a loaded CI machine.
const NOTICE_DEADLINE: Duration = Duration::from_secs(5);

/// Fails unless the app takes `secret`, twice: on PostgreSQL the second answer comes from the
/// server's copy of the key.
async fn assert_accepted_twice(app: &TestApp, secret: &str) {
    for _ in 0..2 {
        app.get("/v1/tenant", secret).await.assert_status(200);
    }
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
        let reply = app.get("/v1/tenant", secret).await;
        match reply.status.as_u16() {
            401 => return start.elapsed(),
            200 if start.elapsed() < NOTICE_DEADLINE => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            _ => panic!("the revoked key still answered after {NOTICE_DEADLINE:?}: {reply}"),
        }
    }
}

async fn a_key_revoked_by_another_process_is_refused(db: TestDb) {
    let backend = db.backend;
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let secret = app.api_key(&t, Role::Viewer).await;
    assert_accepted_twice(&app, &secret).await;

    revoke_from_the_cli(&app, &t).await;
    match backend {
        // The server keeps copies and is told of the change: refused as soon as the notice arrives.
        Backend::Postgres => {
            refused_after(&app, &secret).await;
        }
        // No copies: the very next request reads the revocation.
        Backend::Sqlite | Backend::MySql => {
            app.get("/v1/tenant", &secret).await.assert_status(401);
        }
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
    assert_accepted_twice(&app, &secret).await;

    // How many of the server's listening connections `select` (a column, or a call on their pid)
    // went over: PostgreSQL's command tag ("SELECT 1") carries the row count, and a plain statement
    // needs no backend named outside the store.
    let admin = Store::connect(&app.database_url).await.unwrap();
    let listeners = async |select: &str| {
        let sql = format!(
            "SELECT {select} FROM pg_stat_activity \
             WHERE datname = current_database() AND query LIKE 'LISTEN \"credinet_api_keys\"%'"
        );
        admin
            .db()
            .execute_unprepared(&sql)
            .await
            .unwrap()
            .rows_affected()
    };
    let killed = listeners("pg_terminate_backend(pid)").await;
    assert_eq!(killed, 1, "the server has one listener, now killed");
    revoke_from_the_cli(&app, &t).await;
    refused_after(&app, &secret).await;

    // It listens again, and the next revocation is heard.
    let start = Instant::now();
    while listeners("pid").await == 0 {
        assert!(
            start.elapsed() < NOTICE_DEADLINE,
            "the listener never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let second = app.api_key(&t, Role::Viewer).await;
    assert_accepted_twice(&app, &second).await;
    revoke_from_the_cli(&app, &t).await;
    refused_after(&app, &second).await;
}
