//! The back office's first page: what a manager sees of the portfolio and of today's collections.

use crate::helpers::{TestApp, card};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(the_dashboard_shows_the_portfolio_and_todays_collections);

async fn the_dashboard_shows_the_portfolio_and_todays_collections(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let loan = app.disbursed_loan_today(&l, l.flat, "10000").await;
    app.post_payment_today(loan.id, "250.50", &l.cashier)
        .await
        .assert_status(201);
    // A second application waits for approval.
    app.draft_loan(&l.cashier, loan.client, l.flat, "500").await;

    app.user(&l.tenant, "gerente@caja.mx", Role::Manager).await;
    let browser = app.browser();
    app.signed_in(&browser, "caja", "gerente@caja.mx").await;
    let html = app.visit(&browser, "/").await.assert_status(200).body;
    assert_eq!(
        card(&html, "Cartera activa (saldo)"),
        "$13,229.50",
        "13,480.00 due less 250.50 paid"
    );
    assert_eq!(card(&html, "Préstamos activos"), "1");
    assert_eq!(card(&html, "Cobrado hoy"), "$250.50");
    assert!(
        html.contains("<svg class=\"chart\""),
        "the collections chart is drawn"
    );
    assert!(
        html.contains("cobrado: $250.50"),
        "today's bar carries its amount"
    );
}
