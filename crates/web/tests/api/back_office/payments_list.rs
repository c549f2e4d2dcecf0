//! The payments list as the cashier uses it: the filter form, the pager and the CSV link send every field,
//! filled or not (`?desde=&hasta=`), and every payment can be reached; a bad link is a Spanish page.

use super::{assert_spanish_error_page, links, staff_browser};
use crate::helpers::{RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    empty_filters_mean_no_filter_and_every_payment_can_be_reached,
    a_bad_query_path_or_form_on_a_page_is_the_spanish_error_page,
);

/// Seen: the pager, «Filtrar» with an empty date and «Exportar CSV» all answered a raw English 400, so
/// only the first 50 payments could be reached.
async fn empty_filters_mean_no_filter_and_every_payment_can_be_reached(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-pagos").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    for _ in 0..51 {
        app.pay(loan.id, "1.00", &l.cashier).await;
    }
    let browser = staff_browser(&app, &l, Role::Cashier).await;

    let filtered = app.visit(&browser, "/pagos?desde=&hasta=").await;
    let filtered = filtered.assert_status_because(200, "an empty date filter is no filter");
    assert!(filtered.body.contains("51 pagos"), "{}", filtered.body);

    let second = app.visit(&browser, "/pagos?desde=&hasta=&p=2").await;
    let second = second.assert_status_because(200, "the pager's link to page 2");
    let rows = second.body.matches("/prestamos/").count();
    assert_eq!(rows, 1, "page 2 holds the 51st payment:\n{}", second.body);

    let csv = app
        .visit(&browser, "/pagos/exportar.csv?desde=&hasta=")
        .await;
    let csv = csv.assert_status_because(200, "the export link with empty dates");
    assert_eq!(csv.body.lines().count(), 52, "a header and 51 payments");

    for href in links(&filtered.body)
        .into_iter()
        .filter(|h| h.starts_with("/pagos"))
    {
        app.visit(&browser, &href)
            .await
            .assert_status_because(200, &format!("the page's own link {href}"));
    }
}

async fn a_bad_query_path_or_form_on_a_page_is_the_spanish_error_page(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-enlaces").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let browser = staff_browser(&app, &l, Role::Admin).await;

    let bad_queries = [
        "/pagos?desde=ayer",
        "/pagos?hasta=2026-13-01",
        "/pagos?p=abc",
        "/pagos/exportar.csv?desde=ayer",
        "/clientes?p=-1",
        "/clientes/exportar.csv?p=x",
        "/prestamos?p=x",
        "/prestamos/exportar.csv?p=x",
        "/auditoria?desde=ayer",
    ];
    for path in bad_queries {
        let page = app.visit(&browser, path).await;
        let page = page.assert_status_because(400, &format!("GET {path}"));
        assert_spanish_error_page(&page.body, path);
        assert!(page.body.contains("no entendemos"), "{path}: {}", page.body);
    }

    let bad_paths = [
        "/prestamos/abc",
        "/prestamos/99999999999999999999",
        "/clientes/abc",
        "/clientes/-",
    ];
    for path in bad_paths {
        let page = app.visit(&browser, path).await;
        let page = page.assert_status_because(404, &format!("GET {path}"));
        assert_spanish_error_page(&page.body, path);
    }

    let loan_page = app
        .visit(&browser, &format!("/prestamos/{}", loan.id))
        .await;
    let token = hidden_csrf(&loan_page.assert_status(200).body);
    let forms = [
        (format!("/prestamos/{}/pagos", loan.id), vec![]),
        (
            format!("/prestamos/{}/pagos", loan.id),
            vec![("amount", "1.00")],
        ),
        (format!("/clientes/{}", loan.client), vec![]),
        ("/clientes".to_string(), vec![("phone", "5512345678")]),
        ("/usuarios".to_string(), vec![("email", "x@y.mx")]),
        ("/pagos/abc/reversa".to_string(), vec![("reason", "error")]),
    ];
    for (path, mut fields) in forms {
        fields.push(("csrf_token", &token));
        let page = browser.post(app.url(&path)).form(&fields).reply().await;
        assert!(
            [400, 404].contains(&page.status.as_u16()),
            "POST {path} with {fields:?}: {} {}",
            page.status,
            page.body
        );
        assert_spanish_error_page(&page.body, &path);
    }
}
