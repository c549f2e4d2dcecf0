//! What each role may do, through the pages and the API.

use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    only_admins_manage_users_and_keys_and_viewers_never_write,
    a_revoked_key_is_refused_at_once,
);

async fn only_admins_manage_users_and_keys_and_viewers_never_write(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    app.user(&t, "carmen@norte.mx", Role::Cashier).await;
    let browser = app.browser();
    let token = app
        .signed_in(&browser, "caja-norte", "carmen@norte.mx")
        .await;
    assert_eq!(
        browser
            .get(app.url("/usuarios"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        browser
            .get(app.url("/auditoria"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let create = browser
        .post(app.url("/claves"))
        .form(&[("name", "x"), ("role", "admin"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(create.status(), 403);
    let dashboard = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(dashboard.contains("Panel de Cajero") && !dashboard.contains("href=\"/usuarios\""));

    let viewer = app.api_key(&t, Role::Viewer).await;
    let manager = app.api_key(&t, Role::Manager).await;
    let api = app.api();
    let body = json!({"email": "x@norte.mx", "full_name": "X", "role": "admin", "password": "una-clave-larga"});
    let refused = api
        .post(app.url("/v1/users"))
        .bearer_auth(&viewer)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );
    assert_eq!(
        api.get(app.url("/v1/audit"))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        api.get(app.url("/v1/audit"))
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        api.get(app.url("/v1/users"))
            .bearer_auth(&manager)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}

async fn a_revoked_key_is_refused_at_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let admin = app.api_key(&t, Role::Admin).await;
    let api = app.api();
    let created: serde_json::Value = api
        .post(app.url("/v1/api-keys"))
        .bearer_auth(&admin)
        .json(&json!({"name": "integración", "role": "viewer"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cn_"));
    assert_eq!(
        api.get(app.url("/v1/tenant"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let listed: serde_json::Value = api
        .get(app.url("/v1/api-keys"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        !listed.to_string().contains(&secret),
        "a key is never shown again after creation"
    );
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        api.delete(app.url(&format!("/v1/api-keys/{id}")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let after = api
        .get(app.url("/v1/tenant"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
}
