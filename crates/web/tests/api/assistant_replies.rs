//! Cloud API replies are rows until the Graph API takes them: a reply whose sending failed is sent by
//! the next server that starts, once (a server stopped mid-retry loses nothing).

use crate::assistant::{APP_SECRET, NUMBER_ID, borrower, delivery, text};
use crate::helpers::{RequestExt, TestApp};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use chrono::Duration as Span;
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_assistant::channels::signature::sha256_signature;
use credinet_store::entities::{assistant_message, assistant_reply_queue};
use credinet_store::repo::audit::Requester;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend};
use credinet_web::HttpSettings;
use credinet_web::cloud_replies::ReplySender;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

each_backend!(a_reply_the_graph_api_did_not_take_is_sent_once_by_the_next_server);

/// A Graph API that answers 503 while `up` is false, and Meta's shape once it is true; every request
/// is kept with the status it got.
#[derive(Clone, Default)]
struct Graph {
    up: Arc<AtomicBool>,
    got: Arc<Mutex<Vec<(u16, Value)>>>,
}

async fn graph() -> (String, Graph) {
    async fn messages(State(g): State<Graph>, Json(body): Json<Value>) -> axum::response::Response {
        let mut got = g.got.lock().unwrap();
        if !g.up.load(Ordering::SeqCst) {
            got.push((503, body));
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        got.push((200, body.clone()));
        let n = got.len();
        Json(json!({"messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": format!("wamid.later.{n}")}]}))
        .into_response()
    }
    let g = Graph::default();
    let router = Router::new()
        .route("/{number}/messages", post(messages))
        .with_state(g.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, g)
}

async fn the_reply(app: &TestApp, tenant: i64) -> assistant_message::Model {
    assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(tenant))
        .filter(assistant_message::Column::Direction.eq("out"))
        .one(app.app_store.db())
        .await
        .unwrap()
        .expect("the reply is recorded with the message")
}

async fn the_queued(app: &TestApp, tenant: i64) -> assistant_reply_queue::Model {
    assistant_reply_queue::Entity::find()
        .filter(assistant_reply_queue::Column::TenantId.eq(tenant))
        .one(app.app_store.db())
        .await
        .unwrap()
        .expect("the reply is queued with the message")
}

async fn a_reply_the_graph_api_did_not_take_is_sent_once_by_the_next_server(db: TestDb) {
    let (url, graph) = graph().await;
    // The first server retries only after an hour: in this test it never does, as if it had stopped.
    let app = TestApp::spawn_with(db, |http| {
        http.graph_api_base_url = url.clone();
        http.graph_api_backoff_ms = 3_600_000;
    })
    .await;
    let tenant = borrower(&app, "caja-reintento").await.lender.tenant;
    let change = ChannelChange {
        cloud_phone_number_id: Some(Some(NUMBER_ID.into())),
        cloud_app_secret: Some(Some(APP_SECRET.into())),
        cloud_access_token: Some(Some("graph-token".into())),
        ..ChannelChange::default()
    };
    channel_config::configure(&app.app_store, tenant.id, change, &Requester::cli())
        .await
        .unwrap();
    let body = delivery(
        json!([text("5215512345678", "wamid.IN.1", "Hola")]),
        json!([]),
    );
    let sig = sha256_signature(APP_SECRET.as_bytes(), body.as_bytes());
    app.api()
        .post(app.url("/v1/channels/cloud-api"))
        .header("x-hub-signature-256", sig)
        .header("content-type", "application/json")
        .body(body)
        .reply()
        .await
        .assert_status(200);

    // The Graph API is down: one attempt, and the reply waits in the database.
    let mut waiting = None;
    for _ in 0..600 {
        let queued = the_queued(&app, tenant.id.get()).await;
        if queued.attempts == 1 {
            waiting = Some(queued);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let waiting = waiting.expect("the first server made one attempt");
    assert_eq!(
        waiting.last_error.as_deref(),
        Some("HTTP 503 Service Unavailable")
    );
    assert!(waiting.send_after.is_some(), "{waiting:?}");
    let reply = the_reply(&app, tenant.id.get()).await;
    assert_eq!(reply.status.as_deref(), Some("pending"), "{reply:?}");

    // The Graph API is back; a new server starts on the same database later on and sends the reply.
    graph.up.store(true, Ordering::SeqCst);
    let later = ManualClock::starting_at(chrono::Utc::now() + Span::hours(2));
    let store = Store::connect(&app.database_url)
        .await
        .unwrap()
        .with_clock(later);
    let settings = HttpSettings {
        graph_api_base_url: url.clone(),
        ..HttpSettings::on_any_port()
    };
    let next = ReplySender::new(store, &settings);
    assert_eq!(next.run_once().await.unwrap(), 1, "one reply was due");
    assert_eq!(next.run_once().await.unwrap(), 0, "and nothing more");

    let sent = the_reply(&app, tenant.id.get()).await;
    assert_eq!(sent.status.as_deref(), Some("sent"), "{sent:?}");
    let queued = the_queued(&app, tenant.id.get()).await;
    assert_eq!(
        (queued.attempts, queued.send_after, queued.last_error),
        (2, None, None),
        "done after the second attempt"
    );
    let got = graph.got.lock().unwrap().clone();
    let delivered: Vec<&Value> = got
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(delivered.len(), 1, "sent once: {got:?}");
    assert_eq!(delivered[0]["to"], "525512345678");
    assert_eq!(
        delivered[0]["text"]["body"].as_str(),
        Some(sent.body.as_str())
    );
    assert_eq!(
        sent.channel_message_id.as_deref(),
        Some(format!("wamid.later.{}", got.len()).as_str()),
        "Meta's id is kept for the delivery statuses"
    );
}
