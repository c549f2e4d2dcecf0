//! Two real `credinet serve` processes on one database share a queue of 1,000 notification messages
//! to a signed webhook: every message arrives, none twice (issue 18). Each server claims small batches
//! with `FOR UPDATE SKIP LOCKED` (the writer's lock on SQLite), so both take part while the queue
//! drains.

#[allow(dead_code)]
#[path = "../../notify/tests/notify/fakes.rs"]
mod fakes;
#[path = "support/serving.rs"]
mod serving;

use credinet_notify::{ChannelConfig, Owner, admin};
use credinet_store::repo::notify::messages::{self, NewMessage};
use credinet_store::repo::tenants;
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Store, migrations};
use fakes::FakeHook;
use std::collections::BTreeSet;
use std::process::Child;
use std::time::{Duration, Instant};

const MESSAGES: usize = 1_000;

/// A server delivering in small batches and polling often, so the two interleave.
fn serve(db_url: &str) -> Server {
    let mut command = serving::serve_command(db_url);
    command
        .env("CREDINET_SCHEDULER_ENABLED", "false")
        .env("CREDINET_NOTIFY_POLL_INTERVAL_MS", "20")
        .env("CREDINET_NOTIFY_BATCH", "10");
    let (server, _url) = serving::start(command);
    Server(server)
}

/// A running server, killed when the test ends (or fails).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

async fn two_servers_deliver_a_thousand_messages_none_twice(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run(&store).await.unwrap();
    let tenant = tenants::create(
        store.db(),
        tenants::NewTenant {
            slug: credinet_core::slug::TenantSlug::parse("caja-dos").unwrap(),
            legal_name: "Caja Dos SA de CV".into(),
            zone: credinet_core::zone::Zone::mexico_city(),
            currency: credinet_core::currency::Currency::MXN,
            settings: credinet_core::tenant_settings::TenantSettings::default(),
        },
        store.now(),
    )
    .await
    .unwrap()
    .id;
    let hook = FakeHook::start().await;
    let channel = admin::add_channel(
        &store,
        Owner::Tenant(tenant),
        "erp",
        &ChannelConfig::Webhook {
            url: hook.url.clone(),
            secret: fakes::HOOK_SECRET.into(),
        },
    )
    .await
    .unwrap();
    let (_a, _b) = (serve(&db.url), serve(&db.url));

    // The queue appears while both are polling.
    let queued: Vec<NewMessage> = (0..MESSAGES)
        .map(|n| NewMessage {
            tenant_id: Some(tenant.get()),
            channel_id: channel.id,
            group_id: 0,
            kind: "payment_registered".into(),
            destination: String::new(),
            part: 1,
            parts: 1,
            occurrences: 1,
            subject: None,
            body: serde_json::json!({"kind": "payment_registered", "n": n}).to_string(),
        })
        .collect();
    let tx = store.write().await.unwrap();
    messages::insert_many(&tx, queued, store.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pending = messages::list(
            store.db(),
            Owner::Tenant(tenant),
            Some(messages::PENDING),
            1,
        )
        .await
        .unwrap();
        if pending.is_empty() && hook.received().len() >= MESSAGES {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{backend:?}: {} of {MESSAGES} received within two minutes",
            hook.received().len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Anything sent twice would arrive right behind the last one: give it the time to.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let ids: Vec<i64> = hook.received().iter().map(|d| d.message_id).collect();
    let distinct: BTreeSet<i64> = ids.iter().copied().collect();
    let sent: BTreeSet<i64> = messages::list(store.db(), Owner::Tenant(tenant), None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.status == messages::SENT)
        .map(|m| m.id)
        .collect();
    assert_eq!(
        sent.len(),
        MESSAGES,
        "{backend:?}: every message recorded sent"
    );
    assert_eq!(distinct, sent, "{backend:?}: every message arrived");
    assert_eq!(ids.len(), MESSAGES, "{backend:?}: none arrived twice");
    assert_eq!(hook.bad_signatures(), 0);
    store.close().await.ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_postgres_deliver_a_thousand_messages_none_twice() {
    two_servers_deliver_a_thousand_messages_none_twice(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_mariadb_deliver_a_thousand_messages_none_twice() {
    two_servers_deliver_a_thousand_messages_none_twice(Backend::MySql).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_sqlite_deliver_a_thousand_messages_none_twice() {
    two_servers_deliver_a_thousand_messages_none_twice(Backend::Sqlite).await;
}
