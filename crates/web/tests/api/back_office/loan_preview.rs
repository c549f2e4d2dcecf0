//! A loan before anyone commits (issue 22): «Calcular» on the application shows the installment, the
//! schedule, the commission + IVA, the net amount and the CAT and stores nothing; the approval page
//! shows the same with the client's other loans and their arrears; the queue lists applications oldest
//! first in «Por aprobar» and «Por dispersar» with product, submitter and waiting time; «Aprobar» is not
//! offered to the person who submitted; the disbursement names the net amount to hand over.

use super::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(calculating_an_application_shows_the_loan_and_stores_nothing);
each_backend!(the_approval_page_and_queue_show_the_preview_to_the_checker_only);

/// The text of the element with `id` (its first text node).
fn by_id<'a>(html: &'a str, id: &str) -> &'a str {
    let marker = format!("id=\"{id}\">");
    html.split_once(&marker)
        .and_then(|(_, rest)| rest.split('<').next())
        .unwrap_or("")
}

fn table<'a>(html: &'a str, id: &str) -> &'a str {
    html.split_once(&format!("<table id=\"{id}\">"))
        .map_or("", |(_, rest)| rest.split("</table>").next().unwrap_or(""))
}

async fn calculating_an_application_shows_the_loan_and_stores_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-vista-previa").await;
    let client = app
        .client(&l.cashier, "Leticia Álvarez Morales", "5512345678")
        .await;
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let path = format!("/clientes/{client}");
    let token = hidden_csrf(&app.visit(&cashier, &path).await.body);
    let flat = l.flat.to_string();
    let form = |principal: &'static str, action: &'static str| {
        vec![
            ("csrf_token", token.clone()),
            ("product", flat.clone()),
            ("principal", principal.to_string()),
            ("term", String::new()),
            ("action", action.to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let fields: Vec<(&str, String)> = fields;
        let app = &app;
        let cashier = &cashier;
        let path = format!("{path}/solicitud");
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            submit(app, cashier, &path, &pairs).await
        }
    };

    let page = send(form("6000.00", "calcular")).await.assert_status(200);
    // Six biweekly periods at a flat 5 %: 1,000 principal + 300 interest + 48 IVA each.
    assert_eq!(by_id(&page.body, "cuota"), "$1,348.00", "{page}");
    assert_eq!(by_id(&page.body, "neto"), "$6,000.00");
    assert!(by_id(&page.body, "cat-previo").ends_with(" %"));
    assert_eq!(
        table(&page.body, "calendario-previo")
            .matches("<tr>")
            .count(),
        1 + 6,
        "a header and six installments"
    );
    assert!(
        page.body.contains("value=\"6000.00\""),
        "the form keeps what was typed"
    );
    let loans = app.get_json("/v1/loans", &l.admin).await;
    assert_eq!(loans["total"], 0, "calculating stores nothing: {loans}");

    let refused = send(form("0.00", "calcular")).await;
    assert!(
        !refused.body.contains("id=\"vista-previa\""),
        "no preview of a loan the product would refuse: {refused}"
    );
    assert!(refused.body.contains("aria-invalid=\"true\""), "{refused}");

    let applied = send(form("6000.00", "solicitar")).await.assert_status(200);
    assert!(
        applied.body.contains("Solicitud enviada a aprobación."),
        "{applied}"
    );
    let loans = app.get_json("/v1/loans", &l.admin).await;
    assert_eq!(loans["total"], 1, "{loans}");
}

