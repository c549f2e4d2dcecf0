//! Tenant settings are parsed when the row is read: old rows read, a corrupt setting is named.

use super::{migrated, tenant};
use credinet_core::rate::Rounding;
use credinet_store::StoreError;
use credinet_store::entities::tenant as tenant_row;
use credinet_store::repo::tenants;
use credinet_store::sea_orm::sea_query::Expr;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend};

async fn store_settings(store: &Store, id: i64, settings: Option<&str>) {
    tenant_row::Entity::update_many()
        .col_expr(
            tenant_row::Column::Settings,
            Expr::value(settings.map(str::to_string)),
        )
        .filter(tenant_row::Column::Id.eq(id))
        .exec(store.db())
        .await
        .unwrap();
}

async fn settings_stored_by_older_versions_still_read(db: TestDb) {
    let store = migrated(&db).await;
    let t = tenant(&store, "caja-settings").await;
    let id = t.id;
    for stored in [
        Some(r#"{"cut_days":[8,23],"iva_rate":"0.16","rounding":"half_up"}"#),
        Some(r#"{"cut_days": [8, 23]}"#),
        Some("{}"),
        None,
    ] {
        store_settings(&store, id.get(), stored).await;
        let read = tenants::by_id(store.db(), id).await.unwrap().unwrap();
        assert_eq!(read.settings.cut_days.days(), &[8, 23], "{stored:?}");
        assert_eq!(read.settings.rounding, Rounding::HalfUp, "{stored:?}");
    }
    store_settings(
        &store,
        id.get(),
        Some(r#"{"cut_days":[1,16],"iva_rate":"0.08","rounding":"half_even","assistant":{"on":true}}"#),
    )
    .await;
    let read = tenants::by_id(store.db(), id).await.unwrap().unwrap();
    assert_eq!(read.settings.cut_days.days(), &[1, 16]);
    assert_eq!(read.settings.iva_rate.to_string(), "0.08");
    assert_eq!(read.settings.rounding, Rounding::HalfEven);
    assert_eq!(read.settings.to_value()["assistant"]["on"], true);
}

async fn a_corrupt_setting_names_the_tenant_and_the_field(db: TestDb) {
    let store = migrated(&db).await;
    let t = tenant(&store, "caja-rota").await;
    store_settings(&store, t.id.get(), Some(r#"{"cut_days":[8,31]}"#)).await;
    match tenants::by_id(store.db(), t.id).await {
        Err(StoreError::Corrupt(what)) => {
            assert!(what.contains(&format!("tenant {}", t.id)), "{what}");
            assert!(
                what.contains("settings") && what.contains("cut_days"),
                "{what}"
            );
        }
        other => panic!("a cut day of 31 must be corrupt data, got {other:?}"),
    }
}

each_backend!(
    settings_stored_by_older_versions_still_read,
    a_corrupt_setting_names_the_tenant_and_the_field,
);
