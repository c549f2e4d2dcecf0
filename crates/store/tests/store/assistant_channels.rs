//! Each tenant's assistant channel credentials on every backend: one row per tenant, replaced when saved
//! again, and a Cloud API number that finds its tenant and belongs to one tenant only.

use super::{migrated, tenant};
use credinet_store::each_backend;
use credinet_store::repo::assistant_channels;
use credinet_store::testing::TestDb;

async fn a_tenants_channels_are_saved_once_and_found_by_the_cloud_number(db: TestDb) {
    let store = migrated(&db).await;
    let (a, b) = (
        tenant(&store, "caja-a").await,
        tenant(&store, "caja-b").await,
    );
    assert!(
        assistant_channels::get(store.db(), a.id)
            .await
            .unwrap()
            .is_none()
    );

    let mut config = assistant_channels::unconfigured(a.id, store.now());
    config.autoresponder_token_digest = Some("ab".repeat(32));
    config.cloud_phone_number_id = Some("106540352242922".into());
    config.cloud_app_secret = Some("app-secret".into());
    let saved = assistant_channels::save(store.db(), a.id, &config, store.now())
        .await
        .unwrap();
    config.group_replies = true;
    let again = assistant_channels::save(store.db(), a.id, &config, store.now())
        .await
        .unwrap();
    assert_eq!(saved.id, again.id, "one row per tenant, replaced");
    assert!(again.group_replies);

    let found = assistant_channels::by_cloud_number(store.db(), "106540352242922")
        .await
        .unwrap()
        .expect("the number finds its tenant");
    assert_eq!(found.tenant_id, a.id.get());
    assert!(
        format!("{found:?}").contains("set") && !format!("{found:?}").contains("app-secret"),
        "Debug names which secrets are set, never their values"
    );

    let mut theirs = assistant_channels::unconfigured(b.id, store.now());
    theirs.cloud_phone_number_id = Some("106540352242922".into());
    let err = assistant_channels::save(store.db(), b.id, &theirs, store.now())
        .await
        .expect_err("a number belongs to one tenant");
    assert!(err.is_unique_violation(), "{err:?}");
    theirs.cloud_phone_number_id = None;
    assistant_channels::save(store.db(), b.id, &theirs, store.now())
        .await
        .expect("two tenants without a Cloud API number");
}

each_backend!(a_tenants_channels_are_saved_once_and_found_by_the_cloud_number,);
