//! What each role may do, through the pages and the API.

use crate::helpers::{RequestExt, TestApp};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    the_approval_queue_page_is_for_those_who_approve,
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
    app.visit(&browser, "/usuarios").await.assert_status(403);
    app.visit(&browser, "/auditoria").await.assert_status(403);
    browser
        .post(app.url("/claves"))
        .form(&[("name", "x"), ("role", "admin"), ("csrf_token", &token)])
        .reply()
        .await
        .assert_status(403);
    let dashboard = app.visit(&browser, "/").await.body;
    assert!(dashboard.contains("Panel de Cajero") && !dashboard.contains("href=\"/usuarios\""));

    let viewer = app.api_key(&t, Role::Viewer).await;
    let manager = app.api_key(&t, Role::Manager).await;
    let body = json!({"email": "x@norte.mx", "full_name": "X", "role": "admin", "password": "una-clave-larga"});
    let refused = app
        .post("/v1/users", &viewer, body)
        .await
        .assert_status(403);
    assert_eq!(refused.header("content-type"), "application/problem+json");
    app.get("/v1/audit", &viewer).await.assert_status(403);
    app.get("/v1/audit", &manager).await.assert_status(200);
    app.get("/v1/users", &manager).await.assert_status(403);
}

async fn a_revoked_key_is_refused_at_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let admin = app.admin_key(&t).await;
    let created = app
        .post(
            "/v1/api-keys",
            &admin,
            json!({"name": "integración", "role": "viewer"}),
        )
        .await
        .json();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("cn_"));
    app.get("/v1/tenant", &secret).await.assert_status(200);
    let listed = app.get("/v1/api-keys", &admin).await;
    assert!(
        !listed.body.contains(&secret),
        "a key is never shown again after creation"
    );
    let id = created["id"].as_i64().unwrap();
    app.delete(&format!("/v1/api-keys/{id}"), &admin)
        .await
        .assert_status(200);
    app.get("/v1/tenant", &secret).await.assert_status(401);
}

/// The menu hides the approval queue from cashiers and viewers; the page refuses them too.
async fn the_approval_queue_page_is_for_those_who_approve(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    for (email, role, status) in [
        ("cajera@caja.mx", Role::Cashier, 403),
        ("consulta@caja.mx", Role::Viewer, 403),
        ("gerente@caja.mx", Role::Manager, 200),
    ] {
        app.user(&tenant, email, role).await;
        let browser = app.browser();
        app.signed_in(&browser, "caja", email).await;
        app.visit(&browser, "/prestamos/aprobacion")
            .await
            .assert_status_because(status, email);
    }
}
