//! A refused form comes back with what was typed, and the message next to its field: the field marked
//! `aria-invalid="true"` and pointing at the message with `aria-describedby`. Seen: all seven client
//! fields, and the payment's amount, reference and method, came back empty.

use super::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(a_refused_form_keeps_what_was_typed_and_marks_its_field);

/// The opening tag of the element with `id` on the page.
#[track_caller]
fn tag<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element with id {id}:\n{html}"));
    let start = html[..at].rfind('<').unwrap_or(0);
    let end = at + html[at..].find('>').unwrap_or(0);
    &html[start..=end]
}

/// Fails unless field `id` shows `value`, and is the one marked invalid with its message, when `invalid`.
#[track_caller]
fn assert_field(html: &str, id: &str, value: &str, invalid: bool) {
    let input = tag(html, id);
    assert!(
        input.contains(&format!("value=\"{value}\"")),
        "field {id} keeps {value:?}: {input}"
    );
    assert_marked(html, id, invalid);
}

#[track_caller]
fn assert_marked(html: &str, id: &str, invalid: bool) {
    let input = tag(html, id);
    let marked = input.contains("aria-invalid=\"true\"")
        && input.contains(&format!("aria-describedby=\"{id}-error\""));
    assert_eq!(marked, invalid, "field {id} marked invalid: {input}");
    if invalid {
        let message = tag(html, &format!("{id}-error"));
        let text = &html[html.find(message).unwrap_or(0) + message.len()..];
        let text = &text[..text.find('<').unwrap_or(0)];
        assert!(
            text.trim().len() > 5,
            "the message of {id} says something: {message}{text}"
        );
    }
}

/// The option marked `selected` in `<select id="…">`.
fn chosen(html: &str, id: &str) -> String {
    let select = &html[html.find(&format!("<select id=\"{id}\"")).unwrap_or(0)..];
    let select = &select[..select.find("</select>").unwrap_or(0)];
    let option = select
        .split("<option")
        .find(|o| o.contains(" selected"))
        .unwrap_or("");
    let value = &option[option.find("value=\"").map_or(0, |i| i + 7)..];
    value[..value.find('"').unwrap_or(0)].to_string()
}

async fn a_refused_form_keeps_what_was_typed_and_marks_its_field(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-formas").await;
    let loan = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let token = hidden_csrf(&app.visit(&admin, "/clientes").await.body);

    let client = [
        ("full_name", "Eduardo Gómez Díaz"),
        ("phone", "12"),
        ("curp", "GODE561231HDFRRN00"),
        ("rfc", "GODE561231GR8"),
        ("birth_date", "1956-12-31"),
        ("address", "Calle Olmo 12, Coyoacán"),
        ("notes", "Prefiere WhatsApp"),
    ];
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut form: Vec<(&str, &str)> = client
            .iter()
            .map(|(k, v)| (*k, changes.iter().find(|(c, _)| c == k).map_or(*v, |c| c.1)))
            .collect();
        form.push(("csrf_token", &token));
        form
    };

    // A new client with a bad phone: the seven fields come back, the phone marked.
    let page = submit(&app, &admin, "/clientes", &with(&[])).await;
    for (name, value) in client {
        assert_field(&page.body, name, value, name == "phone");
    }
    // A bad birth date is marked on its own field.
    let page = submit(
        &app,
        &admin,
        "/clientes",
        &with(&[("phone", "5511112222"), ("birth_date", "1990-13-45")]),
    )
    .await;
    assert_field(&page.body, "birth_date", "1990-13-45", true);
    assert_field(&page.body, "phone", "5511112222", false);
    assert_field(&page.body, "notes", "Prefiere WhatsApp", false);

    // Editing a client: what was typed comes back, not the saved data.
    let path = format!("/clientes/{}", loan.client);
    let page = submit(&app, &admin, &path, &with(&[("full_name", " ")])).await;
    assert_field(&page.body, "full_name", " ", true);
    assert_field(&page.body, "address", "Calle Olmo 12, Coyoacán", false);

    // An application whose amount is not one.
    let flat = l.flat.to_string();
    let apply = format!("/clientes/{}/solicitud", loan.client);
    let page = submit(
        &app,
        &admin,
        &apply,
        &[
            ("product", flat.as_str()),
            ("principal", "diez mil"),
            ("csrf_token", &token),
        ],
    )
    .await;
    assert_field(&page.body, "principal", "diez mil", true);
    assert_eq!(chosen(&page.body, "product"), flat);

    // A payment: amount, reference and method come back; the refused field is marked.
    let pay = format!("/prestamos/{}/pagos", loan.id);
    let payment = |amount: &'static str, paid_on: &'static str| {
        vec![
            ("amount", amount),
            ("paid_on", paid_on),
            ("method", "transfer"),
            ("reference", "SPEI 0042"),
            ("csrf_token", token.as_str()),
        ]
    };
    let page = submit(&app, &admin, &pay, &payment("1.234", "")).await;
    assert_field(&page.body, "amount", "1.234", true);
    assert_field(&page.body, "reference", "SPEI 0042", false);
    assert_eq!(chosen(&page.body, "method"), "transfer");
    let page = submit(&app, &admin, &pay, &payment("100.00", "2099-01-01")).await;
    assert_field(&page.body, "paid_on", "2099-01-01", true);
    assert_field(&page.body, "amount", "100.00", false);
    let page = submit(&app, &admin, &pay, &payment("999999.00", "")).await;
    assert_field(&page.body, "amount", "999999.00", true);
    assert_eq!(chosen(&page.body, "method"), "transfer");
}