async fn the_approval_page_and_queue_show_the_preview_to_the_checker_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-aprobacion").await;
    // The client already has a loan more than 90 days late.
    let behind = app.disbursed_loan(&l, l.flat, "3000.00").await;
    let maker = staff_browser(&app, &l, Role::Manager).await;
    app.user(&l.tenant, "checker@caja-aprobacion.mx", Role::Manager)
        .await;
    let checker = app.browser();
    app.signed_in(
        &checker,
        l.tenant.slug.as_str(),
        "checker@caja-aprobacion.mx",
    )
    .await;

    // An older application by the cashier's key, then one by the maker on the page.
    let older = app
        .submitted_loan(&l, behind.client, l.flat, "2000.00")
        .await;
    let path = format!("/clientes/{}", behind.client);
    let token = hidden_csrf(&app.visit(&maker, &path).await.body);
    let flat = l.flat.to_string();
    let fields = [
        ("csrf_token", token.as_str()),
        ("product", flat.as_str()),
        ("principal", "6000.00"),
        ("term", ""),
        ("action", "solicitar"),
    ];
    let applied = submit(&app, &maker, &format!("{path}/solicitud"), &fields)
        .await
        .assert_status(200);
    let own = applied
        .body
        .split("<h1>Préstamo ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .expect("the loan page of the new application")
        .to_string();
    let loans = app.get_json("/v1/loans?status=submitted", &l.admin).await;
    let own_id = loans["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["number"] == own.as_str()))
        .and_then(|i| i["id"].as_i64())
        .unwrap_or_else(|| panic!("loan {own} listed: {loans}"));

    // The maker sees the preview but no «Aprobar»; the checker sees both.
    let mine = app.visit(&maker, &format!("/prestamos/{own_id}")).await;
    assert!(mine.body.contains("id=\"vista-previa\""), "{mine}");
    assert!(!mine.body.contains("id=\"aprobar\""), "{mine}");
    assert!(mine.body.contains("id=\"propia\""));
    let theirs = app.visit(&checker, &format!("/prestamos/{own_id}")).await;
    assert!(theirs.body.contains("id=\"aprobar\""), "{theirs}");
    assert_eq!(by_id(&theirs.body, "cuota"), "$1,348.00");
    let others = table(&theirs.body, "otros-prestamos");
    assert!(others.contains("Más de 90 días"), "{others}");
    assert!(others.contains(&format!("href=\"/prestamos/{older}\"")));

    // The queue: oldest first, split by status, with product, submitter and waiting time.
    let queue = app
        .visit(&checker, "/prestamos/aprobacion")
        .await
        .assert_status(200);
    let to_approve = table(&queue.body, "por-aprobar");
    let at = |id: i64| {
        to_approve
            .find(&format!("href=\"/prestamos/{id}\""))
            .unwrap_or(usize::MAX)
    };
    assert!(at(older) < at(own_id), "oldest first: {to_approve}");
    assert!(to_approve.contains("Quincenal fijo"), "{to_approve}");
    assert!(to_approve.contains("min"), "waiting time: {to_approve}");
    let maker_queue = app.visit(&maker, "/prestamos/aprobacion").await;
    assert!(
        maker_queue.body.contains("Enviada por usted"),
        "{maker_queue}"
    );

    // Approved by the checker: «Por dispersar», and the disbursement names the net amount.
    let token = hidden_csrf(&theirs.body);
    submit(
        &app,
        &checker,
        &format!("/prestamos/{own_id}/aprobar"),
        &[("csrf_token", &token)],
    )
    .await
    .assert_status(200);
    let queue = app.visit(&checker, "/prestamos/aprobacion").await;
    assert!(table(&queue.body, "por-dispersar").contains(&format!("href=\"/prestamos/{own_id}\"")));
    let approved = app.visit(&checker, &format!("/prestamos/{own_id}")).await;
    assert_eq!(
        by_id(&approved.body, "neto-a-entregar"),
        "$6,000.00",
        "{approved}"
    );
    let disbursed = submit(
        &app,
        &checker,
        &format!("/prestamos/{own_id}/dispersar"),
        &[("csrf_token", &token), ("disbursed_on", "")],
    )
    .await
    .assert_status(200);
    assert!(
        disbursed.body.contains("entregue al cliente $6,000.00"),
        "{disbursed}"
    );
}
