//! Cuts on screen, on the three backends: the history with each cut's summary, one cut with its
//! statements, a running cut's progress, a loan's statement as a page and as a PDF, and the portfolio
//! report drawn from the cuts.

use crate::back_office::staff_browser;
use crate::helpers::TestApp;
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use credinet_core::role::Role;
use credinet_lending::cuts::{self, CutOptions};
use credinet_store::each_backend;
use credinet_store::repo::audit::Requester;
use credinet_store::testing::TestDb;
use serde_json::json;
use std::ops::ControlFlow;

each_backend!(
    a_cut_shows_its_summary_and_each_loan_its_statement_as_a_page_and_a_pdf,
    a_running_cut_shows_its_progress_until_it_is_done,
);

pub(crate) const CUT: &str = "2026-01-23";

fn cut_date() -> NaiveDate {
    CUT.parse().unwrap()
}

/// The cut of [`CUT`] for `tenant`, run to its end or stopped after `stop_after` loans.
pub(crate) async fn cut(app: &TestApp, tenant: TenantId, page_size: u64, stop_after: Option<u64>) {
    let result = cuts::run(
        &app.app_store,
        tenant,
        cut_date(),
        &Requester::cli(),
        CutOptions { page_size },
        |p| match stop_after {
            Some(n) if p.loans_done >= n => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        },
    )
    .await;
    match (result, stop_after) {
        (Ok(_), None) | (Err(cuts::CutError::Interrupted { .. }), Some(_)) => {}
        (other, _) => panic!("the cut of {CUT}: {other:?}"),
    }
}

async fn a_cut_shows_its_summary_and_each_loan_its_statement_as_a_page_and_a_pdf(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-corte").await;
    // Six biweekly installments of $2,246.67 (the last $2,246.65): $13,480.00 in all, the first due on
    // 22 January. $1,000.00 paid on the 20th leaves it partly unpaid at the cut of the 23rd, which
    // charges the late fee of $150.00 and its IVA of $24.00: $13,480 + $174 − $1,000 = $12,654.00.
    let product = json!({"name": "Quincenal con moratorio", "periodicity": "biweekly_cut", "term_periods": 6,
        "interest_method": "flat", "rate_per_period": "0.05", "late_fee": "150.00"});
    let product = app.product(&l.admin, product).await;
    let loan = app.disbursed_loan(&l, product, "10000.00").await;
    let body = json!({"amount": "1000.00", "method": "cash", "paid_on": "2026-01-20", "reference": "F-77"});
    app.post(&format!("/v1/loans/{}/payments", loan.id), &l.cashier, body)
        .await
        .assert_status(201);
    cut(&app, l.tenant.id, 500, None).await;

    let manager = staff_browser(&app, &l, Role::Manager).await;
    let history = app.visit(&manager, "/cortes").await.assert_status(200).body;
    let row = history
        .split(&format!("href=\"/cortes/{CUT}\""))
        .nth(1)
        .expect("the cut is listed");
    let row = row.split("</tr>").next().unwrap();
    assert!(row.contains("Terminado"), "{row}");
    assert!(row.contains("$1,000.00"), "collected in the period: {row}");
    assert!(
        row.contains("$12,654.00"),
        "the portfolio after the cut: {row}"
    );

    let page = app
        .visit(&manager, &format!("/cortes/{CUT}"))
        .await
        .assert_status(200)
        .body;
    assert!(
        page.contains("id=\"resumen\""),
        "a finished cut shows its summary:\n{page}"
    );
    assert!(!page.contains("hx-get"), "nothing to poll once done");
    let statement_link = format!("/prestamos/{}/estados/{CUT}", loan.id);
    assert!(page.contains(&statement_link), "{page}");

    let statement = app
        .visit(&manager, &statement_link)
        .await
        .assert_status(200)
        .body;
    for expected in [
        "$13,480.00",
        "$174.00",
        "$1,000.00",
        "id=\"closing\">$12,654.00<",
        "Pago · F-77",
        "20/01/2026",
        "Comisión por atraso",
        "$150.00",
        "$24.00",
    ] {
        assert!(
            statement.contains(expected),
            "the statement shows {expected}:\n{statement}"
        );
    }
    let pdf = app
        .visit(&manager, &format!("{statement_link}/pdf"))
        .await
        .assert_status(200);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"), "a PDF document");

    let loan_page = app
        .visit(&manager, &format!("/prestamos/{}", loan.id))
        .await
        .assert_status(200)
        .body;
    assert!(
        loan_page.contains(&statement_link),
        "the loan lists its statements"
    );

    let csv = app
        .visit(&manager, "/cortes/exportar.csv?format=raw")
        .await
        .assert_status(200)
        .body;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(
        lines[1].starts_with(&format!("{CUT},2026-01-08,done,1,1,")),
        "{csv}"
    );
    let statements = app
        .visit(&manager, &format!("/cortes/{CUT}/estados.csv?format=raw"))
        .await
        .assert_status(200)
        .body;
    assert!(
        statements
            .lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("{},{CUT},13480.00,", loan.id)),
        "{statements}"
    );

    // The same exports for a person: a Spanish spreadsheet (BOM, Spanish headers and names, dd/mm/aaaa),
    // as the lists' exports (ADR 34); `?format=raw` above keeps the programs' form.
    for (path, header, row) in [
        (
            "/cortes/exportar.csv".to_string(),
            "Corte,Inicio del periodo,Estado,",
            "23/01/2026,08/01/2026,Terminado,1,1,".to_string(),
        ),
        (
            format!("/cortes/{CUT}/estados.csv"),
            "Préstamo,Corte,Saldo inicial,",
            format!("{},23/01/2026,13480.00,", loan.id),
        ),
        (
            "/reportes/cartera/clasificacion.csv".to_string(),
            "Corte,Clasificación,Préstamos,",
            "23/01/2026,Al corriente,".to_string(),
        ),
    ] {
        let sheet = app.visit(&manager, &path).await.assert_status(200).body;
        assert!(
            sheet.starts_with(&format!("\u{feff}{header}")),
            "{path}: a BOM and Spanish headers:\n{sheet}"
        );
        assert!(
            sheet.lines().any(|l| l.starts_with(&row)),
            "{path}: a row starting {row:?}:\n{sheet}"
        );
    }

    let report = app
        .visit(&manager, "/reportes/cartera")
        .await
        .assert_status(200)
        .body;
    assert!(
        report.contains("id=\"par-chart\""),
        "the PAR chart is drawn:\n{report}"
    );
    assert!(
        report.contains("Corte del 23/01/2026 · PAR15"),
        "a dot per cut with its figure"
    );
    assert!(report.contains("id=\"cartera\">$12,654.00<"), "{report}");
    assert!(
        report.contains("1 a 15 días"),
        "the loan one day late is in the first bucket"
    );

    // Another lender sees none of it; the counter does not read cuts.
    let other = app.lender("otra-caja").await;
    let outsider = staff_browser(&app, &other, Role::Manager).await;
    app.visit(&outsider, &format!("/cortes/{CUT}"))
        .await
        .assert_status(404);
    app.visit(&outsider, &statement_link)
        .await
        .assert_status(404);
    app.visit(&outsider, &format!("{statement_link}/pdf"))
        .await
        .assert_status(404);
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    app.visit(&cashier, "/cortes").await.assert_status(403);
    app.visit(&cashier, "/reportes/cartera")
        .await
        .assert_status(403);
    app.visit(&manager, "/cortes/2026-02-30")
        .await
        .assert_status(404);
    app.visit(
        &manager,
        &format!("/prestamos/{}/estados/2026-02-08", loan.id),
    )
    .await
    .assert_status(404);
}

