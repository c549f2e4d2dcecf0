//! Products: defined and changed by admins, read by everyone.

use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    an_admin_changes_a_product_and_an_inactive_one_leaves_the_active_list,
    only_admins_define_products,
);

async fn an_admin_changes_a_product_and_an_inactive_one_leaves_the_active_list(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let path = format!("/v1/products/{}", l.flat);

    let product = app.get_json(&path, &l.viewer).await;
    assert_eq!(product["rate_per_period"], "0.05");
    let active = app.get_json("/v1/products?active=true", &l.viewer).await;
    assert_eq!(active["items"].as_array().unwrap().len(), 2, "{active}");

    let change = json!({"name": "Quincenal fijo 6", "periodicity": "biweekly_cut", "term_periods": 6,
        "interest_method": "flat", "rate_per_period": "0.045", "late_fee": "150.00", "active": false});
    let changed = app
        .put(&path, &l.admin, change)
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        (&changed["rate_per_period"], &changed["late_fee"]),
        (&json!("0.045"), &json!("150.00"))
    );
    let active = app.get_json("/v1/products?active=true", &l.viewer).await;
    assert_eq!(active["items"].as_array().unwrap().len(), 1, "{active}");
}

async fn only_admins_define_products(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let product = json!({"name": "Otro", "periodicity": "weekly", "term_periods": 4,
        "interest_method": "flat", "rate_per_period": "0.02"});
    app.post("/v1/products", &l.cashier, product.clone())
        .await
        .assert_status_because(403, "only admins define products");
    app.post("/v1/products", &l.admin, product)
        .await
        .assert_status(201);
}
