//! Payments arriving at once through HTTP. Without an idempotency key they go through the server's
//! payment queue, which writes whatever arrives together in one transaction; no other test sends it a
//! burst, so the balances are checked here, not only in `crates/lending/tests`.
//!
//! A burst larger than the database pool may find the server overloaded on a busy machine: it answers
//! 503 with Retry-After (never 500), and a client retrying with its Idempotency-Key lands once. The
//! thousand-payment burst is sent that way, so it passes however fast the machine is.

use crate::helpers::{Reply, RequestExt, TestApp, assert_balances, cents};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;
use std::collections::HashMap;

each_backend!(
    fifty_payments_at_once_on_one_loan_lose_no_update,
    a_thousand_payments_at_once_on_random_loans_keep_every_balance,
);

async fn fifty_payments_at_once_on_one_loan_lose_no_update(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let url = app.url(&format!("/v1/loans/{}/payments", loan.id));
    let api = app.api();
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let amount = format!("{}.{:02}", 100 + n, n);
            let request = api.post(&url).bearer_auth(&l.cashier);
            let request = request.json(&json!({"amount": amount, "method": "cash"}));
            tokio::spawn(request.reply())
        })
        .collect();
    for task in tasks {
        task.await.unwrap().assert_status(201);
    }
    let paid: i64 = (0..50).map(|n| (100 + n) * 100 + n).sum();
    let detail = app.loan(loan.id, &l.viewer).await;
    assert_eq!(cents(&detail["loan"]["total_paid"]), paid);
    assert_eq!(cents(&detail["loan"]["outstanding"]), 1_348_000 - paid);
    assert_balances(&detail);
}

async fn a_thousand_payments_at_once_on_random_loans_keep_every_balance(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let mut loans = Vec::new();
    for _ in 0..20 {
        loans.push(app.disbursed_loan(&l, l.declining, "10000.00").await.id);
    }
    let api = app.api();
    let mut expected = HashMap::<i64, i64>::new();
    // A fixed pseudo-random spread, so that a failure can be replayed.
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let tasks: Vec<_> = (0..1000)
        .map(|n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let loan = loans[(seed % loans.len() as u64) as usize];
            let cents = 100 + (seed % 900) as i64; // 1.00 to 9.99: never above payoff
            *expected.entry(loan).or_default() += cents;
            let amount = format!("{}.{:02}", cents / 100, cents % 100);
            let body =
                json!({"amount": amount, "method": "transfer", "reference": format!("t{n}")});
            let url = app.url(&format!("/v1/loans/{loan}/payments"));
            let request = api
                .post(url)
                .bearer_auth(&l.cashier)
                .header("Idempotency-Key", format!("burst-{n}"))
                .json(&body);
            tokio::spawn(with_retries(request))
        })
        .collect();
    for task in tasks {
        task.await.unwrap().assert_status(201);
    }
    for loan in loans {
        let detail = app.loan(loan, &l.viewer).await;
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

/// Sends a request as a careful client does: on 503 it waits the Retry-After seconds and sends it again,
/// unchanged (a payment keeps its Idempotency-Key), a bounded number of times.
async fn with_retries(request: reqwest::RequestBuilder) -> Reply {
    for _ in 0..60 {
        let again = request.try_clone().expect("a JSON request can be cloned");
        let reply = again.reply().await;
        if reply.status != 503 {
            return reply;
        }
        let wait: u64 = reply
            .header("retry-after")
            .parse()
            .unwrap_or_else(|_| reply.fail("a 503 carries a Retry-After in seconds".to_string()));
        tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
    }
    request.reply().await
}
