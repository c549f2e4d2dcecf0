//! Tenant B tries to cross into tenant A through every route that names a user, a key or an audit entry.

use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::{api_keys, audit, users};
use credinet_store::testing::TestDb;
use serde_json::{Value, json};

each_backend!(
    tenant_b_cannot_read_or_change_tenant_a_through_the_api,
    tenant_b_cannot_read_or_change_tenant_a_through_the_pages,
);

async fn tenant_b_cannot_read_or_change_tenant_a_through_the_api(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = app.tenant("caja-a").await;
    let b = app.tenant("caja-b").await;
    let ana = app.user(&a, "ana@a.mx", Role::Cashier).await;
    let a_key = app.api_key(&a, Role::Admin).await;
    let b_key = app.api_key(&b, Role::Admin).await;
    let a_key_row = api_keys::list(app.app_store.db(), a.id)
        .await
        .unwrap()
        .remove(0);
    let a_entry = audit::list(app.app_store.db(), a.id, None, 1)
        .await
        .unwrap()
        .remove(0);
    let api = app.api();
    let as_b = |req: reqwest::RequestBuilder| req.bearer_auth(&b_key);

    for path in [
        format!("/v1/users/{}", ana.id),
        format!("/v1/api-keys/{}", a_key_row.id),
        format!("/v1/audit/{}", a_entry.id),
    ] {
        let r = as_b(api.get(app.url(&path))).send().await.unwrap();
        assert_eq!(r.status(), 404, "GET {path} with B's key");
    }
    let patch = as_b(api.patch(app.url(&format!("/v1/users/{}", ana.id))))
        .json(&json!({"role": "admin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), 404);
    assert_eq!(
        users::get(app.app_store.db(), a.id, ana.id)
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Cashier
    );
    let revoke = as_b(api.delete(app.url(&format!("/v1/api-keys/{}", a_key_row.id))))
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 404);
    assert_eq!(
        api.get(app.url("/v1/tenant"))
            .bearer_auth(&a_key)
            .send()
            .await
            .unwrap()
            .status(),
        200,
        "A's key still works"
    );

    let listed: Value = as_b(api.get(app.url("/v1/users")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        0,
        "B lists none of A's users: {listed}"
    );
    let keys: Value = as_b(api.get(app.url("/v1/api-keys")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        keys["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["id"] != json!(a_key_row.id.get()))
    );
    let log: Value = as_b(api.get(app.url("/v1/audit?per_page=500")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log["items"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(
        entries
            .iter()
            .all(|e| e["id"] != json!(a_entry.id.get()) && !e.to_string().contains("ana@a.mx"))
    );
    let tenant: Value = as_b(api.get(app.url("/v1/tenant")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tenant["slug"], "caja-b");
}

async fn tenant_b_cannot_read_or_change_tenant_a_through_the_pages(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = app.tenant("caja-a").await;
    let b = app.tenant("caja-b").await;
    let ana = app.user(&a, "ana@a.mx", Role::Cashier).await;
    app.api_key(&a, Role::Admin).await;
    let a_key = api_keys::list(app.app_store.db(), a.id)
        .await
        .unwrap()
        .remove(0);
    app.user(&b, "beto@b.mx", Role::Admin).await;
    let browser = app.browser();
    let token = app.signed_in(&browser, "caja-b", "beto@b.mx").await;

    let change = browser
        .post(app.url(&format!("/usuarios/{}", ana.id)))
        .form(&[
            ("role", "admin"),
            ("active", "false"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), 404);
    let after = users::get(app.app_store.db(), a.id, ana.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((after.role, after.active), (Role::Cashier, true));

    let revoke = browser
        .post(app.url(&format!("/claves/{}/revocar", a_key.id)))
        .form(&[("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 404);
    assert!(
        api_keys::get(app.app_store.db(), a.id, a_key.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_none()
    );

    for path in ["/usuarios", "/claves", "/auditoria"] {
        let html = browser
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            !html.contains("ana@a.mx") && !html.contains("Caja caja-a"),
            "{path} shows nothing of tenant A"
        );
    }
}
