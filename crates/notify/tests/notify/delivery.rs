//! Delivery: an outage loses and doubles nothing; rate limits and moved chats are followed; escaping
//! and size limits hold; dead letters wait for an admin; two workers never send one message twice.

use super::*;
use crate::fakes::{FakeDiscord, FakeHook, FakeTelegram, Mode, SmtpSink};
use credinet_store::each_backend;
use credinet_store::entities::notify_message;
use credinet_store::repo::notify::messages::NewMessage;
use credinet_store::repo::notify::pipeline;
use std::collections::{BTreeMap, BTreeSet};

async fn rows(store: &Store, owner: Owner) -> Vec<notify_message::Model> {
    messages::list(store.db(), owner, None, 100_000)
        .await
        .unwrap()
}

/// Every stored message of a channel (and destination) was received exactly once: the fake's bodies
/// and the sent rows' bodies are the same multiset.
fn exactly_once(sent: &[&notify_message::Model], received: Vec<String>, what: &str) {
    let mut want: Vec<String> = sent.iter().map(|m| m.body.clone()).collect();
    let mut got = received;
    want.sort();
    got.sort();
    assert_eq!(
        got, want,
        "{what}: received exactly the stored messages, once each"
    );
}

async fn after_a_ten_minute_outage_every_event_arrives_once_per_channel(db: TestDb) {
    let w = world(&db, unpaced()).await;
    let t = tenant(&w.store, "caja-outage").await;
    let owner = Owner::Tenant(t);
    let (tg, dc, wh) = (
        FakeTelegram::start().await,
        FakeDiscord::start().await,
        FakeHook::start().await,
    );
    let mut smtp = SmtpSink::reserve();
    let tg_id = channel(
        &w.store,
        owner,
        "telegram",
        telegram(&tg, &["1001", "-2002"]),
        "*",
    )
    .await;
    let dc_id = channel(&w.store, owner, "discord", discord(&dc), "*").await;
    let wh_id = channel(&w.store, owner, "webhook", hook(&wh), "*").await;
    let email = ChannelConfig::Email {
        smtp_url: smtp.url(),
        from: "Credinet <avisos@credinet.test>".into(),
        to: vec!["direccion@caja.test".into()],
    };
    let em_id = channel(&w.store, owner, "correo", email, "*").await;
    tg.set(Mode::Down(502));
    dc.set(Mode::Down(500));
    wh.set(Mode::Down(503));

    // Events keep coming during ten minutes of outage.
    let mut written = 0;
    for minute in 0..10 {
        for n in 0..3 {
            let id = minute * 10 + n;
            event(&w.store, t, EventKind::PaymentRegistered,
                serde_json::json!({"id": id, "loan_number": format!("P-{id:04}"), "amount": "150.00"})).await;
            written += 1;
        }
        if minute % 4 == 0 {
            event(
                &w.store,
                t,
                EventKind::LoanApproved,
                serde_json::json!({"id": 900 + minute, "number": format!("L-{minute}")}),
            )
            .await;
            written += 1;
        }
        passes(&w, Duration::seconds(30), 2).await;
    }
    assert!(tg.received().is_empty() && dc.received().is_empty() && wh.received().is_empty());
    assert!(
        pending(&w.store, owner).await > 0,
        "messages wait in the outbox"
    );

    // Back up: everything arrives, within the backoff, with nothing doubled.
    tg.set(Mode::Up);
    dc.set(Mode::Up);
    wh.set(Mode::Up);
    smtp.start().await;
    for _ in 0..80 {
        passes(&w, Duration::seconds(60), 1).await;
        if pending(&w.store, owner).await == 0 {
            break;
        }
    }
    let all = rows(&w.store, owner).await;
    assert!(
        all.iter().all(|m| m.status == messages::SENT),
        "{:?}",
        all.iter()
            .filter(|m| m.status != messages::SENT)
            .map(|m| (&m.status, &m.last_error))
            .collect::<Vec<_>>()
    );
    // Every event is counted once per channel (and per Telegram chat) across the messages.
    for (channel_id, destination) in [
        (tg_id, "1001"),
        (tg_id, "-2002"),
        (dc_id, ""),
        (wh_id, ""),
        (em_id, ""),
    ] {
        let counted: i32 = all
            .iter()
            .filter(|m| m.channel_id == channel_id && m.destination == destination && m.part == 1)
            .map(|m| m.occurrences)
            .sum();
        assert_eq!(counted, written, "channel {channel_id} {destination}");
    }
    for chat in ["1001", "-2002"] {
        let sent: Vec<_> = all
            .iter()
            .filter(|m| m.channel_id == tg_id && m.destination == chat)
            .collect();
        let got = tg
            .received()
            .into_iter()
            .filter(|m| m.chat_id == chat)
            .map(|m| m.text)
            .collect();
        exactly_once(&sent, got, chat);
    }
    let sent: Vec<_> = all.iter().filter(|m| m.channel_id == dc_id).collect();
    exactly_once(
        &sent,
        dc.received().into_iter().map(|m| m.content).collect(),
        "discord",
    );
    let hook_ids: Vec<i64> = wh.received().iter().map(|d| d.message_id).collect();
    let want: BTreeSet<i64> = all
        .iter()
        .filter(|m| m.channel_id == wh_id)
        .map(|m| m.id)
        .collect();
    assert_eq!(hook_ids.len(), want.len(), "no webhook delivery twice");
    assert_eq!(hook_ids.into_iter().collect::<BTreeSet<_>>(), want);
    assert_eq!(wh.bad_signatures(), 0);
    let mails = smtp.received();
    let sent_mails = all.iter().filter(|m| m.channel_id == em_id).count();
    assert_eq!(mails.len(), sent_mails, "one mail per message");
    for m in all.iter().filter(|m| m.channel_id == em_id) {
        let marker = format!("credinet-notify-{}@credinet", m.id);
        assert_eq!(
            mails.iter().filter(|raw| raw.contains(&marker)).count(),
            1,
            "{marker}"
        );
    }
}

