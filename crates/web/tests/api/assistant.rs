//! The assistant's webhooks over HTTP on every backend: the AutoResponder app's requests (current and
//! older versions, every way of presenting the token) and the Cloud API's handshake, signed batches,
//! replays and statuses, its replies sent to a local fake Graph API speaking Meta's wire format.

use crate::helpers::{Lender, RequestExt, TestApp};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_assistant::channels::signature::sha256_signature;
use credinet_store::each_backend;
use credinet_store::entities::assistant_message;
use credinet_store::repo::audit::Requester;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use credinet_store::testing::TestDb;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const NUMBER_ID: &str = "106540352242922";
pub const APP_SECRET: &str = "fake-app-secret";

/// A lender with a client born 12 May 1985 at 55 1234 5678 and a disbursed loan.
pub struct Borrower {
    pub lender: Lender,
    pub client: i64,
    pub loan_number: String,
}

pub async fn borrower(app: &TestApp, slug: &str) -> Borrower {
    let l = app.lender(slug).await;
    let client = app
        .post(
            "/v1/clients",
            &l.cashier,
            json!({"full_name": "Ana Pérez López", "phone": "55 1234 5678", "birth_date": "1985-05-12"}),
        )
        .await
        .assert_status(201)
        .json()["client"]["id"]
        .as_i64()
        .unwrap();
    let loan = app.submitted_loan(&l, client, l.flat, "10000.00").await;
    app.post(&format!("/v1/loans/{loan}/approve"), &l.manager, json!({}))
        .await
        .assert_status(200);
    let detail = app
        .post(&format!("/v1/loans/{loan}/disburse"), &l.manager, json!({}))
        .await
        .assert_status(200)
        .json();
    let number = detail["loan"]["number"]
        .as_str()
        .or(detail["number"].as_str())
        .expect("the loan has a number")
        .to_string();
    Borrower {
        lender: l,
        client,
        loan_number: number,
    }
}

pub fn autoresponder_body(sender: &str, message: &str) -> Value {
    json!({"appPackageName": "tkstudio.autoresponderforwa", "messengerPackageName": "com.whatsapp",
        "query": {"sender": sender, "message": message, "isGroup": false, "groupParticipant": "",
        "ruleId": 4, "isTestMessage": false}})
}

async fn the_autoresponder_app_gets_its_replies_for_each_way_of_sending_the_token(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let Borrower {
        lender: Lender { tenant, .. },
        loan_number,
        ..
    } = borrower(&app, "caja-ar").await;
    let change = ChannelChange {
        new_autoresponder_token: true,
        autoresponder_header: Some(Some("X-Credinet-Token".into())),
        ..ChannelChange::default()
    };
    let token = channel_config::configure(&app.app_store, tenant.id, change, &Requester::cli())
        .await
        .unwrap()
        .autoresponder_token
        .unwrap();
    let path = app.url("/v1/channels/autoresponder/caja-ar");
    let replies = |r: &crate::helpers::Reply| -> Vec<String> {
        r.json()["replies"]
            .as_array()
            .unwrap_or_else(|| r.fail("a replies list"))
            .iter()
            .map(|m| m["message"].as_str().unwrap().to_string())
            .collect()
    };

    let menu = app
        .api()
        .post(&path)
        .bearer_auth(&token)
        .json(&autoresponder_body("+52 1 55 1234 5678", "Hola"))
        .reply()
        .await
        .assert_status(200);
    assert!(replies(&menu)[0].contains("1. Saldo"), "{menu}");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("app:{token}"));
    let asked = app
        .api()
        .post(&path)
        .header("authorization", format!("Basic {basic}"))
        .json(&autoresponder_body("+52 1 55 1234 5678", "saldo"))
        .reply()
        .await
        .assert_status(200);
    assert!(replies(&asked)[0].contains("verificar"), "{asked}");
    let header = |body: Value| {
        app.api()
            .post(&path)
            .header("X-Credinet-Token", &token)
            .json(&body)
            .reply()
    };
    header(autoresponder_body("+52 1 55 1234 5678", "5512345678"))
        .await
        .assert_status(200);
    // An older app version: no ruleId, no isTestMessage.
    let verified = header(json!({"appPackageName": "tkstudio.autoresponderforwa",
        "messengerPackageName": "com.whatsapp",
        "query": {"sender": "+52 1 55 1234 5678", "message": "12/05/1985", "isGroup": false}}))
    .await
    .assert_status(200);
    assert!(replies(&verified)[0].contains("Ana"), "{verified}");
    let balance = header(autoresponder_body("+52 1 55 1234 5678", "cuanto debo"))
        .await
        .assert_status(200);
    let text = &replies(&balance)[0];
    assert!(
        text.contains(&loan_number) && text.contains('$'),
        "{balance}"
    );

    let test =
        header(json!({"query": {"sender": "Yo", "message": "prueba", "isTestMessage": true}}))
            .await
            .assert_status(200);
    assert!(replies(&test)[0].contains("Prueba recibida"), "{test}");
    let group = header(
        json!({"query": {"sender": "Tanda", "message": "saldo", "isGroup": true,
        "groupParticipant": "5512345678"}}),
    )
    .await
    .assert_status(200);
    assert!(
        replies(&group).is_empty(),
        "groups get no reply by default: {group}"
    );

    for refused in [
        app.api()
            .post(&path)
            .json(&autoresponder_body("Ana", "hola")),
        app.api()
            .post(&path)
            .bearer_auth("wrong")
            .json(&autoresponder_body("Ana", "hola")),
        app.api()
            .post(app.url("/v1/channels/autoresponder/nadie"))
            .bearer_auth(&token)
            .json(&autoresponder_body("Ana", "hola")),
    ] {
        refused.reply().await.assert_problem(401);
    }
    app.api()
        .post(&path)
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"query\":")
        .reply()
        .await
        .assert_problem(400);
    app.api()
        .post(&path)
        .bearer_auth(&token)
        .json(&json!({"query": {"sender": "Ana"}}))
        .reply()
        .await
        .assert_problem(400);
}

