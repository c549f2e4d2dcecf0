//! The cashier's tools (issue 22): the payments list shows each payment's client and loan, filters by
//! who registered it and by method, and adds up what stands — the day's cash count on screen; after a
//! payment the loan page links its receipt, a printable page with a folio that never changes; a
//! reversed payment says why, who and when.

use super::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(a_cashier_prints_the_receipt_and_counts_her_day);

fn by_id<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split('<').next())
        .unwrap_or("")
}

/// The body rows of the payments table.
fn rows(html: &str) -> Vec<&str> {
    html.split_once("<table id=\"lista-pagos\">")
        .and_then(|(_, rest)| rest.split_once("<tbody>"))
        .and_then(|(_, rest)| rest.split_once("</tbody>"))
        .map_or(Vec::new(), |(body, _)| body.split("<tr").skip(1).collect())
}

async fn a_cashier_prints_the_receipt_and_counts_her_day(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-corte").await;
    let loan = app.disbursed_loan(&l, l.flat, "6000.00").await;
    let number = loan.detail["loan"]["number"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let email = "ana@caja-corte.mx";
    let ana = app.user(&l.tenant, email, Role::Cashier).await;
    let cashier = app.browser();
    app.signed_in(&cashier, l.tenant.slug.as_str(), email).await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    // Ana takes 500.00 in cash at the counter.
    let path = format!("/prestamos/{}", loan.id);
    let page = app.visit(&cashier, &path).await;
    let token = hidden_csrf(&page.body);
    let paid = submit(
        &app,
        &cashier,
        &format!("{path}/pagos"),
        &[
            ("csrf_token", token.as_str()),
            ("idempotency_key", "web-corte-1"),
            ("amount", "500.00"),
            ("paid_on", ""),
            ("method", "cash"),
            ("reference", ""),
        ],
    )
    .await
    .assert_status(200);
    let at = paid
        .body
        .find("id=\"ver-recibo\"")
        .unwrap_or_else(|| panic!("the notice links the receipt: {paid}"));
    let receipt_href = paid.body[..at]
        .rsplit("href=\"")
        .next()
        .and_then(|h| h.split('"').next())
        .unwrap_or_default()
        .to_string();
    let again = app.visit(&cashier, &path).await;
    assert!(
        !again.body.contains("ver-recibo"),
        "the notice is said once"
    );

    let receipt = app.visit(&cashier, &receipt_href).await.assert_status(200);
    assert_eq!(
        by_id(&receipt.body, "folio"),
        format!("{number}-01"),
        "{receipt}"
    );
    assert_eq!(by_id(&receipt.body, "importe"), "$500.00");
    assert!(receipt.body.contains("María López"), "{receipt}");

    // A transfer through the API by the cashier's key, and one payment reversed.
    let transfer = json!({"amount": "200.00", "method": "transfer", "reference": "SPEI 123"});
    app.post(
        &format!("/v1/loans/{}/payments", loan.id),
        &l.cashier,
        transfer,
    )
    .await
    .assert_status(201);
    let body = json!({"amount": "50.00", "method": "cash"});
    let wrong = app
        .post(&format!("/v1/loans/{}/payments", loan.id), &l.cashier, body)
        .await
        .assert_status(201)
        .json();
    let wrong_id = wrong["payment"]["id"].as_i64().unwrap_or_default();
    app.reverse(wrong_id, "Importe equivocado", &l.manager)
        .await
        .assert_status(201);

    let all = app.visit(&manager, "/pagos").await.assert_status(200);
    assert_eq!(rows(&all.body).len(), 3, "{all}");
    assert!(
        all.body.contains(&format!(">{number}</a>")),
        "the loan number links: {all}"
    );
    assert!(
        all.body
            .contains(&format!("href=\"/clientes/{}\"", loan.client))
    );
    assert_eq!(
        by_id(&all.body, "total-cobrado"),
        "$700.00",
        "the reversed payment does not count: {all}"
    );

    let hers = format!("/pagos?desde=&hasta=&cajero={}&forma=", ana.id.get());
    let hers = app.visit(&manager, &hers).await.assert_status(200);
    assert_eq!(rows(&hers.body).len(), 1, "{hers}");
    assert_eq!(by_id(&hers.body, "total-cobrado"), "$500.00");

    let transfers = app
        .visit(&manager, "/pagos?forma=transfer")
        .await
        .assert_status(200);
    assert_eq!(rows(&transfers.body).len(), 1, "{transfers}");
    assert!(transfers.body.contains("SPEI 123"), "{transfers}");
    assert_eq!(by_id(&transfers.body, "total-cobrado"), "$200.00");

    // Her own count for today is one link away, and nobody else's is hers to see.
    let mine = app.visit(&cashier, "/pagos").await;
    let my_day = mine
        .body
        .split("href=\"")
        .find(|h| h.contains("id=\"mi-corte\""))
        .and_then(|h| h.split('"').next())
        .map(|h| h.replace("&amp;", "&").replace("&#38;", "&"))
        .expect("a link to her count of today");
    let day = app.visit(&cashier, &my_day).await.assert_status(200);
    assert_eq!(by_id(&day.body, "total-cobrado"), "$500.00", "{day}");
    let someone_else = app
        .visit(&cashier, &format!("/pagos?cajero={}", ana.id.get() + 1000))
        .await;
    assert_eq!(someone_else.status, 403, "{someone_else}");

    let reversed = app
        .visit(&manager, &format!("/pagos/{wrong_id}/recibo"))
        .await
        .assert_status(200);
    let note = by_id(&reversed.body, "reversado");
    assert!(note.contains("Importe equivocado"), "{reversed}");
    assert_eq!(by_id(&reversed.body, "folio"), format!("{number}-03"));

    let bad = app.visit(&manager, "/pagos?forma=cheque").await;
    assert_eq!(bad.status, 400);
    let other = app.lender("caja-corte-otra").await;
    let stranger = staff_browser(&app, &other, Role::Manager).await;
    let hidden = app.visit(&stranger, &receipt_href).await;
    assert_eq!(hidden.status, 404, "another tenant's receipt: {hidden}");
}