async fn markup_is_escaped_mentions_are_inert_and_long_text_is_split_within_limits(db: TestDb) {
    let w = world(&db, unpaced()).await;
    let t = tenant(&w.store, "caja-html").await;
    let owner = Owner::Tenant(t);
    let (tg, dc) = (FakeTelegram::start().await, FakeDiscord::start().await);
    channel(
        &w.store,
        owner,
        "telegram",
        telegram(&tg, &["77"]),
        "loan_approved",
    )
    .await;
    channel(&w.store, owner, "discord", discord(&dc), "loan_approved").await;
    event(
        &w.store,
        t,
        EventKind::LoanApproved,
        serde_json::json!({"id": 1, "client_name": "<b>Ana</b> @everyone"}),
    )
    .await;
    passes(&w, Duration::seconds(31), 1).await;
    let got = tg.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].parse_mode.as_deref(), Some("HTML"));
    assert!(
        got[0]
            .text
            .contains("Cliente: &lt;b&gt;Ana&lt;/b&gt; @everyone"),
        "{}",
        got[0].text
    );
    let got = dc.received();
    assert_eq!(got.len(), 1);
    assert!(
        got[0].content.contains("Cliente: <b\\>Ana</b\\> @everyone"),
        "{}",
        got[0].content
    );
    assert_eq!(
        got[0].allowed_mentions,
        serde_json::json!({"parse": []}),
        "mentions nobody"
    );
    assert!(got[0].waited);

    // Ten thousand characters, well past both limits.
    let note: String = "Nota <larga> & ñ "
        .repeat(10_000 / 17 + 1)
        .chars()
        .take(10_000)
        .collect();
    event(
        &w.store,
        t,
        EventKind::LoanApproved,
        serde_json::json!({"id": 2, "note": note}),
    )
    .await;
    passes(&w, Duration::minutes(6), 1).await;
    passes(&w, Duration::seconds(1), 10).await;
    let parts: Vec<String> = tg.received().into_iter().skip(1).map(|m| m.text).collect();
    assert!(parts.len() >= 3, "{} parts", parts.len());
    for p in &parts {
        assert!(p.encode_utf16().count() <= 4096);
    }
    let joined: String = parts
        .iter()
        .map(|p| p.split_once('\n').map(|(_, body)| body).unwrap_or(p))
        .collect::<Vec<_>>()
        .concat()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    assert!(joined.contains(&note), "the whole note arrives, in order");
    let parts: Vec<String> = dc
        .received()
        .into_iter()
        .skip(1)
        .map(|m| m.content)
        .collect();
    assert!(parts.len() >= 6, "{} parts", parts.len());
    for (i, p) in parts.iter().enumerate() {
        assert!(p.encode_utf16().count() <= 2000);
        assert!(
            p.starts_with(&format!("({}/{})", i + 1, parts.len())),
            "parts arrive in order"
        );
    }
}

