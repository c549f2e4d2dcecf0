//! Exports a Spanish spreadsheet opens as its users read it: UTF-8 with a BOM (Excel otherwise shows
//! «PÃ©rez»), Spanish headers and names, dd/mm/aaaa dates; `?format=raw` keeps the programs' form that
//! `/v1` exports (English headers, stored codes, ISO dates). And a list asked for a page past its end
//! says so. Seen before: English headers, `cash`, `2026-03-07` and no BOM in every page's export, and
//! `?p=99` showing the last page as if it were the 99th.

use super::staff_browser;
use crate::helpers::{RequestExt, TestApp};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(the_lists_export_a_spanish_spreadsheet_and_a_raw_one_for_programs);

async fn the_lists_export_a_spanish_spreadsheet_and_a_raw_one_for_programs(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-hojas").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    app.pay(loan.id, "100.00", &l.cashier).await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    for (path, spanish_header, spanish_value, raw_header) in [
        (
            "/clientes/exportar.csv",
            "Número,Nombre,Teléfono,CURP",
            "/",
            "id,full_name,phone,curp",
        ),
        (
            "/prestamos/exportar.csv",
            "Id,Número,Número de cliente,Cliente,Estado",
            "Activo",
            "id,number,client_id",
        ),
        (
            "/pagos/exportar.csv",
            "Número,Préstamo,Importe,Fecha de pago,Forma de pago",
            "Efectivo",
            "id,loan_id,amount",
        ),
    ] {
        let sheet = manager.get(app.url(path)).reply().await.assert_status(200);
        assert!(
            sheet.body.starts_with('\u{feff}'),
            "{path}: a BOM first: {sheet}"
        );
        assert!(
            sheet.body[3..].starts_with(spanish_header) && sheet.body.contains(spanish_value),
            "{path}: Spanish headers and names: {sheet}"
        );
        let raw = manager
            .get(app.url(&format!("{path}?format=raw")))
            .reply()
            .await
            .assert_status(200);
        assert!(raw.body.starts_with(raw_header), "{path}?format=raw: {raw}");
    }
    let payments = manager.get(app.url("/pagos/exportar.csv")).reply().await;
    let paid_on = payments
        .body
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(3))
        .unwrap_or_default();
    assert!(
        paid_on.len() == 10 && paid_on.as_bytes()[2] == b'/' && paid_on.as_bytes()[5] == b'/',
        "dd/mm/aaaa: {paid_on:?}"
    );

    for path in ["/pagos?p=99", "/prestamos?p=99", "/clientes?p=99"] {
        let page = app.visit(&manager, path).await.assert_status(200);
        assert!(
            page.body.contains("La página 99 no existe"),
            "{path} says the page asked for is past the end: {page}"
        );
    }
}
