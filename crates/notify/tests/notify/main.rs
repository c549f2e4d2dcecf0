//! The notifier end to end on every backend, against local fakes of Telegram and Discord, a signed
//! webhook receiver and a real SMTP server, with the store's clock moved by hand.

mod delivery;
mod fakes;
mod grouping;

use chrono::{Duration, TimeZone, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::TenantId;
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::notify::messages;
use credinet_store::repo::tenants;
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, migrations};

pub struct World {
    pub store: Store,
    pub clock: ManualClock,
    pub notifier: Notifier,
}

pub async fn world(db: &TestDb, settings: NotifySettings) -> World {
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 7, 15, 0, 0).unwrap());
    let store = Store::connect(&db.url)
        .await
        .expect("connect")
        .with_clock(clock.clone());
    migrations::run(&store).await.expect("migrate");
    let notifier = Notifier::new(store.clone(), settings).unwrap();
    World {
        store,
        clock,
        notifier,
    }
}

pub async fn tenant(store: &Store, slug: &str) -> TenantId {
    let new = tenants::NewTenant {
        slug: credinet_core::slug::TenantSlug::parse(slug).unwrap(),
        legal_name: format!("Financiera {slug} SA de CV"),
        zone: credinet_core::zone::Zone::mexico_city(),
        currency: credinet_core::currency::Currency::MXN,
        settings: credinet_core::tenant_settings::TenantSettings::default(),
    };
    tenants::create(store.db(), new, store.now())
        .await
        .expect("create tenant")
        .id
}

/// Adds a channel and a rule sending `kind` to it; returns the channel's id.
pub async fn channel(
    store: &Store,
    owner: Owner,
    name: &str,
    config: ChannelConfig,
    kind: &str,
) -> i64 {
    let channel = admin::add_channel(store, owner, name, &config)
        .await
        .expect("add channel");
    admin::add_rule(store, owner, kind, channel.id)
        .await
        .expect("add rule");
    channel.id
}

pub fn telegram(fake: &fakes::FakeTelegram, chats: &[&str]) -> ChannelConfig {
    ChannelConfig::Telegram {
        bot_token: "123:SECRET".into(),
        chat_ids: chats.iter().map(|c| c.to_string()).collect(),
        api_base: fake.base.clone(),
    }
}

pub fn discord(fake: &fakes::FakeDiscord) -> ChannelConfig {
    ChannelConfig::Discord {
        webhook_url: fake.webhook_url.clone(),
    }
}

pub fn hook(fake: &fakes::FakeHook) -> ChannelConfig {
    ChannelConfig::Webhook {
        url: fake.url.clone(),
        secret: fakes::HOOK_SECRET.into(),
    }
}

/// Appends a tenant event, as a lending service does in its transaction.
pub async fn event(store: &Store, tenant: TenantId, kind: EventKind, payload: serde_json::Value) {
    let tx = store.write().await.unwrap();
    events::append(
        &tx,
        tenant,
        NewEvent {
            kind,
            entity: "loan",
            entity_id: payload
                .get("id")
                .map(|v| v.to_string())
                .or_else(|| Some("1".into())),
            payload,
        },
        store.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// Moves the clock by `step` and runs a pass, `times` times.
pub async fn passes(w: &World, step: Duration, times: usize) {
    for _ in 0..times {
        w.clock.advance(step);
        w.notifier.run_once().await.expect("notification pass");
    }
}

pub async fn pending(store: &Store, owner: Owner) -> usize {
    messages::list(store.db(), owner, Some(messages::PENDING), 100_000)
        .await
        .unwrap()
        .len()
}

/// Settings without the per-chat pacing, for tests about other things.
pub fn unpaced() -> NotifySettings {
    NotifySettings {
        telegram_chat_interval_ms: 0,
        ..NotifySettings::default()
    }
}
