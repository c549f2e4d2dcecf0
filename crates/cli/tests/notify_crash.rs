//! Delivery survives crashes: real `credinet serve` processes deliver a stream of events to local fakes
//! of Telegram, Discord and a signed webhook, and are killed with SIGKILL at random points — while
//! routing, flushing, claiming, sending, or between a service's answer and its record — then started
//! again. At the end nothing is lost, and what is doubled is exactly what ADR 26 allows: a message whose
//! answer arrived but whose record did not, at most one per lane and kill (a Telegram chat, a Discord
//! webhook, each of the signed webhook's lanes), which the webhook's receiver drops by its
//! `X-Credinet-Message-Id`. A stop by SIGTERM doubles nothing.

#[allow(dead_code)]
#[path = "../../notify/tests/notify/fakes.rs"]
mod fakes;
#[path = "support/serving.rs"]
mod serving;

use credinet_core::events::EventKind;
use credinet_core::ids::TenantId;
use credinet_notify::{ChannelConfig, NotifySettings, Owner, admin};
use credinet_store::entities::notify_message;
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::notify::messages;
use credinet_store::repo::tenants;
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Store, migrations};
use fakes::{FakeDiscord, FakeHook, FakeTelegram};
use rand::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Kills with SIGKILL (the issue asks for at least ten).
const KILLS: usize = 12;
/// Events written while the servers are being killed, and after.
const EVENTS_PER_ROUND: usize = 25;
const EVENTS_AFTER: usize = 50;

/// A server delivering notifications quickly: no grouping delay (every pass flushes what arrived), no
/// Telegram pacing, a short lease so a killed server's claims come back within seconds.
fn serve(db_url: &str) -> Server {
    let mut command = serving::serve_command(db_url);
    command
        .env("CREDINET_SCHEDULER_ENABLED", "false")
        .env("CREDINET_NOTIFY_GROUP_WAIT_SECONDS", "0")
        .env("CREDINET_NOTIFY_GROUP_INTERVAL_SECONDS", "0")
        .env("CREDINET_NOTIFY_TELEGRAM_CHAT_INTERVAL_MS", "0")
        .env("CREDINET_NOTIFY_POLL_INTERVAL_MS", "20")
        .env("CREDINET_NOTIFY_LEASE_SECONDS", "3")
        .env("CREDINET_NOTIFY_SEND_TIMEOUT_SECONDS", "1")
        .env("CREDINET_NOTIFY_BATCH", "10");
    let (server, _url) = serving::start(command);
    Server(Some(server))
}

/// A running server, killed if the test fails before it stops it.
struct Server(Option<Child>);

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            child.kill().ok();
            child.wait().ok();
        }
    }
}

fn sigkill(mut server: Server) {
    let mut server = server.0.take().unwrap();
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
}

fn sigterm(mut server: Server) {
    let mut server = server.0.take().unwrap();
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "serve exits cleanly: {status}");
}

struct Fakes {
    telegram: FakeTelegram,
    discord: FakeDiscord,
    hook: FakeHook,
}

impl Fakes {
    fn received(&self) -> usize {
        self.telegram.received().len() + self.discord.received().len() + self.hook.received().len()
    }
}

