//! What every answer carries for the browser's protection, and where a login may send a person.

use crate::helpers::{PASSWORD, RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    pages_and_the_api_carry_the_security_headers,
    a_login_never_sends_a_person_to_another_site,
    a_control_character_in_any_text_is_refused_alike_on_every_backend,
);

async fn pages_and_the_api_carry_the_security_headers(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    let key = app.admin_key(&tenant).await;
    let page = app
        .browser()
        .get(app.url("/login"))
        .reply()
        .await
        .assert_status(200);
    let api = app
        .api()
        .get(app.url("/v1/clients"))
        .bearer_auth(&key)
        .reply()
        .await
        .assert_status(200);
    for reply in [&page, &api] {
        assert!(
            reply
                .header("content-security-policy")
                .contains("frame-ancestors 'none'")
                && !reply
                    .header("content-security-policy")
                    .contains("unsafe-inline"),
            "{}",
            reply.header("content-security-policy")
        );
        assert_eq!(reply.header("x-frame-options"), "DENY");
        assert_eq!(reply.header("x-content-type-options"), "nosniff");
        assert_eq!(reply.header("referrer-policy"), "same-origin");
        assert_eq!(
            reply.header("cache-control"),
            "no-store",
            "personal data is never cached"
        );
    }
    let asset = app
        .browser()
        .get(app.url("/assets/app.css"))
        .reply()
        .await
        .assert_status(200);
    assert!(
        asset.header("cache-control").contains("max-age"),
        "assets stay cacheable"
    );
}

async fn a_login_never_sends_a_person_to_another_site(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    app.user(&tenant, "ana@caja.mx", Role::Admin).await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\u{1}x",
    ] {
        let browser = app.browser();
        let page = browser.get(app.url("/login")).reply().await;
        let token = hidden_csrf(&page.body);
        let signed_in = browser
            .post(app.url("/login"))
            .form(&[
                ("tenant", "caja"),
                ("email", "ana@caja.mx"),
                ("password", PASSWORD),
                ("csrf_token", &token),
                ("next", next),
            ])
            .reply()
            .await
            .assert_status(303);
        assert_eq!(signed_in.header("location"), "/", "next = {next:?}");
    }
}

/// PostgreSQL refuses a NUL in text where SQLite and MariaDB store it: every text a person or an
/// integration sends is checked before the database, so all three answer the same 422 (or, for the
/// login form, the same refusal) and store nothing.
async fn a_control_character_in_any_text_is_refused_alike_on_every_backend(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let sent = [
        (
            "/v1/clients",
            json!({"full_name": "Ana\u{0}Ruiz", "phone": "5512345678"}),
            &l.cashier,
        ),
        (
            "/v1/clients",
            json!({"full_name": "Ana Ruiz", "phone": "5512345678", "address": "Calle 5\u{1b}[2J"}),
            &l.cashier,
        ),
        (
            "/v1/products",
            json!({"name": "Quincenal\u{0}", "periodicity": "biweekly_cut", "term_periods": 6,
                "interest_method": "flat", "rate_per_period": "0.05"}),
            &l.admin,
        ),
        (
            &format!("/v1/loans/{}/payments", loan.id),
            json!({"amount": "100.00", "method": "cash", "reference": "ref\u{0}"}),
            &l.cashier,
        ),
        (
            "/v1/users",
            json!({"email": "ana\u{0}@caja.mx", "full_name": "Ana", "role": "viewer", "password": PASSWORD}),
            &l.admin,
        ),
        (
            "/v1/api-keys",
            json!({"name": "erp\u{7}", "role": "viewer"}),
            &l.admin,
        ),
    ];
    for (path, body, key) in sent {
        let refused = app.post(path, key, body).await.assert_problem(422);
        let detail = refused.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            !detail.contains('\u{0}'),
            "the value is not echoed: {detail:?}"
        );
    }
    app.get("/v1/clients?q=%00", &l.viewer)
        .await
        .assert_problem(422);
    let clients = app.get_json("/v1/clients", &l.viewer).await;
    assert_eq!(
        clients["total"], 1,
        "only the loan's client exists: {clients}"
    );

    let browser = app.browser();
    let refused = app
        .login(&browser, "caja", "ana\u{0}@caja.mx", PASSWORD)
        .await;
    refused.assert_status_because(401, "a NUL in the email is a refusal, not an error");
}
