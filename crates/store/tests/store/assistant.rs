//! The assistant's rows on every backend: a session per (tenant, channel, sender) created once and
//! locked while a message is handled, so a second message of the same session waits and lands after;
//! a redelivered Cloud API message recorded once; transcripts, stages and delivery statuses per tenant.

use super::{migrated, tenant};
use credinet_store::repo::assistant::{self, Direction, NewMessage};
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend};

fn inbound<'a>(wamid: Option<&'a str>, body: &'a str) -> NewMessage<'a> {
    NewMessage {
        direction: Direction::In,
        channel_message_id: wamid,
        body,
        intent: Some("balance"),
        confidence_pct: Some(95),
        template: None,
        pending_send: false,
    }
}

async fn a_session_is_made_once_per_sender_and_keeps_what_is_saved(db: TestDb) {
    let store = migrated(&db).await;
    let (a, b) = (
        tenant(&store, "caja-a").await,
        tenant(&store, "caja-b").await,
    );
    let now = store.now();
    let tx = store.write().await.unwrap();
    let mut first = assistant::lock_session(&tx, a.id, "cloud_api", "+525512345678", now)
        .await
        .unwrap();
    first.awaiting = "secret".into();
    first.failed_attempts = 2;
    first.candidate_client_id = Some(41);
    assistant::save_session(&tx, &first).await.unwrap();
    tx.commit().await.unwrap();

    let tx = store.write().await.unwrap();
    let again = assistant::lock_session(&tx, a.id, "cloud_api", "+525512345678", now)
        .await
        .unwrap();
    assert_eq!(
        again.id, first.id,
        "one session per (tenant, channel, sender)"
    );
    assert_eq!(
        (again.awaiting.as_str(), again.failed_attempts),
        ("secret", 2)
    );
    assert_eq!(again.candidate_client_id, Some(41));
    // The same number writing to another lender, or through the other channel, is another conversation.
    let other_tenant = assistant::lock_session(&tx, b.id, "cloud_api", "+525512345678", now)
        .await
        .unwrap();
    let other_channel = assistant::lock_session(&tx, a.id, "autoresponder", "+525512345678", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_ne!(other_tenant.id, first.id);
    assert_ne!(other_channel.id, first.id);
    assert_eq!(other_tenant.awaiting, "nothing");
}

async fn a_redelivered_message_is_recorded_once_and_statuses_stay_in_their_tenant(db: TestDb) {
    let store = migrated(&db).await;
    let (a, b) = (
        tenant(&store, "caja-a").await,
        tenant(&store, "caja-b").await,
    );
    let now = store.now();
    let tx = store.write().await.unwrap();
    let session = assistant::lock_session(&tx, a.id, "cloud_api", "+525512345678", now)
        .await
        .unwrap();
    let first = assistant::record_message(&tx, &session, inbound(Some("wamid.A1"), "saldo"), now)
        .await
        .unwrap()
        .expect("recorded");
    let replay = assistant::record_message(&tx, &session, inbound(Some("wamid.A1"), "saldo"), now)
        .await
        .unwrap();
    assert!(replay.is_none(), "a redelivery is recognised");
    assistant::record_stage(&tx, &first, "router", 41, "balance", now)
        .await
        .unwrap();
    assistant::record_stage(&tx, &first, "redactor", 120, "ok", now)
        .await
        .unwrap();
    let reply = NewMessage {
        direction: Direction::Out,
        channel_message_id: Some("wamid.OUT1"),
        body: "Tu saldo es $1,234.56",
        intent: None,
        confidence_pct: None,
        template: Some(("balance.ok", 3)),
        pending_send: false,
    };
    assistant::record_message(&tx, &session, reply, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // Another tenant cannot mark this tenant's reply, and the same wamid in another tenant is its own.
    assistant::set_delivery_status(store.db(), b.id, "cloud_api", "wamid.OUT1", "read")
        .await
        .unwrap();
    assistant::set_delivery_status(store.db(), a.id, "cloud_api", "wamid.OUT1", "delivered")
        .await
        .unwrap();
    let transcript = assistant::transcript(store.db(), a.id, session.id, 50)
        .await
        .unwrap();
    let bodies: Vec<(&str, &str)> = transcript
        .iter()
        .map(|m| (m.direction.as_str(), m.body.as_str()))
        .collect();
    assert_eq!(bodies, [("in", "saldo"), ("out", "Tu saldo es $1,234.56")]);
    assert_eq!(transcript[1].status.as_deref(), Some("delivered"));
    assert_eq!(transcript[1].template_version, Some(3));
    assert!(
        assistant::transcript(store.db(), b.id, session.id, 50)
            .await
            .unwrap()
            .is_empty()
    );
    let stages: Vec<String> = assistant::stages_of(store.db(), a.id, first.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.stage)
        .collect();
    assert_eq!(stages, ["router", "redactor"]);
}

/// The second message of a session waits for the first one's transaction: the lock is the session row.
async fn a_sessions_messages_are_handled_one_at_a_time(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let (locked_tx, locked) = tokio::sync::oneshot::channel::<()>();
    let first = {
        let store: Store = store.clone();
        let tenant = a.id;
        tokio::spawn(async move {
            let now = store.now();
            let tx = store.write().await.unwrap();
            let session = assistant::lock_session(&tx, tenant, "autoresponder", "name:Ana", now)
                .await
                .unwrap();
            locked_tx.send(()).unwrap();
            // Holding the session while the second message arrives.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            assistant::record_message(&tx, &session, inbound(None, "primero"), now)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        })
    };
    locked.await.unwrap();
    let now = store.now();
    let tx = store.write().await.unwrap();
    let session = assistant::lock_session(&tx, a.id, "autoresponder", "name:Ana", now)
        .await
        .unwrap();
    assistant::record_message(&tx, &session, inbound(None, "segundo"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    first.await.unwrap();
    let bodies: Vec<String> = assistant::transcript(store.db(), a.id, session.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect();
    assert_eq!(bodies, ["primero", "segundo"]);
}

each_backend!(
    a_session_is_made_once_per_sender_and_keeps_what_is_saved,
    a_redelivered_message_is_recorded_once_and_statuses_stay_in_their_tenant,
    a_sessions_messages_are_handled_one_at_a_time,
);
