//! Post → redirect → get: every form answers with a redirect, so a reload never sends it again, and what
//! the page says after it (a notice, a warning, a refusal with what was typed, a new API key) is said once.
//! Seen: reloading resubmitted a client, a payment's refusal and an API key's creation, and
//! `?aviso=pago` said «Pago registrado.» each time the URL was opened.

use super::staff_browser;
use crate::helpers::{Reply, RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(every_form_redirects_and_its_message_is_said_once);

/// Fails unless the answer is `303 See Other` to `to` (a path without a query string); the path.
#[track_caller]
fn assert_redirect(answer: &Reply, to: &str) -> String {
    assert_eq!(
        answer.status.as_u16(),
        303,
        "a redirect after the form: {answer}"
    );
    let location = answer.header("location").to_string();
    assert_eq!(location, to, "where the form leads: {answer}");
    location
}

async fn every_form_redirects_and_its_message_is_said_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-prg").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let token = hidden_csrf(&app.visit(&admin, "/clientes").await.body);
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let mut form = form;
        form.push(("csrf_token", token.clone()));
        admin.post(app.url(&path)).form(&form).reply()
    };

    // A payment: back to the loan page, which says so once; the old `?aviso=pago` says nothing.
    let loan_path = format!("/prestamos/{}", loan.id);
    let paid = post(
        format!("{loan_path}/pagos"),
        vec![("amount", "100.00".into()), ("method", "cash".into())],
    )
    .await;
    let to = assert_redirect(&paid, &loan_path);
    let page = app.visit(&admin, &to).await.assert_status(200);
    assert!(page.body.contains("Pago registrado."), "{page}");
    let reloaded = app.visit(&admin, &to).await.assert_status(200);
    assert!(
        !reloaded.body.contains("Pago registrado."),
        "said once: {reloaded}"
    );
    let old_link = app
        .visit(&admin, &format!("{loan_path}?aviso=pago"))
        .await
        .assert_status(200);
    assert!(!old_link.body.contains("Pago registrado."), "{old_link}");

    // A refused payment: back to the loan page with what was typed, once.
    let refused = post(
        format!("{loan_path}/pagos"),
        vec![
            ("amount", "abc".into()),
            ("method", "card".into()),
            ("reference", "TPV 118".into()),
        ],
    )
    .await;
    let to = assert_redirect(&refused, &loan_path);
    let page = app.visit(&admin, &to).await.assert_status(200);
    assert!(
        page.body.contains("value=\"TPV 118\"") && page.body.contains("id=\"amount-error\""),
        "{page}"
    );
    let reloaded = app.visit(&admin, &to).await.assert_status(200);
    assert!(
        !reloaded.body.contains("TPV 118") && !reloaded.body.contains("amount-error"),
        "the refusal is said once: {reloaded}"
    );

    // A refused action on the loan.
    let refused = post(
        format!("{loan_path}/castigar"),
        vec![("reason", " ".into())],
    )
    .await;
    let to = assert_redirect(&refused, &loan_path);
    let page = app.visit(&admin, &to).await.assert_status(200);
    assert!(page.body.contains("notice error"), "{page}");
    let reloaded = app.visit(&admin, &to).await;
    assert!(!reloaded.body.contains("notice error"), "{reloaded}");

    // A refused new client: back to the list with what was typed, once.
    let refused = post(
        "/clientes".into(),
        vec![
            ("full_name", "Marta Prg Ruiz".into()),
            ("phone", "12".into()),
        ],
    )
    .await;
    let to = assert_redirect(&refused, "/clientes");
    let page = app.visit(&admin, &to).await.assert_status(200);
    assert!(page.body.contains("value=\"Marta Prg Ruiz\""), "{page}");
    let reloaded = app.visit(&admin, &to).await;
    assert!(!reloaded.body.contains("Marta Prg Ruiz"), "{reloaded}");

    // A client saved with a warning (an RFC whose check digit does not match): its page says it once.
    let created = post(
        "/clientes".into(),
        vec![
            ("full_name", "Eduardo Gómez Díaz".into()),
            ("phone", "5599887766".into()),
            ("rfc", "GODE561231GR9".into()),
        ],
    )
    .await;
    assert_eq!(created.status.as_u16(), 303, "{created}");
    let to = created.header("location").to_string();
    assert!(to.starts_with("/clientes/"), "{created}");
    let page = app.visit(&admin, &to).await.assert_status(200);
    assert!(
        page.body.contains("notice warn"),
        "the warning is shown: {page}"
    );
    let reloaded = app.visit(&admin, &to).await;
    assert!(!reloaded.body.contains("notice warn"), "{reloaded}");

    // A new API key: shown once after the redirect, never in a URL.
    let created = post(
        "/claves".into(),
        vec![("name", "Conciliación".into()), ("role", "viewer".into())],
    )
    .await;
    let to = assert_redirect(&created, "/claves");
    let page = app.visit(&admin, &to).await.assert_status(200);
    let key = page
        .body
        .split("id=\"new-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the new key is shown: {page}"))
        .to_string();
    assert!(key.len() > 20, "{key}");
    assert!(!to.contains(&key), "the key is not in the URL");
    app.get("/v1/loans", &key).await.assert_status(200);
    let reloaded = app.visit(&admin, &to).await;
    assert!(
        !reloaded.body.contains(&key) && !reloaded.body.contains("new-key"),
        "shown once: {reloaded}"
    );
}
