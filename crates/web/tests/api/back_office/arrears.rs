//! Arrears visible now (issue 22): a loan behind on its schedule shows its days past due, what is
//! overdue and its bucket on its page, computed with the rule the period cut applies, where it showed
//! only a green «Activo»; a loan disbursed today is «Al corriente».

use super::staff_browser;
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(a_loan_behind_on_its_schedule_shows_its_days_overdue_amount_and_bucket);

/// The text of the element with `id` on the page (its first text node).
fn by_id<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split('<').next())
        .unwrap_or("")
}

async fn a_loan_behind_on_its_schedule_shows_its_days_overdue_amount_and_bucket(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-atraso").await;
    // Disbursed on 2026-01-10 over six biweekly periods and never paid: every installment is past due.
    let behind = app.disbursed_loan(&l, l.flat, "6000.00").await;
    let on_time = app.disbursed_loan_today(&l, l.flat, "6000.00").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    let page = app
        .visit(&manager, &format!("/prestamos/{}", behind.id))
        .await;
    assert_eq!(by_id(&page.body, "atraso"), "Más de 90 días", "{page}");
    let days: u32 = by_id(&page.body, "dias-atraso").parse().unwrap_or(0);
    assert!(days > 90, "days past due: {days}");
    assert_eq!(
        by_id(&page.body, "vencido"),
        by_id(&page.body, "outstanding"),
        "nothing was paid, so everything owed is overdue: {page}"
    );

    let page = app
        .visit(&manager, &format!("/prestamos/{}", on_time.id))
        .await;
    assert_eq!(by_id(&page.body, "atraso"), "Al corriente", "{page}");
    assert_eq!(by_id(&page.body, "dias-atraso"), "0");
    assert_eq!(by_id(&page.body, "vencido"), "$0.00");
}
