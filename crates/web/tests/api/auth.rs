//! Signing in and out of the pages: sessions, lockouts, CSRF, and the audit of each.

use crate::helpers::{PASSWORD, RequestExt, TestApp, USER_AGENT, hidden_csrf, meta_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::{audit, users};
use credinet_store::testing::TestDb;

each_backend!(
    a_staff_member_signs_in_and_out_and_both_are_audited_with_ip_and_user_agent,
    a_wrong_password_is_refused_and_audited_without_saying_which_part_was_wrong,
    five_failures_lock_the_account_even_for_the_right_password,
    a_form_without_its_csrf_token_changes_nothing,
    the_login_form_refuses_a_post_without_its_csrf_cookie,
    pages_need_a_session_and_send_strangers_to_the_login,
);

async fn a_staff_member_signs_in_and_out_and_both_are_audited_with_ip_and_user_agent(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-norte").await;
    app.user(&tenant, "ana@norte.mx", Role::Admin).await;
    let browser = app.browser();

    let signed_in = app
        .login(&browser, "caja-norte", "Ana@Norte.mx", PASSWORD)
        .await
        .assert_status(303);
    let cookie = signed_in
        .cookies()
        .find(|c| c.starts_with("credinet_session="))
        .unwrap_or_else(|| panic!("a session cookie is set: {signed_in}"));
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain http in tests: no Secure flag ({cookie})"
    );

    let html = app.visit(&browser, "/").await.assert_status(200).body;
    assert!(
        html.contains("Panel de Administrador"),
        "the admin dashboard is shown"
    );
    let token = meta_csrf(&html);
    browser
        .post(app.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .reply()
        .await
        .assert_status(303);
    app.visit(&browser, "/")
        .await
        .assert_status_because(303, "after logout the dashboard sends to the login page");

    let entries = audit::list(app.app_store.db(), tenant.id, None, 50)
        .await
        .unwrap();
    for action in ["user_login", "user_logout"] {
        let entry = entries
            .iter()
            .find(|e| e.action == action)
            .unwrap_or_else(|| panic!("{action} is audited"));
        assert_eq!(entry.ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(entry.user_agent.as_deref(), Some(USER_AGENT));
        assert_eq!(entry.actor_label, "ana@norte.mx");
    }
}

async fn a_wrong_password_is_refused_and_audited_without_saying_which_part_was_wrong(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-norte").await;
    app.user(&tenant, "ana@norte.mx", Role::Admin).await;
    let browser = app.browser();

    let wrong_password = app
        .login(&browser, "caja-norte", "ana@norte.mx", "no-es-la-clave")
        .await
        .assert_status(401);
    assert!(
        wrong_password
            .body
            .contains("Empresa, correo o contraseña incorrectos.")
    );
    app.login(&browser, "caja-norte", "nadie@norte.mx", PASSWORD)
        .await
        .assert_status_because(401, "an unknown email");
    app.login(&browser, "caja-sur", "ana@norte.mx", PASSWORD)
        .await
        .assert_status_because(401, "an unknown tenant");

    let failures: Vec<_> = audit::list(app.app_store.db(), tenant.id, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "user_login_failed")
        .collect();
    assert_eq!(failures.len(), 2, "both failures in the tenant are audited");
    assert!(
        failures
            .iter()
            .all(|e| e.ip.as_deref() == Some("127.0.0.1"))
    );
    assert!(
        failures
            .iter()
            .all(|e| !e.after.as_deref().unwrap_or("").contains("no-es-la-clave")),
        "never the password"
    );
}

async fn five_failures_lock_the_account_even_for_the_right_password(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-norte").await;
    app.user(&tenant, "ana@norte.mx", Role::Cashier).await;
    app.user(&tenant, "beto@norte.mx", Role::Cashier).await;
    let browser = app.browser();
    for _ in 0..5 {
        app.login(&browser, "caja-norte", "ana@norte.mx", "equivocada-123")
            .await
            .assert_status(401);
    }
    let locked = app
        .login(&browser, "caja-norte", "ana@norte.mx", PASSWORD)
        .await
        .assert_status_because(
            429,
            "the sixth attempt is refused even with the right password",
        );
    assert!(locked.body.contains("bloqueada"), "{locked}");
    app.login(&app.browser(), "caja-norte", "beto@norte.mx", PASSWORD)
        .await
        .assert_status_because(303, "another user of the tenant is not locked");
    let audited = audit::list(app.app_store.db(), tenant.id, None, 50)
        .await
        .unwrap();
    assert!(
        audited.iter().any(|e| e.action == "user_login_failed"
            && e.after
                .as_deref()
                .unwrap_or("")
                .contains("\"locks_account\":true")),
        "the failure that locked the account says so"
    );
}

async fn a_form_without_its_csrf_token_changes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-norte").await;
    app.user(&tenant, "ana@norte.mx", Role::Admin).await;
    let browser = app.browser();
    let token = app.signed_in(&browser, "caja-norte", "ana@norte.mx").await;
    let form = |csrf: &str| {
        vec![
            ("full_name", "Intrusa".to_string()),
            ("email", "intrusa@norte.mx".to_string()),
            ("role", "admin".to_string()),
            ("password", "una-clave-larga".to_string()),
            ("csrf_token", csrf.to_string()),
        ]
    };
    let new_user = || browser.post(app.url("/usuarios"));
    let intruder_exists = || async {
        users::credentials(app.app_store.db(), tenant.id, "intrusa@norte.mx")
            .await
            .unwrap()
            .is_some()
    };

    new_user()
        .form(&form("")[..4])
        .reply()
        .await
        .assert_status_because(403, "no token");
    new_user()
        .form(&form(&"0".repeat(64)))
        .reply()
        .await
        .assert_status_because(403, "a wrong token");
    new_user()
        .header("x-csrf-token", "nope")
        .form(&form(&token))
        .reply()
        .await
        .assert_status_because(403, "a wrong header token is not rescued by the form field");
    assert!(!intruder_exists().await);

    new_user()
        .form(&form(&token))
        .reply()
        .await
        .assert_status(303);
    assert!(intruder_exists().await);
}

async fn the_login_form_refuses_a_post_without_its_csrf_cookie(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-norte").await;
    app.user(&tenant, "ana@norte.mx", Role::Admin).await;
    // A token taken from one browser, replayed from another that never loaded the form (a forged post).
    let page = app.visit(&app.browser(), "/login").await;
    let token = hidden_csrf(&page.body);
    let forged = app
        .browser()
        .post(app.url("/login"))
        .form(&[
            ("tenant", "caja-norte"),
            ("email", "ana@norte.mx"),
            ("password", PASSWORD),
            ("csrf_token", &token),
        ])
        .reply()
        .await
        .assert_status(403);
    assert!(
        !forged.cookies().any(|c| c.starts_with("credinet_session=")),
        "no session for a forged post: {forged}"
    );
}

async fn pages_need_a_session_and_send_strangers_to_the_login(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let stranger = app.browser();
    let page = app.visit(&stranger, "/usuarios").await.assert_status(303);
    assert_eq!(page.header("location"), "/login?next=%2Fusuarios");
    stranger
        .post(app.url("/usuarios"))
        .form(&[("full_name", "x")])
        .reply()
        .await
        .assert_status(403);
    app.browser()
        .get(app.url("/"))
        .header("cookie", format!("credinet_session={}", "a".repeat(64)))
        .reply()
        .await
        .assert_status_because(303, "a forged session cookie is a stranger's");
}
