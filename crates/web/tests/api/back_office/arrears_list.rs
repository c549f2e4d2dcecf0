//! Arrears in the loans list and on the dashboard (issue 22): every active loan's bucket, days past due
//! and amount overdue as a column of the loans list, filtered by bucket and sorted most late first,
//! and the active portfolio by bucket with PAR15/PAR30 on the dashboard — the rule of the loan page and
//! the cut, for this tenant's loans only.

use super::{assert_spanish_error_page, links, staff_browser};
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(the_loans_list_shows_filters_and_sorts_by_arrears);
each_backend!(the_dashboard_shows_the_portfolio_by_bucket_with_par);

/// The rows of the loans table, each as its HTML.
fn rows(html: &str) -> Vec<&str> {
    let body = html
        .split_once("<table id=\"prestamos\">")
        .and_then(|(_, rest)| rest.split_once("<tbody>"))
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map_or("", |(body, _)| body);
    body.split("<tr>").skip(1).collect()
}

fn row_of(html: &str, loan: i64) -> &str {
    rows(html)
        .into_iter()
        .find(|r| r.contains(&format!("href=\"/prestamos/{loan}\"")))
        .unwrap_or_else(|| panic!("loan {loan} is listed:\n{html}"))
}

async fn the_loans_list_shows_filters_and_sorts_by_arrears(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-lista-atraso").await;
    // Disbursed on 2026-01-10 and never paid: more than 90 days late. The newer one is on time.
    let behind = app.disbursed_loan(&l, l.flat, "6000.00").await;
    let on_time = app.disbursed_loan_today(&l, l.flat, "6000.00").await;
    let client = app.client(&l.cashier, "Rosa Pérez", "5544332211").await;
    let pending = app.submitted_loan(&l, client, l.flat, "3000.00").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    let page = app.visit(&manager, "/prestamos").await.assert_status(200);
    let late_row = row_of(&page.body, behind.id);
    assert!(late_row.contains("Más de 90 días"), "{late_row}");
    assert!(
        late_row.contains(&format!("href=\"/clientes/{}\"", behind.client)),
        "the row links its client: {late_row}"
    );
    assert!(row_of(&page.body, on_time.id).contains("Al corriente"));
    assert!(
        !row_of(&page.body, pending).contains("Al corriente"),
        "an application has no arrears"
    );

    let only_late = app
        .visit(&manager, "/prestamos?estado=&atraso=mas-de-90&p=")
        .await
        .assert_status(200);
    let listed: Vec<&str> = rows(&only_late.body);
    assert_eq!(listed.len(), 1, "{only_late}");
    row_of(&only_late.body, behind.id);
    assert!(only_late.body.contains("1 préstamo<"), "{only_late}");

    let current = app
        .visit(&manager, "/prestamos?atraso=al-corriente")
        .await
        .assert_status(200);
    assert_eq!(rows(&current.body).len(), 1, "{current}");
    row_of(&current.body, on_time.id);

    let none = app.visit(&manager, "/prestamos?atraso=1-15").await;
    assert!(none.body.contains("Sin préstamos"), "{none}");

    // Newest first by default; most days late first when sorted by the column.
    let newest = rows(&page.body);
    let pos = |list: &[&str], id: i64| {
        list.iter()
            .position(|r| r.contains(&format!("href=\"/prestamos/{id}\"")))
    };
    assert!(pos(&newest, on_time.id) < pos(&newest, behind.id));
    let sort = links(&page.body)
        .into_iter()
        .find(|h| h.contains("orden=atraso"))
        .expect("the Atraso column header sorts");
    let sorted = app.visit(&manager, &sort).await.assert_status(200);
    let sorted_rows = rows(&sorted.body);
    assert_eq!(pos(&sorted_rows, behind.id), Some(0), "{sorted}");
    assert_eq!(
        sorted_rows.len(),
        2,
        "sorting by arrears lists active loans"
    );

    let csv = app
        .visit(&manager, "/prestamos/exportar.csv?atraso=mas-de-90")
        .await
        .assert_status(200);
    assert_eq!(
        csv.body.lines().filter(|l| !l.trim().is_empty()).count(),
        2,
        "the export keeps the bucket filter: {}",
        csv.body
    );

    let bad = app.visit(&manager, "/prestamos?atraso=mucho").await;
    assert_eq!(bad.status, 400);
    assert_spanish_error_page(&bad.body, "an unknown bucket");
}

async fn the_dashboard_shows_the_portfolio_by_bucket_with_par(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-par").await;
    app.disbursed_loan(&l, l.flat, "6000.00").await;
    app.disbursed_loan_today(&l, l.flat, "6000.00").await;
    // Another lender's late loans count nowhere here.
    let other = app.lender("caja-par-otra").await;
    app.disbursed_loan(&other, other.flat, "9000.00").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    let page = app.visit(&manager, "/").await.assert_status(200);
    let body = &page.body;
    let value = |id: &str| {
        body.split_once(&format!("id=\"{id}\">"))
            .and_then(|(_, rest)| rest.split('<').next())
            .unwrap_or("")
            .to_string()
    };
    // Half the principal still owed is on a loan more than 90 days late.
    assert_eq!(value("par15"), "50.00 %", "{page}");
    assert_eq!(value("par30"), "50.00 %");
    let table = body
        .split_once("<table id=\"cartera-atraso\">")
        .map_or("", |(_, rest)| rest.split("</table>").next().unwrap_or(""));
    let line = |label: &str| {
        table
            .split("<tr>")
            .find(|r| r.contains(label))
            .unwrap_or_else(|| panic!("a line for {label}: {table}"))
    };
    assert!(
        line("Al corriente").contains("<td class=\"num\">1</td>"),
        "{table}"
    );
    assert!(
        line("Más de 90 días").contains("<td class=\"num\">1</td>"),
        "{table}"
    );
    assert!(line("Más de 90 días").contains("$6,000.00"), "{table}");
    assert!(
        line("1 a 15 días").contains("<td class=\"num\">0</td>"),
        "{table}"
    );
    let bucket_link = links(table)
        .into_iter()
        .find(|h| h.contains("atraso=mas-de-90"))
        .expect("a bucket links the loans list filtered to it");
    let listed = app.visit(&manager, &bucket_link).await.assert_status(200);
    assert_eq!(
        rows(&listed.body).len(),
        1,
        "{bucket_link}: {:?}",
        rows(&listed.body)
    );
}