async fn rate_limits_are_honoured_and_a_moved_telegram_chat_is_followed(db: TestDb) {
    let w = world(&db, NotifySettings::default()).await;
    let t = tenant(&w.store, "caja-429").await;
    let owner = Owner::Tenant(t);
    let tg = FakeTelegram::start().await;
    let tg_id = channel(
        &w.store,
        owner,
        "telegram",
        telegram(&tg, &["-100", "55"]),
        "*",
    )
    .await;
    tg.set(Mode::RateLimited(7.0));
    event(
        &w.store,
        t,
        EventKind::LoanApproved,
        serde_json::json!({"id": 1}),
    )
    .await;
    passes(&w, Duration::seconds(31), 1).await;
    tg.set(Mode::Up);
    tg.migrate("-100", -100_200);
    passes(&w, Duration::seconds(6), 1).await;
    assert!(tg.received().is_empty(), "nothing before retry_after ends");
    passes(&w, Duration::seconds(1), 1).await;
    let got = tg.received();
    assert_eq!(got.len(), 2, "{got:?}");
    let chats: BTreeSet<String> = got.iter().map(|m| m.chat_id.clone()).collect();
    assert_eq!(
        chats,
        BTreeSet::from(["-100200".to_string(), "55".to_string()])
    );
    let config = credinet_store::repo::notify::channels::get(w.store.db(), owner, tg_id)
        .await
        .unwrap()
        .unwrap()
        .config;
    assert_eq!(
        ChannelConfig::parse(&config).unwrap().destinations(),
        ["-100200", "55"],
        "the channel now names the supergroup"
    );

    // One chat gets one message a second: three events to one chat go out a second apart.
    for id in 2..5 {
        event(
            &w.store,
            t,
            EventKind::PaymentRegistered,
            serde_json::json!({"id": id}),
        )
        .await;
        event(
            &w.store,
            t,
            EventKind::LoanPaid,
            serde_json::json!({"id": id}),
        )
        .await;
    }
    passes(&w, Duration::seconds(31), 1).await;
    let after_first = tg.received().len();
    assert_eq!(
        after_first,
        2 + 2,
        "one message per chat in the first second"
    );
    passes(&w, Duration::seconds(1), 1).await;
    assert_eq!(tg.received().len(), 2 + 4);
    assert_eq!(pending(&w.store, owner).await, 0);
}

