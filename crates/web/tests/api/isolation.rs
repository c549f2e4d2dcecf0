//! Tenant B tries to cross into tenant A through every route that names a user, a key, an audit
//! entry, a client, a product, a loan or a payment: each answers 404, as if A's row did not exist.

use crate::helpers::{RequestExt, TestApp, cash_payment};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::{api_keys, audit, users};
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    tenant_b_cannot_read_or_change_tenant_a_through_the_api,
    tenant_b_cannot_read_or_change_tenant_a_through_the_pages,
    tenant_b_cannot_see_or_touch_tenant_a_lending_data,
);

async fn tenant_b_cannot_read_or_change_tenant_a_through_the_api(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = app.tenant("caja-a").await;
    let b = app.tenant("caja-b").await;
    let ana = app.user(&a, "ana@a.mx", Role::Cashier).await;
    let a_key = app.admin_key(&a).await;
    let b_key = app.admin_key(&b).await;
    let a_key_row = api_keys::list(app.app_store.db(), a.id)
        .await
        .unwrap()
        .remove(0);
    let a_entry = audit::list(app.app_store.db(), a.id, None, 1)
        .await
        .unwrap()
        .remove(0);

    for path in [
        format!("/v1/users/{}", ana.id),
        format!("/v1/api-keys/{}", a_key_row.id),
        format!("/v1/audit/{}", a_entry.id),
    ] {
        app.get(&path, &b_key)
            .await
            .assert_status_because(404, "with B's key");
    }
    app.patch(
        &format!("/v1/users/{}", ana.id),
        &b_key,
        json!({"role": "admin"}),
    )
    .await
    .assert_status(404);
    assert_eq!(
        users::get(app.app_store.db(), a.id, ana.id)
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Cashier
    );
    app.delete(&format!("/v1/api-keys/{}", a_key_row.id), &b_key)
        .await
        .assert_status(404);
    app.get("/v1/tenant", &a_key)
        .await
        .assert_status_because(200, "A's key still works");

    let listed = app.get_json("/v1/users", &b_key).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "B lists none of A's users: {listed}"
    );
    let keys = app.get_json("/v1/api-keys", &b_key).await;
    assert!(
        keys["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != json!(a_key_row.id.get()))
    );
    let log = app.get_json("/v1/audit?per_page=500", &b_key).await;
    let entries = log["items"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e["id"] != json!(a_entry.id.get()) && !e.to_string().contains("ana@a.mx"))
    );
    let tenant = app.get_json("/v1/tenant", &b_key).await;
    assert_eq!(tenant["slug"], "caja-b");
}

async fn tenant_b_cannot_read_or_change_tenant_a_through_the_pages(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = app.tenant("caja-a").await;
    let b = app.tenant("caja-b").await;
    let ana = app.user(&a, "ana@a.mx", Role::Cashier).await;
    app.admin_key(&a).await;
    let a_key = api_keys::list(app.app_store.db(), a.id)
        .await
        .unwrap()
        .remove(0);
    app.user(&b, "beto@b.mx", Role::Admin).await;
    let browser = app.browser();
    let token = app.signed_in(&browser, "caja-b", "beto@b.mx").await;

    browser
        .post(app.url(&format!("/usuarios/{}", ana.id)))
        .form(&[
            ("role", "admin"),
            ("active", "false"),
            ("csrf_token", &token),
        ])
        .reply()
        .await
        .assert_status(404);
    let after = users::get(app.app_store.db(), a.id, ana.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.role, after.active), (Role::Cashier, true));

    browser
        .post(app.url(&format!("/claves/{}/revocar", a_key.id)))
        .form(&[("csrf_token", &token)])
        .reply()
        .await
        .assert_status(404);
    assert!(
        api_keys::get(app.app_store.db(), a.id, a_key.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );

    for path in ["/usuarios", "/claves", "/auditoria"] {
        let html = app.visit(&browser, path).await.body;
        assert!(
            !html.contains("ana@a.mx") && !html.contains("Caja caja-a"),
            "{path} shows nothing of tenant A"
        );
    }
}

async fn tenant_b_cannot_see_or_touch_tenant_a_lending_data(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = app.lender("caja-a").await;
    let b = app.lender("caja-b").await;
    let loan = app.disbursed_loan(&a, a.flat, "10000.00").await;
    let (id, client) = (loan.id, loan.client);
    let payment = app.pay(id, "100.00", &a.cashier).await;

    for path in [
        format!("/v1/clients/{client}"),
        format!("/v1/loans/{id}"),
        format!("/v1/loans/{id}/payments"),
        format!("/v1/payments/{payment}"),
        format!("/v1/products/{}", a.flat),
    ] {
        app.get(&path, &b.admin).await.assert_status(404);
    }
    let reason = json!({"reason": "x"});
    let writes = [
        (
            format!("/v1/loans/{id}/payments"),
            cash_payment("100.00"),
            &b.cashier,
        ),
        (format!("/v1/loans/{id}/approve"), json!({}), &b.manager),
        (
            format!("/v1/loans/{id}/write-off"),
            reason.clone(),
            &b.manager,
        ),
        (
            format!("/v1/payments/{payment}/reversal"),
            reason,
            &b.manager,
        ),
        (
            "/v1/loans".to_string(),
            json!({"client_id": client, "product_id": b.flat, "principal": "100"}),
            &b.cashier,
        ),
        (
            "/v1/loans".to_string(),
            json!({"client_id": client, "product_id": a.flat, "principal": "100"}),
            &b.cashier,
        ),
    ];
    for (path, body, key) in writes {
        app.post(&path, key, body).await.assert_status(404);
    }
    let stolen = json!({"full_name": "Robado", "phone": "5500000000"});
    app.put(&format!("/v1/clients/{client}"), &b.admin, stolen)
        .await
        .assert_status(404);
    let a_loan = app.loan(id, &a.viewer).await;
    assert_eq!(
        a_loan["loan"]["outstanding"], "13380.00",
        "A's loan is untouched"
    );
    for path in ["/v1/loans", "/v1/clients", "/v1/payments"] {
        assert_eq!(
            app.get_json(path, &b.admin).await["total"],
            0,
            "B lists nothing of A at {path}"
        );
    }
    let csv = app.get("/v1/exports/clients.csv", &b.admin).await;
    assert!(
        !csv.assert_status(200).body.contains("María López"),
        "B's export holds nothing of A"
    );
}
