//! CSV exports: served as `text/csv` to any role that reads. Their columns and quoting are the
//! lending service's (`crates/lending/tests`); here, that the routes serve them.

use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(clients_loans_and_payments_export_as_csv);

async fn clients_loans_and_payments_export_as_csv(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    app.pay(loan.id, "100.00", &l.cashier).await;
    let zoe = app
        .client(&l.cashier, "Zoe \"La Güera\" Ruiz, Jr.", "5598765432")
        .await;
    app.draft_loan(&l.cashier, zoe, l.flat, "2000").await;

    let clients = app
        .get("/v1/exports/clients.csv", &l.viewer)
        .await
        .assert_status(200);
    assert_eq!(clients.header("content-type"), "text/csv; charset=utf-8");
    let csv = &clients.body;
    assert_eq!(csv.lines().count(), 3, "a header and two clients: {csv}");
    assert!(
        csv.contains("\"Zoe \"\"La Güera\"\" Ruiz, Jr.\""),
        "RFC 4180 quoting: {csv}"
    );
    for path in [
        "/v1/exports/loans.csv",
        &format!("/v1/exports/payments.csv?loan_id={}", loan.id),
    ] {
        let export = app.get(path, &l.viewer).await.assert_status(200);
        assert!(
            export.body.lines().count() >= 2,
            "{path} has a header and rows: {export}"
        );
    }
}
