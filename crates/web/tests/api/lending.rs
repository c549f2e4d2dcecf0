//! The lending API end to end: products, clients, loans with maker–checker, payments with allocation,
//! idempotency and reversals, CSV exports — on SQLite, PostgreSQL and MariaDB.

use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A tenant with keys for each role and a flat and a declining product.
struct Lender {
    admin: String,
    manager: String,
    manager2: String,
    cashier: String,
    viewer: String,
    flat: i64,
    declining: i64,
}

async fn lender(app: &TestApp, slug: &str) -> Lender {
    let tenant = app.tenant(slug).await;
    let admin = app.api_key(&tenant, Role::Admin).await;
    let api = app.api();
    let product = |body: Value| {
        let req = api
            .post(app.url("/v1/products"))
            .bearer_auth(&admin)
            .json(&body);
        async move {
            let r = req.send().await.unwrap();
            assert_eq!(r.status(), 201);
            r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
        }
    };
    let flat = product(
        json!({"name": "Quincenal fijo", "periodicity": "biweekly_cut", "term_periods": 6,
        "interest_method": "flat", "rate_per_period": "0.05"}),
    )
    .await;
    let declining = product(
        json!({"name": "Quincenal saldos", "periodicity": "biweekly_cut", "term_periods": 12,
        "interest_method": "declining", "rate_per_period": "0.03"}),
    )
    .await;
    Lender {
        manager: app.api_key(&tenant, Role::Manager).await,
        manager2: app.api_key(&tenant, Role::Manager).await,
        cashier: app.api_key(&tenant, Role::Cashier).await,
        viewer: app.api_key(&tenant, Role::Viewer).await,
        admin,
        flat,
        declining,
    }
}

