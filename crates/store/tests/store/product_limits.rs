//! Migration 11 gives the products that existed before it the limits a product defined without them
//! gets (ADR 30): its own term only, which is all it offered, and any principal from one peso to a
//! million.

use super::tenant;
use credinet_core::lending::limits::{DEFAULT_MAX_PRINCIPAL, DEFAULT_MIN_PRINCIPAL};
use credinet_store::repo::products;
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::sea_orm::sea_query::Query;
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};

each_backend!(products_made_before_migration_11_keep_their_term_and_get_the_default_amounts);

async fn products_made_before_migration_11_keep_their_term_and_get_the_default_amounts(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run_until(&store, 10).await.unwrap();
    let t = tenant(&store, "caja-productos-viejos").await;
    let mut insert = Query::insert()
        .into_table("loan_product")
        .columns([
            "tenant_id",
            "name",
            "periodicity",
            "term_periods",
            "interest_method",
            "rate_per_period",
            "opening_commission_rate",
            "iva_rate",
            "late_fee",
            "min_days_to_first_due",
            "allocation_order",
            "rounding",
            "active",
            "created_at",
            "updated_at",
        ])
        .to_owned();
    for (name, term) in [("Quincenal 12", 12), ("Semanal 16", 16)] {
        insert.values_panic([
            t.id.get().into(),
            name.into(),
            "biweekly_cut".into(),
            term.into(),
            "flat".into(),
            "0.03".into(),
            "0".into(),
            "0.16".into(),
            0_i64.into(),
            7.into(),
            "late_fee,late_fee_iva,interest_iva,interest,principal".into(),
            "half_up".into(),
            true.into(),
            store.now().into(),
            store.now().into(),
        ]);
    }
    store.db().execute(&insert).await.unwrap();
    migrations::run(&store).await.unwrap();

    let stored = products::list(store.db(), t.id, false).await.unwrap();
    let limits: Vec<(&str, i32, i32, i64, i64)> = stored
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.min_term_periods,
                p.max_term_periods,
                p.min_principal,
                p.max_principal,
            )
        })
        .collect();
    let (min, max) = (
        DEFAULT_MIN_PRINCIPAL.centavos(),
        DEFAULT_MAX_PRINCIPAL.centavos(),
    );
    assert_eq!(
        limits,
        vec![
            ("Quincenal 12", 12, 12, min, max),
            ("Semanal 16", 16, 16, min, max)
        ],
        "on {}",
        db.backend
    );
}
