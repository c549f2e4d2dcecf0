//! Notification throughput (issue 18), on SQLite and PostgreSQL, printing a table:
//! - *enqueue*: what appending an event adds to a business transaction — the same transaction (a tenant
//!   row updated, as a service's change does) timed with and without `events::append`, and the append
//!   statement alone; target < 0.2 ms added.
//! - *drain*: 10,000 messages queued for one signed webhook channel, delivered by one notifier to a
//!   local receiver (axum, answering 204 after counting); target ≤ 10 s.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/tgt-notify CARGO_INCREMENTAL=0 cargo bench -p credinet-notify --bench throughput -- \
//!     --backend sqlite,postgres
//! ```
//!
//! PostgreSQL: the server of `CREDINET_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a scratch database is created there and dropped.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use chrono::Utc;
use credinet_core::events::EventKind;
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::notify::messages::{self, NewMessage};
use credinet_store::repo::tenants;
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Store, migrations};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TRANSACTIONS: usize = 2_000;
const MESSAGES: usize = 10_000;

fn main() {
    let backends = backends();
    if std::env::var("CREDINET_TEST_POSTGRES_URL").is_err() {
        // SAFETY: set before any thread is started.
        unsafe {
            std::env::set_var(
                "CREDINET_TEST_POSTGRES_URL",
                "postgres://postgres@127.0.0.1:5432/postgres",
            )
        };
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "| backend | tx without event: median (ms) | tx with event: median (ms) | added: median (ms) | append alone: median / p99 (ms) | drain {MESSAGES} messages (s) | messages/s |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for backend in backends {
        rt.block_on(measure(backend));
    }
}

/// `--backend sqlite,postgres` (the default: both).
fn backends() -> Vec<Backend> {
    let args: Vec<String> = std::env::args().collect();
    let list = args
        .iter()
        .position(|a| a == "--backend")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or("sqlite,postgres");
    list.split(',')
        .map(|b| match b.trim() {
            "sqlite" => Backend::Sqlite,
            "postgres" => Backend::Postgres,
            "mysql" => Backend::MySql,
            other => panic!("unknown backend {other} (sqlite, postgres, mysql)"),
        })
        .collect()
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn measure(backend: Backend) {
    let db = TestDb::create(backend).await.expect("a scratch database");
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    let new = tenants::NewTenant {
        slug: credinet_core::slug::TenantSlug::parse("caja-banco").unwrap(),
        legal_name: "Caja Banco SA de CV".into(),
        zone: credinet_core::zone::Zone::mexico_city(),
        currency: credinet_core::currency::Currency::MXN,
        settings: credinet_core::tenant_settings::TenantSettings::default(),
    };
    let tenant = tenants::create(store.db(), new, store.now())
        .await
        .expect("tenant")
        .id;

    // Enqueue: the business write is an UPDATE of the tenant's row; alternate with and without the
    // event so a drift of the machine touches both alike.
    let update = format!(
        "UPDATE tenant SET legal_name = legal_name WHERE id = {}",
        tenant.get()
    );
    let (mut without, mut with, mut append) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..TRANSACTIONS * 2 {
        let started = Instant::now();
        let tx = store.write().await.unwrap();
        tx.execute_raw(Statement::from_string(store.backend(), update.clone()))
            .await
            .unwrap();
        if i % 2 == 1 {
            let at = Instant::now();
            events::append(
                &tx,
                tenant,
                NewEvent {
                    kind: EventKind::PaymentRegistered,
                    entity: "payment",
                    entity_id: Some(i.to_string()),
                    payload: serde_json::json!({"loan_number": format!("P-{i:05}"), "amount": "150.00"}),
                },
                store.now(),
            )
            .await
            .unwrap();
            append.push(at.elapsed());
        }
        tx.commit().await.unwrap();
        if i % 2 == 1 {
            with.push(started.elapsed());
        } else {
            without.push(started.elapsed());
        }
    }
    for v in [&mut without, &mut with, &mut append] {
        v.sort();
    }
    let (m_without, m_with) = (percentile(&without, 0.5), percentile(&with, 0.5));

    // Drain: 10,000 messages for one webhook channel, delivered to a local receiver.
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    let router = Router::new().route(
        "/hook",
        post(move |_body: String| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::Relaxed);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    let channel = admin::add_channel(
        &store,
        Owner::Tenant(tenant),
        "bench",
        &ChannelConfig::Webhook {
            url,
            secret: "bench-secret".into(),
        },
    )
    .await
    .expect("channel");
    let queued: Vec<NewMessage> = (0..MESSAGES)
        .map(|i| NewMessage {
            tenant_id: Some(tenant.get()),
            channel_id: channel.id,
            group_id: 0,
            kind: "payment_registered".into(),
            destination: String::new(),
            part: 1,
            parts: 1,
            occurrences: 1,
            subject: None,
            body: serde_json::json!({"kind": "payment_registered", "title": "Pago registrado",
                "lines": [format!("Préstamo: P-{i:05}"), "Importe: $150.00"]})
            .to_string(),
        })
        .collect();
    let tx = store.write().await.unwrap();
    messages::insert_many(&tx, queued, Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let notifier = Notifier::new(store.clone(), NotifySettings::default()).unwrap();
    let started = Instant::now();
    let mut sent = 0;
    while sent < MESSAGES {
        let pass = notifier.run_once().await.expect("pass");
        sent += pass.delivered.sent;
        assert!(
            pass.delivered.retried + pass.delivered.dead == 0,
            "a delivery failed: {pass:?}"
        );
    }
    let drain = started.elapsed();
    assert_eq!(received.load(Ordering::Relaxed), MESSAGES, "each once");

    println!(
        "| {backend} | {:.3} | {:.3} | {:.3} | {:.3} / {:.3} | {:.2} | {:.0} |",
        millis(m_without),
        millis(m_with),
        millis(m_with.saturating_sub(m_without)),
        millis(percentile(&append, 0.5)),
        millis(percentile(&append, 0.99)),
        drain.as_secs_f64(),
        MESSAGES as f64 / drain.as_secs_f64(),
    );
    store.close().await.ok();
    drop_database(&db).await;
}

async fn drop_database(db: &TestDb) {
    match db.backend {
        Backend::Sqlite => {
            let path = db.url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                std::fs::remove_file(format!("{path}{suffix}")).ok();
            }
        }
        Backend::Postgres | Backend::MySql => {
            let mut admin = url::Url::parse(&db.url).unwrap();
            let name = admin.path().trim_start_matches('/').to_string();
            admin.set_path(if db.backend == Backend::Postgres {
                "/postgres"
            } else {
                "/mysql"
            });
            let conn = credinet_store::sea_orm::Database::connect(admin.as_str())
                .await
                .expect("admin connection");
            conn.execute_unprepared(&format!("DROP DATABASE {name}"))
                .await
                .ok();
            conn.close().await.ok();
        }
    }
}
