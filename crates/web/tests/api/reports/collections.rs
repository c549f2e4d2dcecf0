//! Collections by cut period and by who registered the payments, on the three backends.

use crate::back_office::{assert_spanish_error_page, staff_browser};
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    collections_are_summed_by_cut_period_and_by_cashier_with_reversals_apart,
    reports_are_refused_to_the_counter_and_a_reversed_range_is_explained,
);

async fn pay_on(app: &TestApp, loan: i64, amount: &str, on: &str, key: &str) -> i64 {
    let body = json!({"amount": amount, "method": "cash", "paid_on": on});
    let reply = app
        .post(&format!("/v1/loans/{loan}/payments"), key, body)
        .await;
    reply.assert_status(201).json()["payment"]["id"]
        .as_i64()
        .unwrap()
}

async fn collections_are_summed_by_cut_period_and_by_cashier_with_reversals_apart(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-cobro").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    // The period the cut of 23 January closes runs 8–22 January; the next one 23 January–7 February.
    pay_on(&app, loan.id, "100.00", "2026-01-20", &l.cashier).await;
    let mistaken = pay_on(&app, loan.id, "30.00", "2026-01-22", &l.cashier).await;
    app.reverse(mistaken, "importe equivocado", &l.manager)
        .await
        .assert_status(201);
    pay_on(&app, loan.id, "50.00", "2026-01-25", &l.manager).await;
    // Another lender's money on the same days must not show.
    let other = app.lender("otra-caja").await;
    let theirs = app.disbursed_loan(&other, other.flat, "10000.00").await;
    pay_on(&app, theirs.id, "999.00", "2026-01-20", &other.cashier).await;

    let browser = staff_browser(&app, &l, Role::Manager).await;
    let range = "desde=2026-01-08&hasta=2026-02-07";
    let page = app
        .visit(&browser, &format!("/reportes/cobranza?{range}"))
        .await
        .assert_status(200)
        .body;
    assert!(page.contains("id=\"total-collected\">$150.00<"), "{page}");
    assert!(page.contains("id=\"total-reversed\">$30.00<"), "{page}");
    assert!(
        !page.contains("$999.00"),
        "another tenant's payment leaked:\n{page}"
    );
    let period = |cut: &str| {
        let at = page
            .find(&format!("Corte del {cut}"))
            .expect("the period row");
        page[at..].split("</tr>").next().unwrap().to_string()
    };
    assert!(period("23/01/2026").contains("del 08/01/2026 al 22/01/2026"));
    assert!(
        period("23/01/2026").contains("$100.00"),
        "{}",
        period("23/01/2026")
    );
    assert!(
        period("23/01/2026").contains("$30.00"),
        "the reversed payment, apart"
    );
    assert!(period("08/02/2026").contains("$50.00"));

    let by_period = app
        .visit(
            &browser,
            &format!("/reportes/cobranza/periodos.csv?{range}&format=raw"),
        )
        .await
        .assert_status(200)
        .body;
    let lines: Vec<&str> = by_period.lines().collect();
    assert_eq!(
        lines[0],
        "from,to,cut_date,payments,collected,reversed_payments,reversed"
    );
    assert_eq!(
        lines[1],
        "2026-01-08,2026-01-22,2026-01-23,1,100.00,1,30.00"
    );
    assert_eq!(lines[2], "2026-01-23,2026-02-07,2026-02-08,1,50.00,0,0.00");
    assert_eq!(lines.len(), 3, "{by_period}");

    let spanish = app
        .visit(
            &browser,
            &format!("/reportes/cobranza/periodos.csv?{range}"),
        )
        .await
        .assert_status(200)
        .body;
    let lines: Vec<&str> = spanish.lines().collect();
    assert_eq!(
        lines[0], "\u{feff}Desde,Hasta,Corte,Pagos,Cobrado,Pagos revertidos,Revertido",
        "a Spanish spreadsheet for people"
    );
    assert_eq!(
        lines[1],
        "08/01/2026,22/01/2026,23/01/2026,1,100.00,1,30.00"
    );
    let spanish = app
        .visit(&browser, &format!("/reportes/cobranza/cajeros.csv?{range}"))
        .await
        .assert_status(200)
        .body;
    assert!(
        spanish
            .lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("clave API,"),
        "{spanish}"
    );

    let by_cashier = app
        .visit(
            &browser,
            &format!("/reportes/cobranza/cajeros.csv?{range}&format=raw"),
        )
        .await
        .assert_status(200)
        .body;
    let rows: Vec<&str> = by_cashier.lines().skip(1).collect();
    assert_eq!(
        rows.len(),
        2,
        "the cashier's key and the manager's: {by_cashier}"
    );
    assert!(
        rows[0].starts_with("api_key,") && rows[0].ends_with(",api:pruebas,1,100.00,1,30.00"),
        "{by_cashier}"
    );
    assert!(
        rows[1].ends_with(",api:pruebas,1,50.00,0,0.00"),
        "{by_cashier}"
    );
}

async fn reports_are_refused_to_the_counter_and_a_reversed_range_is_explained(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-roles").await;
    for role in [Role::Cashier, Role::Agent] {
        let browser = staff_browser(&app, &l, role).await;
        for path in ["/reportes/cobranza", "/reportes/cobranza/cajeros.csv"] {
            let reply = app.visit(&browser, path).await;
            reply.assert_status_because(403, &format!("{role} reads {path}"));
        }
        let menu = app.visit(&browser, "/").await.body;
        assert!(
            !menu.contains("/reportes/cobranza"),
            "{role} is not offered the report"
        );
    }
    let viewer = staff_browser(&app, &l, Role::Viewer).await;
    let page = app
        .visit(&viewer, "/reportes/cobranza")
        .await
        .assert_status(200)
        .body;
    assert!(page.contains("Sin pagos en el periodo."));
    let reversed = app
        .visit(
            &viewer,
            "/reportes/cobranza?desde=2026-03-01&hasta=2026-02-01",
        )
        .await
        .assert_status(400)
        .body;
    assert!(
        reversed.contains("La fecha inicial (01/03/2026) es posterior a la final (01/02/2026)."),
        "{reversed}"
    );
    assert_spanish_error_page(&reversed, "a reversed range");
    let bad = app.visit(&viewer, "/reportes/cobranza?desde=ayer").await;
    assert_spanish_error_page(&bad.assert_status(400).body, "a date that is not one");
}
