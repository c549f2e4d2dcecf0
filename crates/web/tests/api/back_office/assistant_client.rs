//! The client page's WhatsApp side: staff who edit clients set and remove the assistant PIN (never shown,
//! never put back in a refused form, audited without the digits), the borrower then verifies with it
//! over the AutoResponder webhook, and the conversation is on the client's page with local dates and
//! the borrower's text escaped.

use super::{staff_browser, submit};
use crate::assistant::{Borrower, autoresponder_body, borrower};
use crate::helpers::{RequestExt, TestApp, hidden_csrf};
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::entities::assistant_message;
use credinet_store::repo::audit::Requester;
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use credinet_store::testing::TestDb;
use serde_json::Value;

each_backend!(staff_set_a_pin_the_borrower_verifies_with_it_and_the_page_shows_the_conversation);

async fn staff_set_a_pin_the_borrower_verifies_with_it_and_the_page_shows_the_conversation(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let Borrower {
        lender: l,
        client,
        loan_number,
    } = borrower(&app, "caja-pin").await;
    let page_path = format!("/clientes/{client}");
    let pin_path = format!("{page_path}/pin");
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let page = app.visit(&cashier, &page_path).await.assert_status(200);
    assert!(page.body.contains("Sin PIN"), "{page}");
    assert!(
        page.body
            .contains("El cliente no ha conversado con el asistente"),
        "{page}"
    );
    let token = hidden_csrf(&page.body);

    // A PIN that is not 4 to 6 digits is refused next to the field, and what was typed is not echoed.
    for (typed, says) in [
        ("48a1", "sólo lleva dígitos"),
        ("482", "tiene 3"),
        ("", "Escriba el PIN"),
    ] {
        let form = [
            ("pin", typed),
            ("action", "guardar"),
            ("csrf_token", &token),
        ];
        let page = submit(&app, &cashier, &pin_path, &form).await;
        assert!(page.body.contains(says), "«{typed}»: {page}");
        assert!(
            page.body.contains("aria-describedby=\"pin-error\""),
            "{page}"
        );
        assert!(
            typed.is_empty() || !page.body.contains(&format!("value=\"{typed}\"")),
            "the refused PIN is not put back in the form: {page}"
        );
    }

    let form = [
        ("pin", "4821"),
        ("action", "guardar"),
        ("csrf_token", &token),
    ];
    let answer = cashier.post(app.url(&pin_path)).form(&form).reply().await;
    assert_eq!(answer.status.as_u16(), 303, "post/redirect/get: {answer}");
    let page = app.visit(&cashier, answer.header("location")).await;
    assert!(page.body.contains("PIN del asistente guardado"), "{page}");
    assert!(page.body.contains("El cliente tiene un PIN"), "{page}");
    assert!(
        !page.body.contains("4821"),
        "the PIN is never shown: {page}"
    );
    let audit = app.get_json("/v1/audit", &l.admin).await;
    let pin_set: Vec<&Value> = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == "client_pin_set")
        .collect();
    assert_eq!(pin_set.len(), 1, "{audit}");
    assert!(!audit.to_string().contains("4821"), "{audit}");

    // A viewer sees the page without the form and cannot post it; another lender's staff do not find
    // the client.
    let viewer = staff_browser(&app, &l, Role::Viewer).await;
    let page = app.visit(&viewer, &page_path).await.assert_status(200);
    assert!(!page.body.contains("Guardar PIN"), "{page}");
    let token_viewer = hidden_csrf(&app.visit(&viewer, "/clientes").await.body);
    let form = [
        ("pin", "1111"),
        ("action", "guardar"),
        ("csrf_token", &token_viewer),
    ];
    let answer = viewer.post(app.url(&pin_path)).form(&form).reply().await;
    assert_eq!(answer.status.as_u16(), 403, "{answer}");
    let other = app.lender("caja-ajena").await;
    let stranger = staff_browser(&app, &other, Role::Admin).await;
    let token_other = hidden_csrf(&app.visit(&stranger, "/clientes").await.body);
    let form = [
        ("pin", "1111"),
        ("action", "guardar"),
        ("csrf_token", &token_other),
    ];
    let answer = stranger.post(app.url(&pin_path)).form(&form).reply().await;
    assert_eq!(answer.status.as_u16(), 404, "{answer}");

    // The borrower verifies with the PIN over the AutoResponder webhook.
    let change = ChannelChange {
        new_autoresponder_token: true,
        ..ChannelChange::default()
    };
    let ar_token =
        channel_config::configure(&app.app_store, l.tenant.id, change, &Requester::cli())
            .await
            .unwrap()
            .autoresponder_token
            .unwrap();
    let url = app.url("/v1/channels/autoresponder/caja-pin");
    let mut last = String::new();
    for message in [
        "<script>alert('hola')</script> saldo",
        "5512345678",
        "4821",
        "cuanto debo",
    ] {
        let reply = app
            .api()
            .post(&url)
            .bearer_auth(&ar_token)
            .json(&autoresponder_body("+52 1 55 1234 5678", message))
            .reply()
            .await
            .assert_status(200);
        last = reply.json()["replies"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    assert!(last.contains(&loan_number), "verified by PIN: {last}");

    let page = app.visit(&cashier, &page_path).await.assert_status(200);
    let body = &page.body;
    assert!(body.contains("Conversaciones de WhatsApp"), "{page}");
    assert!(body.contains("AutoResponder"), "{page}");
    assert!(body.contains("Verificada"), "{page}");
    assert!(
        // askama writes `<` as `&#60;`; either entity is the text shown, not markup.
        (body.contains("&#60;script&#62;alert") || body.contains("&lt;script&gt;alert"))
            && !body.contains("<script>alert"),
        "the borrower's text is escaped: {page}"
    );
    assert!(body.contains("[dato de verificación]"), "{page}");
    assert!(
        !body.contains("4821"),
        "the PIN typed is not in the transcript: {page}"
    );
    assert!(body.contains(&loan_number), "the balance reply: {page}");
    assert!(body.contains("saldo"), "the intent in Spanish: {page}");
    // Each message's time as dd/mm/aaaa HH:MM in the tenant's zone.
    let rows = assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(l.tenant.id.get()))
        .all(app.app_store.db())
        .await
        .unwrap();
    assert_eq!(rows.len(), 8, "4 in, 4 out");
    for row in rows {
        let local = row
            .created_at
            .with_timezone(&l.tenant.zone.tz())
            .format("%d/%m/%Y %H:%M")
            .to_string();
        assert!(body.contains(&local), "{local}: {page}");
    }
}