async fn a_refused_or_failing_message_becomes_a_dead_letter_that_an_admin_can_retry(db: TestDb) {
    let settings = NotifySettings {
        max_attempts: 3,
        ..unpaced()
    };
    let w = world(&db, settings).await;
    let t = tenant(&w.store, "caja-dead").await;
    let other = tenant(&w.store, "caja-otra").await;
    let owner = Owner::Tenant(t);
    let (dc, wh) = (FakeDiscord::start().await, FakeHook::start().await);
    channel(&w.store, owner, "discord", discord(&dc), "*").await;
    channel(&w.store, owner, "webhook", hook(&wh), "*").await;
    dc.set(Mode::Refusing);
    wh.set(Mode::Down(503));
    event(
        &w.store,
        t,
        EventKind::LoanApproved,
        serde_json::json!({"id": 1}),
    )
    .await;
    passes(&w, Duration::seconds(31), 1).await;
    passes(&w, Duration::minutes(2), 5).await;
    let dead = messages::list(w.store.db(), owner, Some(messages::DEAD), 10)
        .await
        .unwrap();
    assert_eq!(
        dead.len(),
        2,
        "a refusal dies at once, a failing service after 3 attempts"
    );
    let by_kind: BTreeMap<i32, &notify_message::Model> =
        dead.iter().map(|m| (m.attempts, m)).collect();
    assert!(
        by_kind.contains_key(&1) && by_kind.contains_key(&3),
        "{dead:?}"
    );
    assert!(dead.iter().all(|m| m.last_error.is_some()));
    // Another tenant's admin cannot retry them; this tenant's can, once the services are back.
    for m in &dead {
        assert!(
            !admin::retry_dead(&w.store, Owner::Tenant(other), m.id)
                .await
                .unwrap()
        );
    }
    dc.set(Mode::Up);
    wh.set(Mode::Up);
    for m in &dead {
        assert!(admin::retry_dead(&w.store, owner, m.id).await.unwrap());
        assert!(
            !admin::retry_dead(&w.store, owner, m.id).await.unwrap(),
            "only a dead letter"
        );
    }
    passes(&w, Duration::seconds(1), 1).await;
    assert_eq!(dc.received().len(), 1);
    assert_eq!(wh.received().len(), 1);
    assert_eq!(pending(&w.store, owner).await, 0);
}

async fn two_workers_on_one_database_deliver_a_thousand_messages_none_twice(db: TestDb) {
    let w = world(&db, unpaced()).await;
    let t = tenant(&w.store, "caja-mil").await;
    let owner = Owner::Tenant(t);
    let wh = FakeHook::start().await;
    let channel_id = channel(&w.store, owner, "webhook", hook(&wh), "*").await;
    let tx = w.store.write().await.unwrap();
    let group = pipeline::group_id(&tx, Some(t.get()), channel_id, "payment_registered")
        .await
        .unwrap();
    let queued: Vec<NewMessage> = (0..1000)
        .map(|n| NewMessage {
            tenant_id: Some(t.get()),
            channel_id,
            group_id: group,
            kind: "payment_registered".into(),
            destination: String::new(),
            part: 1,
            parts: 1,
            occurrences: 1,
            subject: None,
            body: serde_json::json!({"n": n}).to_string(),
        })
        .collect();
    messages::insert_many(&tx, queued, w.store.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();

    // A second process: its own pools on the same database, the same (manual) time.
    let second = Store::connect(&db.url)
        .await
        .unwrap()
        .with_clock(w.clock.clone());
    let small = NotifySettings {
        batch: 25,
        ..unpaced()
    };
    let a = Notifier::new(w.store.clone(), small.clone()).unwrap();
    let b = Notifier::new(second, small).unwrap();
    let run = |n: Notifier| {
        tokio::spawn(async move {
            let mut sent = 0;
            for _ in 0..400 {
                let r = n.run_once().await.unwrap();
                sent += r.delivered.sent;
                if r.delivered.claimed == 0 {
                    break;
                }
            }
            sent
        })
    };
    let (sa, sb) = (run(a), run(b));
    let (sa, sb) = (sa.await.unwrap(), sb.await.unwrap());
    let ids: Vec<i64> = wh.received().iter().map(|d| d.message_id).collect();
    let distinct: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(
        ids.len(),
        1000,
        "received {} (worker a sent {sa}, b {sb})",
        ids.len()
    );
    assert_eq!(distinct.len(), 1000, "none twice");
    assert_eq!(sa + sb, 1000);
    assert_eq!(pending(&w.store, owner).await, 0);
}

each_backend!(
    after_a_ten_minute_outage_every_event_arrives_once_per_channel,
    markup_is_escaped_mentions_are_inert_and_long_text_is_split_within_limits,
    rate_limits_are_honoured_and_a_moved_telegram_chat_is_followed,
    a_refused_or_failing_message_becomes_a_dead_letter_that_an_admin_can_retry,
    two_workers_on_one_database_deliver_a_thousand_messages_none_twice,
);