async fn post(app: &TestApp, key: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let r = app
        .api()
        .post(app.url(path))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, key: &str, path: &str) -> (StatusCode, Value) {
    let r = app
        .api()
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn client(app: &TestApp, l: &Lender, name: &str, phone: &str) -> i64 {
    let (status, body) = post(
        app,
        &l.cashier,
        "/v1/clients",
        json!({"full_name": name, "phone": phone}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["client"]["id"].as_i64().unwrap()
}

/// A disbursed loan: drafted and submitted by the cashier, approved and disbursed by a manager.
/// An application for `client`, drafted and submitted by the cashier; returns the loan id.
async fn submitted_loan(
    app: &TestApp,
    l: &Lender,
    client: i64,
    product: i64,
    principal: &str,
) -> i64 {
    let body = json!({"client_id": client, "product_id": product, "principal": principal});
    let (s, loan) = post(app, &l.cashier, "/v1/loans", body).await;
    assert_eq!(s, 201, "{loan}");
    let id = loan["id"].as_i64().unwrap();
    let (s, submitted) = post(
        app,
        &l.cashier,
        &format!("/v1/loans/{id}/submit"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{submitted}");
    id
}

async fn disbursed_loan(
    app: &TestApp,
    l: &Lender,
    product: i64,
    principal: &str,
    on: &str,
) -> Value {
    let client = client(app, l, "María López", &format!("55{:08}", rand_digits())).await;
    let id = submitted_loan(app, l, client, product, principal).await;
    let (s, approved) = post(
        app,
        &l.manager,
        &format!("/v1/loans/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(s, 200, "{approved}");
    let (s, detail) = post(
        app,
        &l.manager,
        &format!("/v1/loans/{id}/disburse"),
        json!({"disbursed_on": on}),
    )
    .await;
    assert_eq!(s, 200, "{detail}");
    detail
}

fn rand_digits() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1_000_000);
    NEXT.fetch_add(7919, Ordering::Relaxed) % 100_000_000
}

fn pay(amount: &str) -> Value {
    json!({"amount": amount, "method": "cash", "paid_on": "2026-01-20"})
}

each_backend!(
    the_worked_examples_of_spec_3_match_to_the_centavo,
    the_submitter_cannot_approve_and_roles_are_checked_on_every_action,
    one_idempotency_key_makes_one_payment_and_a_different_body_is_refused,
    a_payment_above_payoff_is_refused_with_the_payoff,
    a_reversal_restores_the_balance_and_cannot_be_repeated,
    tenant_b_cannot_see_or_touch_tenant_a_lending_data,
    fifty_payments_at_once_on_one_loan_lose_no_update,
    a_thousand_payments_at_once_on_random_loans_keep_every_balance,
    lists_filter_and_export_csv,
    every_remaining_endpoint_answers_its_happy_path,
    bad_lending_input_gets_problem_details_and_changes_nothing,
    the_dashboard_shows_the_portfolio_and_todays_collections,
);

async fn the_dashboard_shows_the_portfolio_and_todays_collections(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let c = client(&app, &l, "Ana Dashboard", "5533334444").await;
    let id = submitted_loan(&app, &l, c, l.flat, "10000").await;
    let (status, _) = post(
        &app,
        &l.manager,
        &format!("/v1/loans/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        &l.manager,
        &format!("/v1/loans/{id}/disburse"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        json!({"amount": "250.50", "method": "cash"}),
    )
    .await;
    assert_eq!(status, 201);
    // A second application waits for approval.
    post(
        &app,
        &l.cashier,
        "/v1/loans",
        json!({"client_id": c, "product_id": l.flat, "principal": "500"}),
    )
    .await;

    let tenant = credinet_store::repo::tenants::by_slug(app.app_store.db(), "caja")
        .await
        .unwrap()
        .unwrap();
    app.user(&tenant, "gerente@caja.mx", Role::Manager).await;
    let browser = app.browser();
    app.signed_in(&browser, "caja", "gerente@caja.mx").await;
    let html = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let card = |label: &str| {
        let at = html
            .find(label)
            .unwrap_or_else(|| panic!("the dashboard shows {label}"));
        let value = &html[at..];
        let start = value.find("class=\"value\">").unwrap() + "class=\"value\">".len();
        value[start..start + value[start..].find('<').unwrap()].to_string()
    };
    assert_eq!(
        card("Cartera activa (saldo)"),
        "$13,229.50",
        "13,480.00 due less 250.50 paid"
    );
    assert_eq!(card("Préstamos activos"), "1");
    assert_eq!(card("Cobrado hoy"), "$250.50");
    assert!(
        html.contains("<svg class=\"chart\""),
        "the collections chart is drawn"
    );
    assert!(
        html.contains("cobrado: $250.50"),
        "today's bar carries its amount"
    );
}

async fn every_remaining_endpoint_answers_its_happy_path(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let api = app.api();

    let (status, product) = get(&app, &l.viewer, &format!("/v1/products/{}", l.flat)).await;
    assert_eq!(
        (status, product["rate_per_period"].as_str()),
        (StatusCode::OK, Some("0.05"))
    );
    let (status, products) = get(&app, &l.viewer, "/v1/products?active=true").await;
    assert_eq!(
        (status, products.as_array().unwrap().len()),
        (StatusCode::OK, 2)
    );
    let changed = api
        .put(app.url(&format!("/v1/products/{}", l.flat)))
        .bearer_auth(&l.admin)
        .json(&json!({"name": "Quincenal fijo 6", "periodicity": "biweekly_cut", "term_periods": 6,
            "interest_method": "flat", "rate_per_period": "0.045", "late_fee": "150.00", "active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(
        (
            changed["rate_per_period"].as_str(),
            changed["late_fee"].as_str()
        ),
        (Some("0.045"), Some("150.00"))
    );
    assert_eq!(
        get(&app, &l.viewer, "/v1/products?active=true")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let c = client(&app, &l, "Pedro Páramo", "5511112222").await;
    let (status, fetched) = get(&app, &l.viewer, &format!("/v1/clients/{c}")).await;
    assert_eq!(
        (status, fetched["phone"].as_str()),
        (StatusCode::OK, Some("+525511112222"))
    );
    let updated = api
        .put(app.url(&format!("/v1/clients/{c}")))
        .bearer_auth(&l.cashier)
        .json(&json!({"full_name": "Pedro Páramo Rulfo", "phone": "+52 1 55 1111 2222", "address": "Comala"}))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let updated: Value = updated.json().await.unwrap();
    assert_eq!(updated["client"]["full_name"], "Pedro Páramo Rulfo");
    assert_eq!(
        updated["client"]["phone"], "+525511112222",
        "a WhatsApp-style 521 number is the same phone"
    );

    // Reject an application and write off a disbursed loan.
    let id = submitted_loan(&app, &l, c, l.declining, "3000").await;
    let (status, rejected) = post(
        &app,
        &l.manager,
        &format!("/v1/loans/{id}/reject"),
        json!({"reason": "sin ingresos comprobables"}),
    )
    .await;
    assert_eq!(
        (status, rejected["status"].as_str()),
        (StatusCode::OK, Some("rejected"))
    );
    assert_eq!(rejected["rejection_reason"], "sin ingresos comprobables");
    let loan = disbursed_loan(&app, &l, l.declining, "2000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let (_, receipt) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("100.00"),
    )
    .await;
    let payment = receipt["payment"]["id"].as_i64().unwrap();
    let (status, fetched) = get(&app, &l.viewer, &format!("/v1/payments/{payment}")).await;
    assert_eq!(
        (status, fetched["payment"]["amount"].as_str()),
        (StatusCode::OK, Some("100.00"))
    );
    assert!(
        !fetched["allocations"].as_array().unwrap().is_empty(),
        "the receipt lists the allocations"
    );
    let (status, listed) = get(
        &app,
        &l.viewer,
        "/v1/payments?from=2026-01-01&to=2026-01-31",
    )
    .await;
    assert_eq!(
        (status, listed["total"].as_u64()),
        (StatusCode::OK, Some(1))
    );
    let (status, written_off) = post(
        &app,
        &l.manager,
        &format!("/v1/loans/{id}/write-off"),
        json!({"reason": "ilocalizable"}),
    )
    .await;
    assert_eq!(
        (status, written_off["status"].as_str()),
        (StatusCode::OK, Some("written_off"))
    );
    let (_, events) = get(&app, &l.viewer, "/v1/loans?status=written_off,rejected").await;
    assert_eq!(events["total"], 2);
}

async fn bad_lending_input_gets_problem_details_and_changes_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let url = app.url(&format!("/v1/loans/{id}/payments"));
    let cases: Vec<(String, u16)> = vec![
        ("{\"amount\": \"10.00\", ".into(), 400),
        (r#"{"amount": "10.00"}"#.into(), 422),
        (
            r#"{"amount": "10.00", "method": "cash", "tip": "1"}"#.into(),
            422,
        ),
        (r#"{"amount": "-5.00", "method": "cash"}"#.into(), 422),
        (
            r#"{"amount": "10.00", "method": "cash", "paid_on": "2026-13-40"}"#.into(),
            422,
        ),
        (
            r#"{"amount": "10.00", "method": "cash", "paid_on": "2025-12-31"}"#.into(),
            422,
        ),
        (
            format!(
                r#"{{"amount": "10.00", "method": "cash", "reference": "{}"}}"#,
                "x".repeat(2 * 1024 * 1024)
            ),
            413,
        ),
    ];
    for (body, status) in cases {
        let r = app
            .api()
            .post(&url)
            .bearer_auth(&l.cashier)
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status().as_u16(),
            status,
            "body starting {:?}",
            &body[..body.len().min(70)]
        );
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    let no_type = app
        .api()
        .post(&url)
        .bearer_auth(&l.cashier)
        .body(r#"{"amount": "10.00", "method": "cash"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), 415, "JSON must say so");
    let (_, detail) = get(&app, &l.viewer, &format!("/v1/loans/{id}")).await;
    assert_eq!(
        detail["loan"]["total_paid"], "0.00",
        "nothing was registered"
    );
    let (status, _) = post(
        &app,
        &l.cashier,
        "/v1/loans",
        json!({"client_id": 999_999, "product_id": l.flat, "principal": "100"}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, problem) = post(
        &app,
        &l.cashier,
        "/v1/clients",
        json!({"full_name": "X", "phone": "33 9876"}),
    )
    .await;
    assert_eq!(status, 422);
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("phone") && !detail.contains("9876"),
        "the problem names the field, never the value: {problem}"
    );
    let (status, problem) = post(
        &app,
        &l.cashier,
        "/v1/clients",
        json!({"full_name": "X", "phone": "5512345678", "curp": "GODE561231HDFRRN09"}),
    )
    .await;
    assert_eq!(status, 422, "a CURP with a wrong check digit is refused");
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("check digit") && !detail.contains("GODE"),
        "the problem names the part of the CURP, never the CURP: {problem}"
    );
}

async fn the_worked_examples_of_spec_3_match_to_the_centavo(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;

    let flat = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let dates: Vec<&str> = flat["installments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_date"].as_str().unwrap())
        .collect();
    assert_eq!(
        dates,
        [
            "2026-01-22",
            "2026-02-07",
            "2026-02-22",
            "2026-03-07",
            "2026-03-22",
            "2026-04-07"
        ]
    );
    for (n, i) in flat["installments"].as_array().unwrap().iter().enumerate() {
        let principal = if n < 5 { "1666.67" } else { "1666.65" };
        assert_eq!(i["due"]["principal"], principal);
        assert_eq!(i["due"]["interest"], "500.00");
        assert_eq!(i["due"]["interest_iva"], "80.00");
        assert_eq!(i["total_due"], if n < 5 { "2246.67" } else { "2246.65" });
    }
    assert_eq!(flat["loan"]["total_due"], "13480.00");
    assert_eq!(flat["loan"]["cat"], "541.7");
    assert_eq!(flat["loan"]["net_disbursed"], "10000.00");

    let declining = disbursed_loan(&app, &l, l.declining, "10000.00", "2026-01-10").await;
    let rows = declining["installments"].as_array().unwrap();
    assert_eq!(rows.len(), 12);
    assert_eq!(
        (
            rows[0]["due"]["principal"].clone(),
            rows[0]["due"]["interest"].clone()
        ),
        (json!("704.62"), json!("300.00"))
    );
    assert_eq!(rows[0]["total_due"], "1052.62");
    assert_eq!(rows[11]["due"]["principal"], "975.37");
    assert_eq!(rows[11]["total_due"], "1009.31");
    assert_eq!(declining["loan"]["total_due"], "12384.31");
    assert_eq!(declining["loan"]["cat"], "103.3");
}

async fn the_submitter_cannot_approve_and_roles_are_checked_on_every_action(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let c = client(&app, &l, "Juan Pérez", "5512345678").await;
    let (status, _) = post(
        &app,
        &l.viewer,
        "/v1/clients",
        json!({"full_name": "X", "phone": "5512345679"}),
    )
    .await;
    assert_eq!(status, 403, "a viewer never writes");
    let (_, loan) = post(
        &app,
        &l.manager,
        "/v1/loans",
        json!({"client_id": c, "product_id": l.flat, "principal": "5000"}),
    )
    .await;
    let id = loan["id"].as_i64().unwrap();
    assert_eq!(
        post(
            &app,
            &l.manager,
            &format!("/v1/loans/{id}/approve"),
            json!({})
        )
        .await
        .0,
        409,
        "a draft is not approved"
    );
    assert_eq!(
        post(
            &app,
            &l.manager,
            &format!("/v1/loans/{id}/submit"),
            json!({})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        post(
            &app,
            &l.cashier,
            &format!("/v1/loans/{id}/approve"),
            json!({})
        )
        .await
        .0,
        403,
        "a cashier cannot approve"
    );
    let (status, problem) = post(
        &app,
        &l.manager,
        &format!("/v1/loans/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 403, "the submitter cannot approve: {problem}");
    let (status, approved) = post(
        &app,
        &l.manager2,
        &format!("/v1/loans/{id}/approve"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        post(
            &app,
            &l.cashier,
            &format!("/v1/loans/{id}/disburse"),
            json!({})
        )
        .await
        .0,
        403
    );
    let (status, detail) = post(
        &app,
        &l.manager2,
        &format!("/v1/loans/{id}/disburse"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    let (status, _) = post(
        &app,
        &l.viewer,
        &format!("/v1/loans/{id}/payments"),
        json!({"amount": "100", "method": "cash"}),
    )
    .await;
    assert_eq!(status, 403, "a viewer cannot register payments");
    let (status, receipt) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        json!({"amount": "100", "method": "cash"}),
    )
    .await;
    assert_eq!(status, 201, "{receipt}");
    let payment = receipt["payment"]["id"].as_i64().unwrap();
    let (status, _) = post(
        &app,
        &l.cashier,
        &format!("/v1/payments/{payment}/reversal"),
        json!({"reason": "error"}),
    )
    .await;
    assert_eq!(status, 403, "a cashier cannot reverse");
    assert_eq!(
        get(&app, &l.viewer, &format!("/v1/loans/{id}")).await.0,
        200,
        "a viewer reads"
    );
    let product = json!({"name": "Otro", "periodicity": "weekly", "term_periods": 4, "interest_method": "flat",
        "rate_per_period": "0.02"});
    assert_eq!(
        post(&app, &l.cashier, "/v1/products", product.clone())
            .await
            .0,
        403,
        "only admins define products"
    );
    assert_eq!(post(&app, &l.admin, "/v1/products", product).await.0, 201);
}

async fn one_idempotency_key_makes_one_payment_and_a_different_body_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let send = |amount: &str| {
        app.api()
            .post(app.url(&format!("/v1/loans/{id}/payments")))
            .bearer_auth(&l.cashier)
            .header("Idempotency-Key", "caja-1-folio-0001")
            .json(&pay(amount))
            .send()
    };
    let first = send("1500.00").await.unwrap();
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let again = send("1500.00").await.unwrap();
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        first["payment"]["id"], again["payment"]["id"],
        "the retry returns the first payment"
    );
    let other = send("1600.00").await.unwrap();
    assert_eq!(other.status(), 409);
    let (_, list) = get(&app, &l.viewer, &format!("/v1/loans/{id}/payments")).await;
    assert_eq!(list["total"], 1, "one payment exists: {list}");
    let (_, detail) = get(&app, &l.viewer, &format!("/v1/loans/{id}")).await;
    assert_eq!(detail["loan"]["outstanding"], "11980.00");
}

async fn a_payment_above_payoff_is_refused_with_the_payoff(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let (status, problem) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("13480.01"),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        problem["detail"].as_str().unwrap().contains("13,480.00"),
        "{problem}"
    );
    let (status, receipt) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("13480.00"),
    )
    .await;
    assert_eq!(status, 201, "the exact payoff is accepted: {receipt}");
    assert_eq!(receipt["loan_status"], "paid");
    assert_eq!(receipt["loan_outstanding"], "0.00");
    for (body, status) in [
        (json!({"amount": 100, "method": "cash"}), 422),
        (json!({"amount": "12.345", "method": "cash"}), 422),
        (json!({"amount": "10", "method": "bitcoin"}), 422),
    ] {
        assert_eq!(
            post(
                &app,
                &l.cashier,
                &format!("/v1/loans/{id}/payments"),
                body.clone()
            )
            .await
            .0,
            status,
            "{body}"
        );
    }
}

async fn a_reversal_restores_the_balance_and_cannot_be_repeated(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let (_, first) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("3000.00"),
    )
    .await;
    let (_, second) = post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("500.00"),
    )
    .await;
    assert_eq!(second["loan_outstanding"], "9980.00");
    let before_second = get(&app, &l.viewer, &format!("/v1/loans/{id}")).await.1;
    let pid = second["payment"]["id"].as_i64().unwrap();
    let (status, reversal) = post(
        &app,
        &l.manager,
        &format!("/v1/payments/{pid}/reversal"),
        json!({"reason": "capturado dos veces"}),
    )
    .await;
    assert_eq!(status, 201, "{reversal}");
    assert_eq!(reversal["loan_outstanding"], "10480.00");
    let after = get(&app, &l.viewer, &format!("/v1/loans/{id}")).await.1;
    assert_eq!(after["loan"]["outstanding"], "10480.00");
    // Installment 2 is back to what the first payment alone left.
    assert_ne!(
        before_second["installments"][1]["paid"],
        after["installments"][1]["paid"]
    );
    assert_eq!(after["installments"][0]["outstanding"], "0.00");
    assert_eq!(
        after["installments"][1]["outstanding"], "1493.34",
        "{}",
        after["installments"][1]
    );
    let (status, _) = post(
        &app,
        &l.manager,
        &format!("/v1/payments/{pid}/reversal"),
        json!({"reason": "otra vez"}),
    )
    .await;
    assert_eq!(status, 409, "a payment is reversed once");
    let (_, missing_reason) = post(
        &app,
        &l.manager,
        &format!("/v1/payments/{}/reversal", first["payment"]["id"]),
        json!({"reason": " "}),
    )
    .await;
    assert_eq!(missing_reason["status"], 422);
}

async fn tenant_b_cannot_see_or_touch_tenant_a_lending_data(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let a = lender(&app, "caja-a").await;
    let b = lender(&app, "caja-b").await;
    let loan = disbursed_loan(&app, &a, a.flat, "10000.00", "2026-01-10").await;
    let loan_id = loan["loan"]["id"].as_i64().unwrap();
    let client_id = loan["loan"]["client_id"].as_i64().unwrap();
    let (_, receipt) = post(
        &app,
        &a.cashier,
        &format!("/v1/loans/{loan_id}/payments"),
        pay("100.00"),
    )
    .await;
    let payment_id = receipt["payment"]["id"].as_i64().unwrap();

    for path in [
        format!("/v1/clients/{client_id}"),
        format!("/v1/loans/{loan_id}"),
        format!("/v1/loans/{loan_id}/payments"),
        format!("/v1/payments/{payment_id}"),
        format!("/v1/products/{}", a.flat),
    ] {
        assert_eq!(get(&app, &b.admin, &path).await.0, 404, "GET {path}");
    }
    let writes = [
        (
            format!("/v1/loans/{loan_id}/payments"),
            pay("100.00"),
            &b.cashier,
        ),
        (
            format!("/v1/loans/{loan_id}/approve"),
            json!({}),
            &b.manager,
        ),
        (
            format!("/v1/loans/{loan_id}/write-off"),
            json!({"reason": "x"}),
            &b.manager,
        ),
        (
            format!("/v1/payments/{payment_id}/reversal"),
            json!({"reason": "x"}),
            &b.manager,
        ),
        (
            "/v1/loans".to_string(),
            json!({"client_id": client_id, "product_id": b.flat, "principal": "100"}),
            &b.cashier,
        ),
        (
            "/v1/loans".to_string(),
            json!({"client_id": client_id, "product_id": a.flat, "principal": "100"}),
            &b.cashier,
        ),
    ];
    for (path, body, key) in writes {
        assert_eq!(post(&app, key, &path, body).await.0, 404, "POST {path}");
    }
    let put = app
        .api()
        .put(app.url(&format!("/v1/clients/{client_id}")))
        .bearer_auth(&b.admin)
        .json(&json!({"full_name": "Robado", "phone": "5500000000"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 404);
    let (_, a_loan) = get(&app, &a.viewer, &format!("/v1/loans/{loan_id}")).await;
    assert_eq!(
        a_loan["loan"]["outstanding"], "13380.00",
        "A's loan is untouched"
    );
    for path in ["/v1/loans", "/v1/clients", "/v1/payments"] {
        assert_eq!(
            get(&app, &b.admin, path).await.1["total"],
            0,
            "B lists nothing of A at {path}"
        );
    }
    let csv = app
        .api()
        .get(app.url("/v1/exports/clients.csv"))
        .bearer_auth(&b.admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !csv.contains("María López"),
        "B's export holds nothing of A"
    );
}

async fn fifty_payments_at_once_on_one_loan_lose_no_update(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    let api = app.api();
    let url = app.url(&format!("/v1/loans/{id}/payments"));
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let req = api
                .post(&url)
                .bearer_auth(&l.cashier)
                .json(&json!({"amount": format!("{}.{:02}", 100 + n, n), "method": "cash"}));
            tokio::spawn(async move { req.send().await.unwrap().status() })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    let paid: i64 = (0..50).map(|n| (100 + n) * 100 + n).sum();
    let (_, detail) = get(&app, &l.viewer, &format!("/v1/loans/{id}")).await;
    assert_eq!(cents(&detail["loan"]["total_paid"]), paid);
    assert_eq!(cents(&detail["loan"]["outstanding"]), 1_348_000 - paid);
    assert_balances(&detail);
}

async fn a_thousand_payments_at_once_on_random_loans_keep_every_balance(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let mut loans = Vec::new();
    for _ in 0..20 {
        loans.push(
            disbursed_loan(&app, &l, l.declining, "10000.00", "2026-01-10").await["loan"]["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let api = app.api();
    let mut expected = std::collections::HashMap::<i64, i64>::new();
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let tasks: Vec<_> = (0..1000)
        .map(|n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let loan = loans[(seed % loans.len() as u64) as usize];
            let cents = 100 + (seed % 900) as i64; // 1.00 to 9.99: never above payoff
            *expected.entry(loan).or_default() += cents;
            let body = json!({"amount": format!("{}.{:02}", cents / 100, cents % 100), "method": "transfer", "reference": format!("t{n}")});
            let req = api.post(app.url(&format!("/v1/loans/{loan}/payments"))).bearer_auth(&l.cashier).json(&body);
            tokio::spawn(async move {
                let r = req.send().await.unwrap();
                let status = r.status();
                (status, r.text().await.unwrap())
            })
        })
        .collect();
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert_eq!(status, 201, "{body}");
    }
    for loan in loans {
        let (_, detail) = get(&app, &l.viewer, &format!("/v1/loans/{loan}")).await;
        let paid = expected.get(&loan).copied().unwrap_or(0);
        assert_eq!(cents(&detail["loan"]["total_paid"]), paid, "loan {loan}");
        assert_eq!(
            cents(&detail["loan"]["outstanding"]),
            cents(&detail["loan"]["total_due"]) - paid,
            "loan {loan}"
        );
        assert_balances(&detail);
    }
}

async fn lists_filter_and_export_csv(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = lender(&app, "caja").await;
    let loan = disbursed_loan(&app, &l, l.flat, "10000.00", "2026-01-10").await;
    let id = loan["loan"]["id"].as_i64().unwrap();
    post(
        &app,
        &l.cashier,
        &format!("/v1/loans/{id}/payments"),
        pay("100.00"),
    )
    .await;
    let c = client(&app, &l, "Zoe \"La Güera\" Ruiz, Jr.", "5598765432").await;
    post(
        &app,
        &l.cashier,
        "/v1/loans",
        json!({"client_id": c, "product_id": l.flat, "principal": "2000"}),
    )
    .await;

    let (_, drafts) = get(&app, &l.viewer, "/v1/loans?status=draft").await;
    assert_eq!(drafts["total"], 1);
    assert_eq!(
        drafts["items"][0]["client_name"],
        "Zoe \"La Güera\" Ruiz, Jr."
    );
    let (_, active) = get(&app, &l.viewer, "/v1/loans?status=disbursed,paid").await;
    assert_eq!(active["total"], 1);
    assert_eq!(get(&app, &l.viewer, "/v1/loans?status=bogus").await.0, 400);
    let (_, found) = get(&app, &l.viewer, "/v1/clients?q=g%C3%BCera").await;
    assert_eq!(found["total"], 1, "{found}");
    let (_, paged) = get(&app, &l.viewer, "/v1/clients?per_page=1&page=2").await;
    assert_eq!(
        (
            paged["total"].as_u64(),
            paged["items"].as_array().unwrap().len()
        ),
        (Some(2), 1)
    );

    let export = app
        .api()
        .get(app.url("/v1/exports/clients.csv"))
        .bearer_auth(&l.viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = export.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "a header and two clients: {csv}");
    assert!(
        csv.contains("\"Zoe \"\"La Güera\"\" Ruiz, Jr.\""),
        "RFC 4180 quoting: {csv}"
    );
    for path in [
        "/v1/exports/loans.csv",
        "/v1/exports/payments.csv?loan_id=1",
    ] {
        let r = app
            .api()
            .get(app.url(path))
            .bearer_auth(&l.viewer)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.text().await.unwrap().lines().count() >= 2,
            "{path} has a header and rows"
        );
    }
}

fn cents(v: &Value) -> i64 {
    let s = v
        .as_str()
        .unwrap_or_else(|| panic!("money as a string: {v}"));
    let (whole, frac) = s.split_once('.').unwrap();
    whole.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap()
}

/// The loan's cached balance equals the sum of its installments, and nothing is paid beyond what is due.
fn assert_balances(detail: &Value) {
    let rows = detail["installments"].as_array().unwrap();
    let outstanding: i64 = rows.iter().map(|i| cents(&i["outstanding"])).sum();
    assert_eq!(outstanding, cents(&detail["loan"]["outstanding"]));
    for i in rows {
        for c in [
            "principal",
            "interest",
            "interest_iva",
            "late_fee",
            "late_fee_iva",
        ] {
            assert!(
                cents(&i["paid"][c]) <= cents(&i["due"][c]),
                "installment {} {c} overpaid",
                i["number"]
            );
        }
    }
    let paid: i64 = rows
        .iter()
        .flat_map(|i| {
            [
                "principal",
                "interest",
                "interest_iva",
                "late_fee",
                "late_fee_iva",
            ]
            .map(|c| cents(&i["paid"][c]))
        })
        .sum();
    assert_eq!(
        paid,
        cents(&detail["loan"]["total_paid"]),
        "Σ allocations = Σ payments − Σ reversals"
    );
}
