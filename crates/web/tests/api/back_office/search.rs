//! One search box in the top bar of every page, for every role: clients by name (any case, with or
//! without accents), CURP or phone in any form, loans by number (issue 22, defect 6).

use super::{links, staff_browser};
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    the_top_bar_search_finds_clients_without_accents_by_whatsapp_phone_and_loans_by_number
);

async fn the_top_bar_search_finds_clients_without_accents_by_whatsapp_phone_and_loans_by_number(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-busqueda").await;
    let leticia = app
        .client(&l.cashier, "Leticia Álvarez Morales", "55 2345 6789")
        .await;
    app.client(&l.cashier, "Hernández Ruiz", "33 1111 2222")
        .await;
    let loan = app.disbursed_loan(&l, l.flat, "1000.00").await;
    let number = loan.detail["loan"]["number"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!number.is_empty(), "the loan has a number: {}", loan.detail);

    for role in [
        Role::Admin,
        Role::Manager,
        Role::Cashier,
        Role::Agent,
        Role::Viewer,
    ] {
        let browser = staff_browser(&app, &l, role).await;
        let home = app.visit(&browser, "/").await;
        assert!(
            home.body.contains("role=\"search\"") && home.body.contains("action=\"/clientes\""),
            "{role:?} sees the search box in the top bar: {home}"
        );
        for q in ["alvarez", "ÁLVAREZ", "5215523456789", "+52 55 2345 6789"] {
            let page = app
                .visit(&browser, &format!("/clientes?q={}", urlencode(q)))
                .await;
            assert!(
                links(&page.body).contains(&format!("/clientes/{leticia}")),
                "{role:?} searching «{q}» finds Leticia: {page}"
            );
            assert!(
                !page.body.contains("Hernández Ruiz"),
                "only Leticia for «{q}»"
            );
        }
        let hernandez = app.visit(&browser, "/clientes?q=hernandez").await;
        assert!(hernandez.body.contains("Hernández Ruiz"), "{hernandez}");

        let short = number.trim_start_matches('0');
        let by_number = app.visit(&browser, &format!("/clientes?q={short}")).await;
        assert!(
            links(&by_number.body).contains(&format!("/prestamos/{}", loan.id)),
            "{role:?}: loan number «{short}» links the loan: {by_number}"
        );
        assert!(
            links(&by_number.body).contains(&format!("/clientes/{}", loan.client)),
            "and lists its holder: {by_number}"
        );
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
