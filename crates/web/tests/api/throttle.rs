//! The throttles in front of sign-in and of the API-key check, and the lockout behind them, over HTTP.

use crate::helpers::{PASSWORD, RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::entities::login_attempt;
use credinet_store::sea_orm::{EntityTrait, PaginatorTrait};
use credinet_store::testing::TestDb;

each_backend!(
    sign_in_over_the_account_throttle_gets_a_spanish_429_with_retry_after,
    a_burst_of_thirty_whose_last_guess_is_right_does_not_sign_in,
    an_address_sending_bad_keys_gets_a_429_problem_and_good_keys_still_pass,
    a_login_cookie_not_signed_here_is_refused,
);

async fn attempts_recorded(app: &TestApp) -> u64 {
    login_attempt::Entity::find()
        .count(app.app_store.db())
        .await
        .unwrap()
}

async fn sign_in_over_the_account_throttle_gets_a_spanish_429_with_retry_after(db: TestDb) {
    let app = TestApp::spawn_with(db, |http| http.sign_in_per_minute_per_account = 3).await;
    let tenant = app.tenant("caja").await;
    app.user(&tenant, "ana@caja.mx", Role::Admin).await;
    app.user(&tenant, "beto@caja.mx", Role::Admin).await;
    for _ in 0..3 {
        app.login(&app.browser(), "caja", "ana@caja.mx", "equivocada")
            .await
            .assert_status(401);
    }
    let throttled = app
        .login(&app.browser(), "caja", " ANA@caja.mx", PASSWORD)
        .await
        .assert_status_because(
            429,
            "the account's fourth try in a minute, however its email is typed",
        );
    assert!(
        throttled.body.contains("Demasiados intentos"),
        "{throttled}"
    );
    let retry_after: u64 = throttled.header("retry-after").parse().unwrap_or(0);
    assert!((1..=60).contains(&retry_after), "{throttled}");
    assert_eq!(
        attempts_recorded(&app).await,
        3,
        "a throttled attempt reaches neither the password check nor the database"
    );
    app.login(&app.browser(), "caja", "beto@caja.mx", PASSWORD)
        .await
        .assert_status_because(303, "another account of the same address is not throttled");
}

async fn a_burst_of_thirty_whose_last_guess_is_right_does_not_sign_in(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    app.user(&tenant, "ana@caja.mx", Role::Admin).await;
    let app = std::sync::Arc::new(app);
    let guesses: Vec<_> = (0..29)
        .map(|n| {
            let app = app.clone();
            tokio::spawn(async move {
                let page = app.browser();
                app.login(&page, "caja", "ana@caja.mx", &format!("adivinanza-{n}"))
                    .await
                    .status
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for guess in guesses {
        statuses.push(guess.await.unwrap());
    }
    let right = app
        .login(&app.browser(), "caja", "ana@caja.mx", PASSWORD)
        .await;
    statuses.push(right.status.as_u16());
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let held_back = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(
        (checked, held_back),
        (5, 25),
        "only the lockout's five passwords are checked; the rest, the right one last, are held back: {statuses:?}"
    );
    assert_eq!(
        attempts_recorded(&app).await,
        5,
        "nothing written past the limit"
    );
}

async fn an_address_sending_bad_keys_gets_a_429_problem_and_good_keys_still_pass(db: TestDb) {
    let app = TestApp::spawn_with(db, |http| http.refused_keys_per_minute_per_ip = 3).await;
    let tenant = app.tenant("caja").await;
    let key = app.admin_key(&tenant).await;
    let bad = format!("cn_{}", "0".repeat(64));
    for _ in 0..3 {
        app.get("/v1/tenant", &bad).await.assert_problem(401);
    }
    let throttled = app.get("/v1/tenant", &bad).await.assert_problem(429);
    let retry_after: u64 = throttled.header("retry-after").parse().unwrap_or(0);
    assert!((1..=60).contains(&retry_after), "{throttled}");
    app.get_public("/v1/tenant").await.assert_problem(429);
    app.get("/v1/tenant", &key)
        .await
        .assert_status_because(200, "a valid key is never throttled");
}

async fn a_login_cookie_not_signed_here_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja").await;
    app.user(&tenant, "ana@caja.mx", Role::Admin).await;
    // A cookie planted by a sibling site (cookie tossing) with a token of the attacker's choosing.
    let planted = "a".repeat(64);
    let forged = app
        .browser()
        .post(app.url("/login"))
        .header("cookie", format!("credinet_login_csrf={planted}"))
        .form(&[
            ("tenant", "caja"),
            ("email", "ana@caja.mx"),
            ("password", PASSWORD),
            ("csrf_token", planted.as_str()),
        ])
        .reply()
        .await
        .assert_status_because(403, "an unsigned login cookie is not this server's");
    assert!(
        !forged.cookies().any(|c| c.starts_with("credinet_session=")),
        "{forged}"
    );
    // The form's own cookie still works.
    let browser = app.browser();
    let page = browser.get(app.url("/login")).reply().await;
    assert!(!hidden_csrf(&page.body).is_empty());
    app.login(&browser, "caja", "ana@caja.mx", PASSWORD)
        .await
        .assert_status(303);
}