/// What the fake Graph API received: (phone number id, authorization, body).
type Sent = Arc<Mutex<Vec<(String, String, Value)>>>;

/// A local Graph API: `POST /{phone_number_id}/messages` answers Meta's shape with `wamid.out.N`; the
/// first request gets a 503, so every test also sees a retry.
async fn fake_graph() -> (String, Sent) {
    let sent: Sent = Arc::default();
    async fn messages(
        State(sent): State<Sent>,
        Path(number): Path<String>,
        headers: HeaderMap,
        Json(body): Json<Value>,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let mut sent = sent.lock().unwrap();
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        if sent.is_empty() && auth != "first-done" {
            sent.push((String::new(), "first-done".into(), Value::Null));
            return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        sent.push((number, auth, body.clone()));
        let n = sent.len();
        Json(json!({"messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": format!("wamid.out.{n}")}]}))
        .into_response()
    }
    let router = Router::new()
        .route("/{number}/messages", post(messages))
        .with_state(sent.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, sent)
}

pub fn delivery(messages: Value, statuses: Value) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{
        "field": "messages", "value": {"messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER_ID},
        "contacts": [{"profile": {"name": "Ana"}, "wa_id": "5215512345678"}],
        "messages": messages, "statuses": statuses}}]}]})
    .to_string()
}

pub fn text(from: &str, id: &str, body: &str) -> Value {
    json!({"from": from, "id": id, "timestamp": "1764784800", "type": "text", "text": {"body": body}})
}

