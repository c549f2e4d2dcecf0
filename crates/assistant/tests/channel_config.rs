//! Setting a tenant's channel credentials on every backend: a token made once and kept as its digest,
//! bad values refused by name, a Cloud API number that belongs to one tenant, every change audited
//! without its secrets.

use credinet_assistant::channel_config::{self, ChannelChange, ConfigError};
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::{self, NewTenant, Tenant};
use credinet_store::repo::{assistant_channels, audit};
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};

async fn tenant(store: &Store, slug: &str) -> Tenant {
    tenants::create(
        store.db(),
        NewTenant {
            slug: TenantSlug::parse(slug).unwrap(),
            legal_name: slug.into(),
            zone: Zone::mexico_city(),
            currency: credinet_core::currency::Currency::MXN,
            settings: credinet_core::tenant_settings::TenantSettings::default(),
        },
        store.now(),
    )
    .await
    .unwrap()
}

async fn credentials_are_set_once_checked_and_audited_without_secrets(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run(&store).await.unwrap();
    let (a, b) = (
        tenant(&store, "caja-a").await,
        tenant(&store, "caja-b").await,
    );
    let change = ChannelChange {
        new_autoresponder_token: true,
        autoresponder_header: Some(Some("X-Credinet-Token".into())),
        cloud_phone_number_id: Some(Some("106540352242922".into())),
        cloud_app_secret: Some(Some("s3cr3t-app".into())),
        ..ChannelChange::default()
    };
    let done = channel_config::configure(&store, a.id, change, &Requester::cli())
        .await
        .unwrap();
    let token = done.autoresponder_token.expect("a new token is shown once");
    assert_eq!(
        done.config.autoresponder_token_digest,
        Some(credinet_accounts::token::digest(&token)),
        "only the digest is stored"
    );

    let bad_header = ChannelChange {
        autoresponder_header: Some(Some("Authorization".into())),
        ..ChannelChange::default()
    };
    assert!(matches!(
        channel_config::configure(&store, a.id, bad_header, &Requester::cli()).await,
        Err(ConfigError::HeaderName(_))
    ));
    let taken = ChannelChange {
        cloud_phone_number_id: Some(Some("106540352242922".into())),
        ..ChannelChange::default()
    };
    assert!(matches!(
        channel_config::configure(&store, b.id, taken, &Requester::cli()).await,
        Err(ConfigError::NumberTaken)
    ));
    assert!(
        assistant_channels::get(store.db(), b.id)
            .await
            .unwrap()
            .is_none(),
        "nothing half-written"
    );

    let entries = audit::list(store.db(), a.id, None, 10).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == "assistant_channels_configured")
        .expect("the change is audited");
    let after = entry.after.clone().unwrap_or_default();
    assert!(
        !after.contains("s3cr3t-app") && !after.contains(&token),
        "{after}"
    );
}

each_backend!(credentials_are_set_once_checked_and_audited_without_secrets,);
