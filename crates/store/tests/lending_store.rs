//! The lending tables on every backend: business dates round-trip, counters never repeat, holidays seed
//! once.

use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_store::repo::{clients, counters, holidays, tenants};
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};

async fn migrated(db: &TestDb) -> (Store, TenantId) {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    let new = tenants::NewTenant {
        slug: TenantSlug::parse("financiera-a").unwrap(),
        legal_name: "Financiera A".into(),
        zone: Zone::mexico_city(),
        currency: credinet_core::currency::Currency::MXN,
        settings: credinet_core::tenant_settings::TenantSettings::default(),
    };
    let tenant = tenants::create(store.db(), new, store.now()).await.unwrap();
    (store, tenant.id)
}

each_backend!(
    business_dates_round_trip_as_civil_dates,
    a_tenant_counter_never_gives_the_same_number_twice,
    seeding_holidays_twice_keeps_one_row_per_date,
);

async fn business_dates_round_trip_as_civil_dates(db: TestDb) {
    let (store, tenant) = migrated(&db).await;
    for date in [
        NaiveDate::from_ymd_opt(1950, 2, 28).unwrap(),
        NaiveDate::from_ymd_opt(2000, 2, 29).unwrap(),
        NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(),
    ] {
        let fields = clients::ClientFields {
            full_name: "Ana".into(),
            phone: "+525512345678".into(),
            curp: None,
            rfc: None,
            birth_date: Some(date),
            address: None,
            notes: None,
        };
        let row = clients::insert(store.db(), tenant, fields, store.now())
            .await
            .unwrap();
        let back = clients::get(
            store.db(),
            tenant,
            credinet_core::ids::ClientId::new(row.id),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(back.birth_date, Some(date), "{}", db.backend);
    }
}

async fn a_tenant_counter_never_gives_the_same_number_twice(db: TestDb) {
    let (store, tenant) = migrated(&db).await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let tx = store.write().await.unwrap();
            let n = counters::next(&tx, tenant, "loan").await.unwrap();
            tx.commit().await.unwrap();
            n
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    got.sort_unstable();
    assert_eq!(got, (1..=20).collect::<Vec<i64>>(), "{}", db.backend);
}

async fn seeding_holidays_twice_keeps_one_row_per_date(db: TestDb) {
    let (store, tenant) = migrated(&db).await;
    let list: Vec<(NaiveDate, String)> =
        credinet_core::lending::holidays::mexican_bank_holidays(2026)
            .into_iter()
            .map(|(d, n)| (d, n.to_string()))
            .collect();
    holidays::add_missing(store.db(), tenant, &list)
        .await
        .unwrap();
    holidays::add_missing(store.db(), tenant, &list)
        .await
        .unwrap();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    );
    let stored = holidays::between(store.db(), tenant, from, to)
        .await
        .unwrap();
    assert_eq!(stored.len(), list.len(), "{}", db.backend);
}
