//! Loans: applications walked through maker–checker, their schedule as the API writes it, lists by
//! status. The schedule's arithmetic and the lifecycle's rules are the core's and the lending service's
//! tests; here, what each step answers over HTTP and who may take it.

use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::{Value, json};

each_backend!(
    a_disbursement_answers_the_schedule_and_the_cat_of_spec_3,
    the_submitter_cannot_approve_and_roles_are_checked_on_every_action,
    a_manager_rejects_an_application_with_its_reason_and_writes_off_a_disbursed_loan,
    loans_are_listed_by_status_with_their_client_and_an_unknown_status_is_refused,
    a_loan_for_a_client_that_does_not_exist_is_not_found,
);

/// The full schedules are pinned to the centavo in `core` (`schedule.rs`) and stored as built
/// (`crates/lending/tests`); here the first row and the totals, as the JSON carries them.
async fn a_disbursement_answers_the_schedule_and_the_cat_of_spec_3(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();

    let flat = app.disbursed_loan(&l, l.flat, "10000.00").await.detail;
    let rows = flat["installments"].as_array().unwrap();
    assert_eq!(rows.len(), 6);
    let first = &rows[0];
    assert_eq!(
        [
            &first["due_date"],
            &first["due"]["principal"],
            &first["due"]["interest"],
            &first["due"]["interest_iva"],
            &first["total_due"],
        ]
        .map(text),
        ["2026-01-22", "1666.67", "500.00", "80.00", "2246.67"]
    );
    assert_eq!(
        rows[5]["total_due"], "2246.65",
        "the last row takes the rounding"
    );
    let loan = &flat["loan"];
    assert_eq!(
        [&loan["total_due"], &loan["cat"], &loan["net_disbursed"]].map(text),
        ["13480.00", "541.7", "10000.00"]
    );

    let declining = app.disbursed_loan(&l, l.declining, "10000.00").await.detail;
    assert_eq!(declining["installments"].as_array().unwrap().len(), 12);
    let loan = &declining["loan"];
    assert_eq!(
        [&loan["total_due"], &loan["cat"]].map(text),
        ["12384.31", "103.3"]
    );
}

async fn the_submitter_cannot_approve_and_roles_are_checked_on_every_action(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let c = app.client(&l.cashier, "Juan Pérez", "5512345678").await;
    let stranger = json!({"full_name": "X", "phone": "5512345679"});
    app.post("/v1/clients", &l.viewer, stranger)
        .await
        .assert_status_because(403, "a viewer never writes");

    let id = app.draft_loan(&l.manager, c, l.flat, "5000").await;
    let step = |name: &str| format!("/v1/loans/{id}/{name}");
    app.post(&step("approve"), &l.manager, json!({}))
        .await
        .assert_status_because(409, "a draft is not approved");
    app.post(&step("submit"), &l.manager, json!({}))
        .await
        .assert_status(200);
    app.post(&step("approve"), &l.cashier, json!({}))
        .await
        .assert_status_because(403, "a cashier cannot approve");
    app.post(&step("approve"), &l.manager, json!({}))
        .await
        .assert_status_because(403, "the submitter cannot approve");
    let approved = app.post(&step("approve"), &l.manager2, json!({})).await;
    assert_eq!(approved.assert_status(200).json()["status"], "approved");
    app.post(&step("disburse"), &l.cashier, json!({}))
        .await
        .assert_status_because(403, "a cashier cannot disburse");
    app.post(&step("disburse"), &l.manager2, json!({}))
        .await
        .assert_status(200);

    app.post_payment_today(id, "100", &l.viewer)
        .await
        .assert_status_because(403, "a viewer cannot register payments");
    let receipt = app.post_payment_today(id, "100", &l.cashier).await;
    let payment = receipt.assert_status(201).json()["payment"]["id"]
        .as_i64()
        .unwrap();
    app.reverse(payment, "error", &l.cashier)
        .await
        .assert_status_because(403, "a cashier cannot reverse");
    app.get(&format!("/v1/loans/{id}"), &l.viewer)
        .await
        .assert_status_because(200, "a viewer reads");
}

async fn a_manager_rejects_an_application_with_its_reason_and_writes_off_a_disbursed_loan(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let c = app.client(&l.cashier, "Pedro Páramo", "5511112222").await;
    let id = app.submitted_loan(&l, c, l.declining, "3000").await;
    let reason = json!({"reason": "sin ingresos comprobables"});
    let rejected = app
        .post(&format!("/v1/loans/{id}/reject"), &l.manager, reason)
        .await
        .assert_status(200)
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["rejection_reason"], "sin ingresos comprobables");

    let loan = app.disbursed_loan(&l, l.declining, "2000.00").await;
    let reason = json!({"reason": "ilocalizable"});
    let written_off = app
        .post(
            &format!("/v1/loans/{}/write-off", loan.id),
            &l.manager,
            reason,
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(written_off["status"], "written_off");
    let closed = app
        .get_json("/v1/loans?status=written_off,rejected", &l.viewer)
        .await;
    assert_eq!(closed["total"], 2, "{closed}");
}

async fn loans_are_listed_by_status_with_their_client_and_an_unknown_status_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    app.disbursed_loan(&l, l.flat, "10000.00").await;
    let zoe = app
        .client(&l.cashier, "Zoe \"La Güera\" Ruiz, Jr.", "5598765432")
        .await;
    app.draft_loan(&l.cashier, zoe, l.flat, "2000").await;

    let drafts = app.get_json("/v1/loans?status=draft", &l.viewer).await;
    assert_eq!(drafts["total"], 1, "{drafts}");
    assert_eq!(
        drafts["items"][0]["client_name"],
        "Zoe \"La Güera\" Ruiz, Jr."
    );
    let active = app
        .get_json("/v1/loans?status=disbursed,paid", &l.viewer)
        .await;
    assert_eq!(active["total"], 1, "{active}");
    app.get("/v1/loans?status=bogus", &l.viewer)
        .await
        .assert_status(400);
}

async fn a_loan_for_a_client_that_does_not_exist_is_not_found(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let body = json!({"client_id": 999_999, "product_id": l.flat, "principal": "100"});
    app.post("/v1/loans", &l.cashier, body)
        .await
        .assert_status(404);
}
