//! The audit log as people read it: actions and objects in Spanish, the object linked, the before/after
//! as the fields that changed, filters by who, action, object and date, pages both ways with where the
//! page stands (and a page past the end says so), and the same selection as a Spanish spreadsheet.
//! Seen before: stored English keys (`user_updated`), two raw JSON documents, «Entradas anteriores →»
//! as the only way to move, and no filter or export.

use super::{links, staff_browser, submit};
use crate::helpers::{RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(the_audit_log_reads_in_spanish_and_filters_pages_and_exports);

async fn the_audit_log_reads_in_spanish_and_filters_pages_and_exports(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-bitacora").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let ana = app.user(&l.tenant, "ana@bitacora.mx", Role::Cashier).await;
    let token = hidden_csrf(&app.visit(&admin, "/usuarios").await.body);
    submit(
        &app,
        &admin,
        &format!("/usuarios/{}", ana.id),
        &[("role", "viewer"), ("csrf_token", &token)],
    )
    .await
    .assert_status(200);

    // The change reads as a change.
    let page = app.visit(&admin, "/auditoria").await.assert_status(200);
    for said in [
        "<td>Usuario modificado</td>",
        "<strong>Rol:</strong>",
        "<del>Cajero</del> → <ins>Consulta</ins>",
        "<td>Usuario creado</td>",
    ] {
        assert!(page.body.contains(said), "the log says {said:?}: {page}");
    }
    assert!(
        !page.body.contains(">user_updated<") && !page.body.contains("&quot;role&quot;"),
        "no stored keys or raw JSON: {page}"
    );
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let page = app.visit(&admin, "/auditoria").await;
    assert!(
        links(&page.body).contains(&format!("/prestamos/{}", loan.id)),
        "a loan's entries link the loan: {page}"
    );

    // Filters: by action, by who, by object, by date; an empty field is no filter.
    let by_action = app
        .visit(
            &admin,
            "/auditoria?accion=user_updated&quien=&desde=&hasta=",
        )
        .await
        .assert_status(200);
    assert!(
        by_action.body.contains("1 entrada<")
            && by_action.body.contains("<td>Usuario modificado</td>"),
        "{by_action}"
    );
    let admin_email = format!("admin@{}.mx", l.tenant.slug.as_str());
    let by_who = app
        .visit(
            &admin,
            &format!("/auditoria?quien={admin_email}&accion=user_updated"),
        )
        .await;
    assert!(by_who.body.contains("1 entrada<"), "{by_who}");
    let by_object = app
        .visit(&admin, &format!("/auditoria?objeto=loan&id={}", loan.id))
        .await;
    assert!(
        by_object.body.contains("<td>Préstamo dispersado</td>")
            && !by_object.body.contains("<td>Usuario creado</td>"),
        "{by_object}"
    );
    let long_ago = app
        .visit(&admin, "/auditoria?desde=2001-01-01&hasta=2001-12-31")
        .await
        .assert_status(200);
    assert!(
        long_ago.body.contains("Sin entradas con estos filtros."),
        "{long_ago}"
    );
    app.visit(&admin, "/auditoria?desde=ayer")
        .await
        .assert_status(400);

    // Pages both ways, where the page stands, and a page past the end says so.
    for _ in 0..55 {
        app.api_key(&l.tenant, Role::Viewer).await;
    }
    let first = app.visit(&admin, "/auditoria").await;
    assert!(first.body.contains("página 1 de "), "{first}");
    let second = app.visit(&admin, "/auditoria?p=2").await;
    assert!(
        second.body.contains("rel=\"prev\"") && second.body.contains("Anterior"),
        "{second}"
    );
    let filtered = app.visit(&admin, "/auditoria?accion=api_key_created").await;
    assert!(
        filtered.body.contains("página 1 de 2")
            && links(&filtered.body).contains(&"/auditoria?accion=api_key_created&p=2".to_string()),
        "the pager keeps the filters: {filtered}"
    );
    let past = app
        .visit(&admin, "/auditoria?accion=api_key_created&p=99")
        .await
        .assert_status(200);
    assert!(
        past.body.contains("La página 99 no existe") && past.body.contains("página 2 de 2"),
        "{past}"
    );

    // The spreadsheet: BOM, Spanish headers and names, local dates; `format=raw` is for programs.
    let csv = admin
        .get(app.url("/auditoria/exportar.csv?accion=user_updated"))
        .reply()
        .await
        .assert_status(200);
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a BOM: {csv}");
    assert!(
        csv.body.contains("Fecha y hora,Quién,Acción")
            && csv.body.contains("Usuario modificado")
            && csv.body.contains("Rol: Cajero → Consulta"),
        "{csv}"
    );
    let date = csv
        .body
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(1))
        .unwrap_or_default();
    assert!(
        date.len() >= 10 && date.as_bytes()[2] == b'/' && date.as_bytes()[5] == b'/',
        "dd/mm/aaaa: {date:?}"
    );
    let raw = admin
        .get(app.url("/auditoria/exportar.csv?accion=user_updated&format=raw"))
        .reply()
        .await
        .assert_status(200);
    assert!(
        !raw.body.starts_with('\u{feff}')
            && raw.body.starts_with("seq,at,actor,action")
            && raw.body.contains(",user_updated,"),
        "{raw}"
    );
}
