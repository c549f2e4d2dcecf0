//! Payments over HTTP: the `Idempotency-Key` header, the problems a refused payment answers with,
//! receipts, lists and reversals. How a payment is allocated and what a reversal restores, installment
//! by installment, is pinned down in `crates/lending/tests`.

use crate::helpers::{RequestExt, TestApp, cash_payment};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    one_idempotency_key_makes_one_payment_and_a_different_body_is_refused,
    idempotency_keys_that_differ_only_in_case_are_different_keys,
    a_payment_above_payoff_is_refused_with_the_payoff,
    a_reversal_restores_the_balance_and_cannot_be_repeated,
    a_payment_is_read_back_with_its_allocations_and_listed_by_date,
    bad_payment_input_gets_problem_details_and_registers_nothing,
);

async fn one_idempotency_key_makes_one_payment_and_a_different_body_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let send = |amount: &str| {
        app.api()
            .post(app.url(&format!("/v1/loans/{}/payments", loan.id)))
            .bearer_auth(&l.cashier)
            .header("Idempotency-Key", "caja-1-folio-0001")
            .json(&cash_payment(amount))
            .reply()
    };
    let first = send("1500.00").await.assert_status(201).json();
    let again = send("1500.00").await.assert_status(201);
    assert_eq!(again.header("idempotent-replayed"), "true");
    assert_eq!(
        first["payment"]["id"],
        again.json()["payment"]["id"],
        "the retry returns the first payment"
    );
    send("1600.00").await.assert_problem(409);
    let listed = app
        .get_json(&format!("/v1/loans/{}/payments", loan.id), &l.viewer)
        .await;
    assert_eq!(listed["total"], 1, "one payment exists: {listed}");
}

/// MariaDB's default collation ignored case, so there the second of these payments was refused as a
/// reused key while SQLite and PostgreSQL took it (migration 12).
async fn idempotency_keys_that_differ_only_in_case_are_different_keys(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let path = format!("/v1/loans/{}/payments", loan.id);
    for (key, amount) in [
        ("folio-a", "100.00"),
        ("FOLIO-A", "200.00"),
        ("Folio-A", "300.00"),
    ] {
        app.api()
            .post(app.url(&path))
            .bearer_auth(&l.cashier)
            .header("Idempotency-Key", key)
            .json(&cash_payment(amount))
            .reply()
            .await
            .because(format!("key {key}"))
            .assert_status(201);
    }
    let listed = app.get_json(&path, &l.viewer).await;
    assert_eq!(listed["total"], 3, "three keys, three payments: {listed}");
}

async fn a_payment_above_payoff_is_refused_with_the_payoff(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let refused = app.post_payment(loan.id, "13480.01", &l.cashier).await;
    let problem = refused.assert_problem(422).json();
    assert!(
        problem["detail"].as_str().unwrap().contains("13,480.00"),
        "{problem}"
    );
    let receipt = app
        .post_payment(loan.id, "13480.00", &l.cashier)
        .await
        .assert_status_because(201, "the exact payoff is accepted")
        .json();
    assert_eq!(receipt["loan_status"], "paid");
    assert_eq!(receipt["loan_outstanding"], "0.00");

    let path = format!("/v1/loans/{}/payments", loan.id);
    for body in [
        json!({"amount": 100, "method": "cash"}),
        json!({"amount": "12.345", "method": "cash"}),
        json!({"amount": "10", "method": "bitcoin"}),
    ] {
        app.post(&path, &l.cashier, body.clone())
            .await
            .because(&body)
            .assert_status(422);
    }
}

async fn a_reversal_restores_the_balance_and_cannot_be_repeated(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let first = app.pay(loan.id, "3000.00", &l.cashier).await;
    let second = app.post_payment(loan.id, "500.00", &l.cashier).await;
    let second = second.assert_status(201).json();
    assert_eq!(second["loan_outstanding"], "9980.00");

    let payment = second["payment"]["id"].as_i64().unwrap();
    let reversal = app
        .reverse(payment, "capturado dos veces", &l.manager)
        .await
        .assert_status(201)
        .json();
    assert_eq!(reversal["loan_outstanding"], "10480.00");
    let after = app.loan(loan.id, &l.viewer).await;
    assert_eq!(after["loan"]["outstanding"], "10480.00");

    app.reverse(payment, "otra vez", &l.manager)
        .await
        .assert_status_because(409, "a payment is reversed once");
    app.reverse(first, " ", &l.manager)
        .await
        .because("a reversal needs a reason")
        .assert_problem(422);
}

async fn a_payment_is_read_back_with_its_allocations_and_listed_by_date(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.declining, "2000.00").await;
    let payment = app.pay(loan.id, "100.00", &l.cashier).await;

    let fetched = app
        .get_json(&format!("/v1/payments/{payment}"), &l.viewer)
        .await;
    assert_eq!(fetched["payment"]["amount"], "100.00");
    assert!(
        !fetched["allocations"].as_array().unwrap().is_empty(),
        "the receipt lists the allocations"
    );
    let january = app
        .get_json("/v1/payments?from=2026-01-01&to=2026-01-31", &l.viewer)
        .await;
    assert_eq!(january["total"], 1, "{january}");
}

async fn bad_payment_input_gets_problem_details_and_registers_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let path = format!("/v1/loans/{}/payments", loan.id);
    let huge = "x".repeat(2 * 1024 * 1024);
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
            format!(r#"{{"amount": "10.00", "method": "cash", "reference": "{huge}"}}"#),
            413,
        ),
    ];
    for (body, status) in cases {
        let start = format!("body starting {:?}", &body[..body.len().min(70)]);
        app.post_raw(&path, &l.cashier, body)
            .await
            .because(start)
            .assert_problem(status);
    }
    app.api()
        .post(app.url(&path))
        .bearer_auth(&l.cashier)
        .body(r#"{"amount": "10.00", "method": "cash"}"#)
        .reply()
        .await
        .assert_status_because(415, "JSON must say so");
    let detail = app.loan(loan.id, &l.viewer).await;
    assert_eq!(
        detail["loan"]["total_paid"], "0.00",
        "nothing was registered"
    );
}
