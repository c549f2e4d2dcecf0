//! Bursts become one message, then summaries no more often than the group interval; tenants' events
//! stay with their tenants.

use super::*;
use crate::fakes::{FakeDiscord, FakeTelegram};
use credinet_store::each_backend;
use credinet_store::repo::notify::system_events::NewSystemEvent;

fn error_500(n: usize) -> NewSystemEvent {
    NewSystemEvent {
        kind: "error_500".into(),
        // Each failed request is its own occurrence: a burst of them is summarized every interval.
        entity: "request".into(),
        entity_id: Some(format!("req-{n}")),
        payload: serde_json::json!({"route": "POST /v1/pagos", "status": 500, "request_id": format!("req-{n}")}),
    }
}

async fn a_burst_of_errors_is_one_message_then_summaries_at_most_every_interval(db: TestDb) {
    let w = world(&db, unpaced()).await;
    let discord = FakeDiscord::start().await;
    let ops = channel(
        &w.store,
        Owner::System,
        "guardia",
        super::discord(&discord),
        "error_500",
    )
    .await;
    let t = tenant(&w.store, "caja-a").await;
    let tenant_discord = FakeDiscord::start().await;
    channel(
        &w.store,
        Owner::Tenant(t),
        "caja",
        super::discord(&tenant_discord),
        "*",
    )
    .await;
    assert!(ops > 0);

    for n in 0..37 {
        admin::emit_system_event(&w.store, error_500(n))
            .await
            .unwrap();
        w.clock.advance(Duration::milliseconds(500));
    }
    // 18.5 s after the first: still inside the group wait.
    passes(&w, Duration::seconds(10), 1).await;
    assert!(
        discord.received().is_empty(),
        "nothing before the group wait ends"
    );
    passes(&w, Duration::seconds(2), 1).await;
    let got = discord.received();
    assert_eq!(got.len(), 1, "37 errors, one message: {got:?}");
    assert!(
        got[0].content.contains("error\\_500 ×37 en"),
        "{}",
        got[0].content
    );

    // Five more two minutes later: summarized when the interval since the first message ends.
    passes(&w, Duration::seconds(90), 1).await;
    for n in 37..42 {
        admin::emit_system_event(&w.store, error_500(n))
            .await
            .unwrap();
    }
    passes(&w, Duration::seconds(60), 1).await;
    assert_eq!(discord.received().len(), 1, "not before the group interval");
    passes(&w, Duration::seconds(160), 1).await;
    let got = discord.received();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[1].content.contains("×5 en"), "{}", got[1].content);
    assert!(
        tenant_discord.received().is_empty(),
        "the installation's events never reach a tenant's channel"
    );
}

async fn one_tenants_events_never_reach_another_tenants_channels(db: TestDb) {
    let w = world(&db, unpaced()).await;
    let (a, b) = (
        tenant(&w.store, "caja-a").await,
        tenant(&w.store, "caja-b").await,
    );
    let tg_a = FakeTelegram::start().await;
    let tg_b = FakeTelegram::start().await;
    let channel_a = channel(
        &w.store,
        Owner::Tenant(a),
        "a",
        telegram(&tg_a, &["11"]),
        "*",
    )
    .await;
    channel(
        &w.store,
        Owner::Tenant(b),
        "b",
        telegram(&tg_b, &["22"]),
        "loan_approved",
    )
    .await;
    // B's admin cannot route B's events to A's channel, nor see it.
    let crossed = admin::add_rule(&w.store, Owner::Tenant(b), "*", channel_a).await;
    assert!(matches!(
        crossed,
        Err(credinet_notify::NotifyError::UnknownChannel(id)) if id == channel_a
    ));
    event(
        &w.store,
        b,
        EventKind::LoanApproved,
        serde_json::json!({"number": "B-1"}),
    )
    .await;
    event(
        &w.store,
        b,
        EventKind::PaymentRegistered,
        serde_json::json!({"loan_number": "B-1"}),
    )
    .await;
    passes(&w, Duration::seconds(31), 2).await;
    assert!(tg_a.received().is_empty());
    let got = tg_b.received();
    assert_eq!(got.len(), 1, "only the kind B's rule names: {got:?}");
    assert!(got[0].text.contains("B-1"));
    assert_eq!(pending(&w.store, Owner::Tenant(a)).await, 0);
}

each_backend!(
    a_burst_of_errors_is_one_message_then_summaries_at_most_every_interval,
    one_tenants_events_never_reach_another_tenants_channels,
);
