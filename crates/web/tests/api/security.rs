//! What every answer carries for the browser's protection, and where a login may send a person.

use crate::helpers::{PASSWORD, RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    pages_and_the_api_carry_the_security_headers,
    a_login_never_sends_a_person_to_another_site,
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
