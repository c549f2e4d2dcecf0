//! What a typed text may not hold, beyond control characters (issue 16): a name that shows as nothing,
//! and direction controls that make a screen show another text than the one stored.

use crate::helpers::{PASSWORD, TestApp};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(invisible_names_and_direction_overrides_are_refused_on_every_backend);

async fn invisible_names_and_direction_overrides_are_refused_on_every_backend(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let sent = [
        (
            "/v1/clients",
            json!({"full_name": "\u{200B}\u{200D}\u{2060}", "phone": "5512345678"}),
            &l.cashier,
        ),
        (
            "/v1/clients",
            json!({"full_name": "\u{00AD} \u{FEFF}", "phone": "5512345679"}),
            &l.cashier,
        ),
        (
            "/v1/clients",
            json!({"full_name": "Ana \u{202E}zeuR", "phone": "5512345670"}),
            &l.cashier,
        ),
        (
            "/v1/clients",
            json!({"full_name": "Ana Ruiz", "phone": "5512345671", "notes": "pagó \u{2066}todo\u{2069}"}),
            &l.cashier,
        ),
        (
            "/v1/products",
            json!({"name": "\u{200C}\u{200B}", "periodicity": "biweekly_cut", "term_periods": 6,
                "interest_method": "flat", "rate_per_period": "0.05"}),
            &l.admin,
        ),
        (
            "/v1/users",
            json!({"email": "ana@caja.mx", "full_name": "\u{3164}", "role": "viewer", "password": PASSWORD}),
            &l.admin,
        ),
        (
            "/v1/api-keys",
            json!({"name": "\u{202D}erp", "role": "viewer"}),
            &l.admin,
        ),
    ];
    for (path, body, key) in sent {
        let refused = app.post(path, key, body.clone()).await.assert_problem(422);
        let detail = refused.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(
            detail.contains("no visible character") || detail.contains("text-direction control"),
            "{path} {body}: the problem says what is wrong: {detail:?}"
        );
    }
    let clients = app.get_json("/v1/clients", &l.viewer).await;
    assert_eq!(clients["total"], 0, "nothing was stored: {clients}");

    // Joiners inside a visible name are part of it (emoji sequences, some scripts).
    app.post(
        "/v1/clients",
        &l.cashier,
        json!({"full_name": "Ana Ruiz 👩\u{200D}👧", "phone": "5512345672"}),
    )
    .await
    .assert_status(201);
}