async fn eventually_sent(sent: &Sent, count: usize) -> Vec<(String, String, Value)> {
    for _ in 0..600 {
        let real: Vec<_> = sent
            .lock()
            .unwrap()
            .iter()
            .filter(|s| !s.0.is_empty())
            .cloned()
            .collect();
        if real.len() >= count {
            return real;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the fake Graph API did not get {count} replies: {:?}",
        sent.lock().unwrap()
    );
}

async fn cloud_api_batches_are_signed_answered_once_and_their_statuses_recorded(db: TestDb) {
    let (graph, sent) = fake_graph().await;
    let app = TestApp::spawn_with(db, |http| http.graph_api_base_url = graph.clone()).await;
    let tenant = borrower(&app, "caja-cloud").await.lender.tenant;
    let change = ChannelChange {
        cloud_phone_number_id: Some(Some(NUMBER_ID.into())),
        cloud_app_secret: Some(Some(APP_SECRET.into())),
        cloud_access_token: Some(Some("graph-token".into())),
        cloud_verify_token: Some(Some("verify-me".into())),
        ..ChannelChange::default()
    };
    channel_config::configure(&app.app_store, tenant.id, change, &Requester::cli())
        .await
        .unwrap();
    let hook = app.url("/v1/channels/cloud-api");

    let challenge = app
        .api()
        .get(format!(
            "{hook}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444"
        ))
        .reply()
        .await
        .assert_status(200);
    assert_eq!(challenge.body, "1158201444");
    app.api()
        .get(format!(
            "{hook}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"
        ))
        .reply()
        .await
        .assert_problem(403);

    let post = |body: String, sig: Option<String>| {
        let mut request = app
            .api()
            .post(&hook)
            .header("content-type", "application/json");
        if let Some(sig) = sig {
            request = request.header("x-hub-signature-256", sig);
        }
        request.body(body).reply()
    };
    let batch = delivery(
        json!([
            text("5215512345678", "wamid.in.1", "hola"),
            text("5215599990000", "wamid.in.2", "saldo")
        ]),
        json!([]),
    );
    let signed = sha256_signature(APP_SECRET.as_bytes(), batch.as_bytes());
    post(
        batch.clone(),
        Some(sha256_signature(b"other", batch.as_bytes())),
    )
    .await
    .assert_problem(401);
    post(batch.clone(), None).await.assert_problem(401);
    post("{\"entry\":".into(), Some(signed.clone()))
        .await
        .assert_problem(400);

    post(batch.clone(), Some(signed.clone()))
        .await
        .assert_status(200);
    let replies = eventually_sent(&sent, 2).await;
    // Each conversation's replies go in order; two conversations' replies need not (the first one's
    // first attempt met the fake's 503 and waits for its retry while the second one's goes).
    let to = |number: &str| {
        replies
            .iter()
            .find(|r| r.2["to"] == number)
            .unwrap_or_else(|| panic!("a reply to {number}: {replies:?}"))
    };
    let (first, second) = (to("525512345678"), to("525599990000"));
    assert_eq!(first.0, NUMBER_ID);
    assert_eq!(first.1, "Bearer graph-token");
    assert!(
        first.2["text"]["body"]
            .as_str()
            .unwrap()
            .contains("1. Saldo")
    );
    assert!(
        second.2["text"]["body"]
            .as_str()
            .unwrap()
            .contains("verificar"),
        "{replies:?}"
    );

    // Meta redelivers the same batch: acknowledged, nothing handled or sent again.
    post(batch, Some(signed)).await.assert_status(200);
    let recorded = assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(tenant.id.get()))
        .count(app.app_store.db())
        .await
        .unwrap();
    assert_eq!(recorded, 4, "two messages in and two replies, once");

    // The first reply's delivery status lands on it once its id is known.
    let mut wamid = None;
    for _ in 0..600 {
        let row = assistant_message::Entity::find()
            .filter(assistant_message::Column::TenantId.eq(tenant.id.get()))
            .filter(assistant_message::Column::Direction.eq("out"))
            .filter(assistant_message::Column::ChannelMessageId.is_not_null())
            .one(app.app_store.db())
            .await
            .unwrap();
        if let Some(row) = row {
            wamid = row.channel_message_id;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let wamid = wamid.expect("a sent reply records Meta's id");
    let statuses = delivery(
        json!([]),
        json!([{"id": wamid, "status": "delivered", "timestamp": "1764784801", "recipient_id": "5215512345678"}]),
    );
    let sig = sha256_signature(APP_SECRET.as_bytes(), statuses.as_bytes());
    post(statuses, Some(sig)).await.assert_status(200);
    let row = assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(tenant.id.get()))
        .filter(assistant_message::Column::ChannelMessageId.eq(wamid))
        .one(app.app_store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status.as_deref(), Some("delivered"));
}

each_backend!(
    the_autoresponder_app_gets_its_replies_for_each_way_of_sending_the_token,
    cloud_api_batches_are_signed_answered_once_and_their_statuses_recorded,
);