async fn a_running_cut_shows_its_progress_until_it_is_done(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-avance").await;
    app.disbursed_loan(&l, l.flat, "10000.00").await;
    app.disbursed_loan(&l, l.flat, "5000.00").await;
    // One loan per page, stopped after the first: the cut stays claimed and half done, as after a crash.
    cut(&app, l.tenant.id, 1, Some(1)).await;

    let viewer = staff_browser(&app, &l, Role::Viewer).await;
    let page = app
        .visit(&viewer, &format!("/cortes/{CUT}"))
        .await
        .assert_status(200)
        .body;
    assert!(page.contains("Corte en proceso"), "{page}");
    assert!(page.contains("id=\"avance-prestamos\">1 de 2<"), "{page}");
    assert!(
        page.contains(&format!("hx-get=\"/cortes/{CUT}/avance\"")),
        "the page polls"
    );
    let fragment = app
        .visit(&viewer, &format!("/cortes/{CUT}/avance"))
        .await
        .assert_status(200);
    assert!(
        fragment.headers.get("hx-refresh").is_none(),
        "still running"
    );
    assert!(fragment.body.contains("50 %"), "{}", fragment.body);

    cut(&app, l.tenant.id, 1, None).await;
    let fragment = app
        .visit(&viewer, &format!("/cortes/{CUT}/avance"))
        .await
        .assert_status(200);
    assert_eq!(
        fragment.headers["hx-refresh"], "true",
        "done: the page reloads once"
    );
    let page = app.visit(&viewer, &format!("/cortes/{CUT}")).await.body;
    assert!(page.contains("id=\"resumen\""), "{page}");
}
