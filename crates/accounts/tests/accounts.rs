//! The account services on their own, with no web server: their audit entries are sealed when their
//! transactions commit, and they read time from the store's clock.

use chrono::{Duration, TimeZone, Utc};
use credinet_accounts::{Accounts, TenantInput, UserInput};
use credinet_core::role::Role;
use credinet_store::repo::audit::{self, Requester};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, StoreSettings, each_backend};

async fn open(db: &TestDb) -> Store {
    Store::open(&StoreSettings {
        database_url: db.url.clone(),
        migrate_on_start: true,
        ..StoreSettings::default()
    })
    .await
    .expect("the test database opens and migrates")
}

fn tenant_input(slug: &str) -> TenantInput {
    TenantInput {
        slug: slug.into(),
        legal_name: format!("Caja {slug}"),
        time_zone: "America/Mexico_City".into(),
    }
}

each_backend!(
    a_plain_service_call_leaves_its_audit_entries_sealed,
    a_server_store_seals_in_the_background_without_being_asked,
    changes_are_dated_by_the_stores_clock,
);

async fn a_plain_service_call_leaves_its_audit_entries_sealed(db: TestDb) {
    let store = open(&db).await;
    let accounts = Accounts::new(&store);
    let by = Requester::cli();
    let tenant = accounts
        .create_tenant(tenant_input("caja-sellada"), &by)
        .await
        .unwrap();
    let user = UserInput {
        email: "cajera@caja.mx".into(),
        full_name: "Carmen Cajera".into(),
        role: Role::Cashier,
        password: "contraseña-segura-1".into(),
    };
    accounts.create_user(tenant.id, user, &by).await.unwrap();
    accounts
        .create_api_key(tenant.id, "integración", Role::Viewer, None, &by)
        .await
        .unwrap();

    // Nobody called a sealer: the store did, as each change committed.
    let entries = audit::list(store.db(), tenant.id, None, 100).await.unwrap();
    assert_eq!(entries.len(), 3, "tenant, user and key were each audited");
    assert!(
        entries.iter().all(|e| e.seq.is_some() && e.hash.is_some()),
        "every entry has its place in the chain: {entries:?}"
    );
    let an_hour_later = store.now() + Duration::hours(1);
    let check = audit::verify(store.db(), tenant.id, an_hour_later)
        .await
        .unwrap();
    assert_eq!(
        (
            check.sealed,
            check.first_broken,
            check.stale_unsealed,
            check.unqueued
        ),
        (3, None, 0, 0)
    );
}

async fn a_server_store_seals_in_the_background_without_being_asked(db: TestDb) {
    let store = open(&db).await;
    store.seal_in_background();
    let tenant = Accounts::new(&store)
        .create_tenant(tenant_input("caja-servidor"), &Requester::cli())
        .await
        .unwrap();
    // The background sealer runs shortly after the commit; wait for it without timing it (the bound
    // only stops a broken sealer from hanging the test run).
    let mut sealed = 0;
    for _ in 0..600 {
        sealed = audit::chain_head(store.db(), tenant.id)
            .await
            .unwrap()
            .map_or(0, |(seq, _)| seq);
        if sealed == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        sealed, 1,
        "the tenant's creation was chained in the background"
    );
}

async fn changes_are_dated_by_the_stores_clock(db: TestDb) {
    // 23:59 on the 7th in Mexico City is already the 8th in UTC.
    let late_evening = Utc.with_ymd_and_hms(2026, 12, 8, 5, 59, 0).unwrap();
    let clock = ManualClock::starting_at(late_evening);
    let store = open(&db).await.with_clock(clock.clone());
    let accounts = Accounts::new(&store);
    let tenant = accounts
        .create_tenant(tenant_input("caja-reloj"), &Requester::cli())
        .await
        .unwrap();
    clock.advance(Duration::days(30));
    let key = accounts
        .create_api_key(
            tenant.id,
            "más tarde",
            Role::Viewer,
            None,
            &Requester::cli(),
        )
        .await
        .unwrap()
        .0;

    assert_eq!(tenant.created_at, late_evening);
    assert_eq!(key.created_at, late_evening + Duration::days(30));
    let dates: Vec<_> = audit::list(store.db(), tenant.id, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.at)
        .collect();
    assert_eq!(dates, [late_evening + Duration::days(30), late_evening]);
}