/// Writes `n` payment events from `first` on, each in its own transaction as a lending service does,
/// with short random pauses so they arrive across several passes of the worker.
async fn write_events(store: &Store, tenant: TenantId, first: usize, n: usize) {
    for i in first..first + n {
        let tx = store.write().await.unwrap();
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
        tx.commit().await.unwrap();
        let pause = rand::thread_rng().gen_range(0..8);
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
}

/// Waits until the fakes together received `more` requests beyond `from` (or the failsafe passes).
async fn received_beyond(fakes: &Fakes, from: usize, more: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while fakes.received() < from + more && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn rows(store: &Store, owner: Owner) -> Vec<notify_message::Model> {
    messages::list(store.db(), owner, None, 1_000_000)
        .await
        .unwrap()
}

/// Waits until every event is routed and flushed and every message is sent (failsafe: two minutes).
async fn drained(store: &Store, owner: Owner, events: usize, channels: usize) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let all = rows(store, owner).await;
        let counted: i32 = all
            .iter()
            .filter(|m| m.part == 1)
            .map(|m| m.occurrences)
            .sum();
        let settled = all.iter().all(|m| m.status == messages::SENT);
        if settled && counted as usize == events * channels {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "not delivered within two minutes: {counted} of {} occurrences in messages, {} not sent",
            events * channels,
            all.iter().filter(|m| m.status != messages::SENT).count()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How often each stored message of a channel reached its fake, checking that nothing else arrived:
/// every received text is the body of one of the channel's sent messages.
fn copies_by_body(
    sent: &[&notify_message::Model],
    received: Vec<String>,
    what: &str,
) -> Vec<usize> {
    let mut copies: BTreeMap<&str, usize> = sent.iter().map(|m| (m.body.as_str(), 0)).collect();
    assert_eq!(copies.len(), sent.len(), "{what}: bodies are distinct");
    for text in &received {
        match copies.get_mut(text.as_str()) {
            Some(n) => *n += 1,
            None => panic!("{what}: received a text no message has: {text}"),
        }
    }
    copies.into_values().collect()
}

/// Checks every channel: each message arrived, none more than once beyond what the kills explain.
/// Returns the extra copies per channel (Telegram, Discord, webhook).
fn check(fakes: &Fakes, all: &[notify_message::Model], ids: [i64; 3], kills: usize) -> [usize; 3] {
    let of = |channel: i64| -> Vec<&notify_message::Model> {
        all.iter().filter(|m| m.channel_id == channel).collect()
    };
    let telegram = copies_by_body(
        &of(ids[0]),
        fakes
            .telegram
            .received()
            .into_iter()
            .map(|m| m.text)
            .collect(),
        "telegram",
    );
    let discord = copies_by_body(
        &of(ids[1]),
        fakes
            .discord
            .received()
            .into_iter()
            .map(|m| m.content)
            .collect(),
        "discord",
    );
    // The webhook's receiver keys on the message id, as ADR 26 tells integrators to.
    let hook_rows = of(ids[2]);
    let mut by_id: BTreeMap<i64, usize> = BTreeMap::new();
    for delivery in fakes.hook.received() {
        let row = hook_rows
            .iter()
            .find(|m| m.id == delivery.message_id)
            .unwrap_or_else(|| panic!("webhook: unknown message id {}", delivery.message_id));
        assert_eq!(
            delivery.body,
            serde_json::from_str::<serde_json::Value>(&row.body).unwrap(),
            "webhook: the body of message {} is the stored one",
            row.id
        );
        *by_id.entry(delivery.message_id).or_default() += 1;
    }
    assert_eq!(
        by_id.keys().copied().collect::<BTreeSet<_>>(),
        hook_rows.iter().map(|m| m.id).collect::<BTreeSet<_>>(),
        "webhook: every message id arrived (deduplicated by id: exactly once)"
    );
    assert_eq!(fakes.hook.bad_signatures(), 0);
    let webhook: Vec<usize> = by_id.into_values().collect();
    let mut extra = [0; 3];
    // Telegram and Discord are one lane each here (one chat, one webhook URL); the signed webhook is
    // spread over the default `notify_webhook_lanes` (ADR 28). One message in flight per lane: a kill
    // can double at most one per lane, and the webhook's receiver drops those by id.
    let lanes = [1, 1, NotifySettings::default().webhook_lanes as usize];
    for (i, (name, copies)) in [
        ("telegram", telegram),
        ("discord", discord),
        ("webhook", webhook),
    ]
    .into_iter()
    .enumerate()
    {
        assert!(
            copies.iter().all(|&n| n >= 1),
            "{name}: a message never arrived (lost)"
        );
        extra[i] = copies.iter().map(|n| n - 1).sum();
        assert!(
            extra[i] <= kills * lanes[i],
            "{name}: {} extra copies after {kills} kills over {} lanes",
            extra[i],
            lanes[i]
        );
    }
    extra
}

async fn nothing_lost_and_nothing_doubled_beyond_the_answer_record_window(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run(&store).await.unwrap();
    let tenant = tenants::create(
        store.db(),
        tenants::NewTenant {
            slug: credinet_core::slug::TenantSlug::parse("caja-choque").unwrap(),
            legal_name: "Caja Choque SA de CV".into(),
            zone: credinet_core::zone::Zone::mexico_city(),
            currency: credinet_core::currency::Currency::MXN,
            settings: credinet_core::tenant_settings::TenantSettings::default(),
        },
        store.now(),
    )
    .await
    .unwrap()
    .id;
    let owner = Owner::Tenant(tenant);
    let fakes = Fakes {
        telegram: FakeTelegram::start().await,
        discord: FakeDiscord::start().await,
        hook: FakeHook::start().await,
    };
    let configs = [
        (
            "telegram",
            ChannelConfig::Telegram {
                bot_token: "123:SECRET".into(),
                chat_ids: vec!["1001".into()],
                api_base: fakes.telegram.base.clone(),
            },
        ),
        (
            "discord",
            ChannelConfig::Discord {
                webhook_url: fakes.discord.webhook_url.clone(),
            },
        ),
        (
            "webhook",
            ChannelConfig::Webhook {
                url: fakes.hook.url.clone(),
                secret: fakes::HOOK_SECRET.into(),
            },
        ),
    ];
    let mut ids = [0; 3];
    for (i, (name, config)) in configs.iter().enumerate() {
        let channel = admin::add_channel(&store, owner, name, config)
            .await
            .unwrap();
        admin::add_rule(&store, owner, "*", channel.id)
            .await
            .unwrap();
        ids[i] = channel.id;
    }

    // Kills at random points: half once the fakes got a few more messages (so mostly mid-delivery),
    // half at a random time after the start (anywhere: starting, routing, flushing, claiming).
    let mut written = 0;
    for kill in 0..KILLS {
        let server = serve(&db.url);
        let before = fakes.received();
        write_events(&store, tenant, written, EVENTS_PER_ROUND).await;
        written += EVENTS_PER_ROUND;
        let (more, pause) = {
            let mut rng = rand::thread_rng();
            (rng.gen_range(1..=3), rng.gen_range(0..40))
        };
        if kill % 2 == 0 {
            received_beyond(&fakes, before, more).await;
        }
        tokio::time::sleep(Duration::from_millis(pause)).await;
        sigkill(server);
    }
    // The last start: more events, then everything is delivered.
    let server = serve(&db.url);
    write_events(&store, tenant, written, EVENTS_AFTER).await;
    written += EVENTS_AFTER;
    drained(&store, owner, written, ids.len()).await;
    let all = rows(&store, owner).await;
    let extra = check(&fakes, &all, ids, KILLS);
    eprintln!(
        "{backend:?}: {written} events, {} messages, {KILLS} kills; extra copies telegram {}, discord {}, webhook {} (dropped by id)",
        all.len(),
        extra[0],
        extra[1],
        extra[2]
    );

    // An orderly stop (SIGTERM) in the middle of delivery doubles nothing: the message being sent gets
    // its answer recorded before the process ends.
    sigterm(server);
    for _ in 0..3 {
        let server = serve(&db.url);
        let before = fakes.received();
        write_events(&store, tenant, written, EVENTS_PER_ROUND).await;
        written += EVENTS_PER_ROUND;
        received_beyond(&fakes, before, 2).await;
        sigterm(server);
    }
    let server = serve(&db.url);
    drained(&store, owner, written, ids.len()).await;
    sigterm(server);
    let all = rows(&store, owner).await;
    assert_eq!(
        check(&fakes, &all, ids, KILLS),
        extra,
        "no extra copy after the SIGTERM stops"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_servers_lose_nothing_on_sqlite() {
    nothing_lost_and_nothing_doubled_beyond_the_answer_record_window(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_servers_lose_nothing_on_postgres() {
    nothing_lost_and_nothing_doubled_beyond_the_answer_record_window(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkilled_servers_lose_nothing_on_mariadb() {
    nothing_lost_and_nothing_doubled_beyond_the_answer_record_window(Backend::MySql).await;
}
