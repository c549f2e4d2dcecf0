//! Every 5xx answer and every panic in a handler becomes one `error_500` event of the installation,
//! naming the request and its route template and nothing the client sent; a burst reaches a channel as
//! one message.

use crate::helpers::TestApp;
use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use chrono::{Duration, Utc};
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::entities::system_event;
use credinet_store::repo::notify::messages;
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend};
use credinet_web::guard::with_panics_caught;
use credinet_web::monitoring::{Observer, observed};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde_json::Value;
use tower::ServiceExt;

each_backend!(
    a_failing_route_becomes_one_event_with_its_template_and_request_id,
    a_panicking_handler_becomes_one_event_marked_as_a_panic,
    a_burst_of_failures_reaches_a_channel_as_one_message,
);

/// The clients table goes away under the app: every client request now fails with a 500, as a broken
/// database would make it.
async fn break_the_clients_table(store: &Store) {
    store
        .db()
        .execute_unprepared("ALTER TABLE client RENAME TO client_roto")
        .await
        .expect("rename the clients table");
}

/// The `error_500` events, oldest first, once `count` of them are written (the writer is off the
/// request's path, so they arrive a moment after the answers).
async fn error_events(store: &Store, count: usize) -> Vec<(String, Value)> {
    for _ in 0..600 {
        let rows = system_event::Entity::find()
            .order_by_asc(system_event::Column::Id)
            .all(store.db())
            .await
            .unwrap();
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| r.kind == "error_500")
            .map(|r| {
                (
                    r.entity_id.unwrap_or_default(),
                    serde_json::from_str(&r.payload).unwrap(),
                )
            })
            .collect();
        if rows.len() >= count {
            return rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{count} error_500 events were not written within 30 s");
}

async fn a_failing_route_becomes_one_event_with_its_template_and_request_id(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let key = app.admin_key(&t).await;
    break_the_clients_table(&app.app_store).await;

    let reply = app
        .get("/v1/clients/4242?q=Ana%20SECRETA", &key)
        .await
        .assert_status(500);
    let request_id = reply.header("x-request-id").to_string();

    error_events(&app.app_store, 1).await;
    // A moment more: a second event for the one request would show here.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let events = error_events(&app.app_store, 1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let (entity_id, payload) = &events[0];
    assert_eq!(entity_id, &request_id);
    assert_eq!(payload["request_id"], request_id.as_str());
    assert_eq!(payload["route"], "GET /v1/clients/{id}");
    assert_eq!(payload["status"], 500);
    assert_eq!(payload["panic"], false);
    assert_eq!(payload["tenant"], "caja-norte");
    assert_eq!(payload["tenant_id"], t.id.get());
    let text = payload.to_string();
    for secret in ["4242", "SECRETA", key.as_str(), "Bearer"] {
        assert!(!text.contains(secret), "{secret:?} leaked into {text}");
    }
}

async fn a_panicking_handler_becomes_one_event_marked_as_a_panic(db: TestDb) {
    let app = TestApp::spawn(db).await;
    async fn boom() -> &'static str {
        panic!("a bug")
    }
    // The same layers as the app's, around a route that panics (no real route does).
    let router = observed(
        with_panics_caught(Router::new().route("/estalla/{id}", get(boom))),
        Observer::new(app.app_store.clone()),
    );
    let response = router
        .oneshot(
            Request::get("/estalla/98765?token=abc")
                .header("x-request-id", "prueba-1")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 500);

    let events = error_events(&app.app_store, 1).await;
    assert_eq!(events.len(), 1, "{events:?}");
    let payload = &events[0].1;
    assert_eq!(payload["route"], "GET /estalla/{id}");
    assert_eq!(payload["request_id"], "prueba-1");
    assert_eq!(payload["panic"], true);
    assert_eq!(
        payload["tenant"],
        Value::Null,
        "nobody was admitted: a system event"
    );
    assert!(!payload.to_string().contains("98765"));
    assert!(!payload.to_string().contains("abc"));
}

async fn a_burst_of_failures_reaches_a_channel_as_one_message(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let key = app.admin_key(&t).await;
    break_the_clients_table(&app.app_store).await;
    for _ in 0..25 {
        app.get("/v1/clients", &key).await.assert_status(500);
    }
    let events = error_events(&app.app_store, 25).await;
    assert_eq!(events.len(), 25);

    // The notifier on the same database, its clock moved by hand from now.
    let clock = ManualClock::starting_at(Utc::now());
    let store = Store::connect(&app.database_url)
        .await
        .unwrap()
        .with_clock(clock.clone());
    let notifier = Notifier::new(store.clone(), NotifySettings::default()).unwrap();
    let channel = admin::add_channel(
        &store,
        Owner::System,
        "guardia",
        // Nobody listens there: the message stays in the outbox, where the test reads it.
        &ChannelConfig::Webhook {
            url: "http://127.0.0.1:9/credinet".into(),
            secret: "s3creto-de-prueba".into(),
        },
    )
    .await
    .unwrap();
    admin::add_rule(&store, Owner::System, "error_500", channel.id)
        .await
        .unwrap();
    clock.advance(Duration::seconds(31));
    notifier.run_once().await.unwrap();
    clock.advance(Duration::seconds(1));
    notifier.run_once().await.unwrap();

    let sent = messages::list(store.db(), Owner::System, None, 10)
        .await
        .unwrap();
    assert_eq!(sent.len(), 1, "25 failures, one message: {sent:?}");
    assert_eq!(sent[0].occurrences, 25);
    assert_eq!(sent[0].kind, "error_500");
    assert!(sent[0].body.contains("×25"), "{}", sent[0].body);
}
