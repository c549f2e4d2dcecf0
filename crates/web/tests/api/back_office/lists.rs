//! Lists and the loan page as the walk of issue 22 found them: the pager had no Anterior/Siguiente/Última
//! nor «página X de Y» and `?p=99` showed an empty table under «N clientes»; «1 clientes»; empty
//! tables showed only their headers; «Castigar» came before «Registrar pago»; `/favicon.ico` was a
//! 404; htmx was loaded on every page and used by none of them.

use super::staff_browser;
use crate::helpers::{RequestExt, TestApp};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(the_pager_moves_both_ways_says_where_it_stands_and_clamps_a_page_past_the_end);

async fn the_pager_moves_both_ways_says_where_it_stands_and_clamps_a_page_past_the_end(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-listas").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;

    let empty = app.visit(&manager, "/prestamos").await;
    assert!(
        empty.body.contains("Sin préstamos todavía.") && empty.body.contains("0 préstamos"),
        "an empty list says so: {empty}"
    );
    assert!(
        !empty.body.contains("class=\"pager\""),
        "one page needs no pager: {empty}"
    );
    app.client(&l.cashier, "Única Persona", "5510000000").await;
    let one = app.visit(&manager, "/clientes").await;
    assert!(
        one.body.contains("1 cliente<") || one.body.contains("1 cliente\n"),
        "one client is «1 cliente»: {one}"
    );
    assert!(!one.body.contains("1 clientes"), "{one}");

    // 60 clients: three pages of 25.
    for i in 1..60 {
        app.client(
            &l.cashier,
            &format!("Cliente {i:02}"),
            &format!("55100{i:05}"),
        )
        .await;
    }
    let first = app.visit(&manager, "/clientes").await;
    assert!(
        first.body.contains("página 1 de 3")
            && first.body.contains(">Siguiente</a>")
            && first.body.contains(">Última</a>")
            && !first.body.contains(">Anterior</a>"),
        "{first}"
    );
    // `&` is escaped in the attribute (askama writes `&#38;`), which a browser reads back as `&`.
    assert!(
        first.body.contains("href=\"/clientes?q=&#38;p=3\"")
            || first.body.contains("href=\"/clientes?q=&amp;p=3\""),
        "the last page's link keeps the search: {first}"
    );
    let middle = app.visit(&manager, "/clientes?p=2").await;
    assert!(
        middle.body.contains("página 2 de 3")
            && middle.body.contains("rel=\"prev\"")
            && middle.body.contains("rel=\"next\""),
        "{middle}"
    );
    let past = app.visit(&manager, "/clientes?p=99").await;
    let past = past.assert_status_because(200, "a page past the end shows the last one");
    assert!(
        past.body.contains("página 3 de 3") && !past.body.contains(">Siguiente</a>"),
        "{past}"
    );
    let rows = past.body.matches("<tr><td><a href=\"/clientes/").count();
    assert_eq!(
        rows, 10,
        "the last page's 10 clients, not an empty table: {past}"
    );
}

each_backend!(destructive_actions_come_last_and_every_page_has_an_icon_and_no_unused_script);

async fn destructive_actions_come_last_and_every_page_has_an_icon_and_no_unused_script(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-orden").await;
    let loan = app.disbursed_loan(&l, l.flat, "5000.00").await;
    let manager = staff_browser(&app, &l, Role::Manager).await;
    let page = app
        .visit(&manager, &format!("/prestamos/{}", loan.id))
        .await;
    let pay = page.body.find("Registrar pago").unwrap_or(usize::MAX);
    let write_off = page.body.find(">Castigar</button>").unwrap_or(0);
    assert!(
        pay < write_off,
        "«Registrar pago» comes before «Castigar»: {page}"
    );
    assert!(
        page.body.contains("Sin pagos todavía."),
        "a loan without payments says so: {page}"
    );
    assert!(
        !page.body.contains("htmx"),
        "the loan page loads no htmx: {page}"
    );
    assert!(
        page.body.contains("rel=\"icon\""),
        "the page links its icon: {page}"
    );
    let icon = app.browser().get(app.url("/favicon.ico")).reply().await;
    let icon = icon.assert_status(200);
    assert_eq!(icon.header("content-type"), "image/svg+xml");
}

each_backend!(a_reversed_payment_says_why_who_and_when_and_a_client_shows_address_and_notes);

/// Two more of the walk's findings: a reversed payment on the loan page showed only «Reversado», and a
/// client's address and notes could be read only inside the edit form.
async fn a_reversed_payment_says_why_who_and_when_and_a_client_shows_address_and_notes(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-detalle").await;
    let loan = app.disbursed_loan(&l, l.flat, "5000.00").await;
    let payment = app.pay(loan.id, "300.00", &l.cashier).await;
    app.reverse(payment, "Capturado en el préstamo equivocado", &l.manager)
        .await
        .assert_status(201);
    let viewer = staff_browser(&app, &l, Role::Viewer).await;
    let page = app
        .visit(&viewer, &format!("/prestamos/{}", loan.id))
        .await
        .assert_status(200);
    let note = page
        .body
        .split("class=\"reversal\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| page.fail("the reversed payment is marked"));
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::America::Mexico_City)
        .date_naive();
    let yesterday = today.pred_opt().unwrap();
    assert!(
        [today, yesterday]
            .iter()
            .any(|d| note.starts_with(&format!("Reversado el {} por ", d.format("%d/%m/%Y")))),
        "when and by whom: {note:?}"
    );
    assert!(
        note.ends_with(": Capturado en el préstamo equivocado"),
        "and why: {note:?}"
    );

    let client = app
        .post(
            "/v1/clients",
            &l.cashier,
            serde_json::json!({"full_name": "Eva Datos Completos", "phone": "5512340000",
                "address": "Calle Olmo 12, Col. Centro", "notes": "Prefiere que le llamen por la tarde"}),
        )
        .await
        .assert_status(201)
        .json()["client"]["id"]
        .as_i64()
        .unwrap();
    let page = app
        .visit(&viewer, &format!("/clientes/{client}"))
        .await
        .assert_status(200);
    let facts = page
        .body
        .split("id=\"datos-cliente\"")
        .nth(1)
        .and_then(|rest| rest.split("</dl>").next())
        .unwrap_or_else(|| page.fail("the client's address and notes, outside any form"));
    assert!(
        facts.contains("<dd>Calle Olmo 12, Col. Centro</dd>")
            && facts.contains("<dd>Prefiere que le llamen por la tarde</dd>"),
        "shown to a viewer, who has no edit form: {facts}"
    );
}
