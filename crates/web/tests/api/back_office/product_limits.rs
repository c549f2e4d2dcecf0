//! Products lend between a minimum and a maximum amount and term (issue 22, defect 7; ADR 30): an
//! application of $99,999,999.00 is refused on `/v1` and on the page (in Spanish, next to the amount,
//! with what was typed kept), a term inside the limits is lent over that term, and an admin edits the
//! limits on the product's page.

use super::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(applications_outside_a_products_limits_are_refused_on_v1_and_on_the_page);
each_backend!(an_admin_sets_a_products_limits_on_its_page_and_contradictions_are_refused);

async fn applications_outside_a_products_limits_are_refused_on_v1_and_on_the_page(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-limites").await;
    let client = app.client(&l.cashier, "Rosa Límites", "55 4444 3333").await;

    // A product created without limits (the helper's) still refuses an amount typed with zeros too many.
    let product = app
        .get_json(&format!("/v1/products/{}", l.flat), &l.cashier)
        .await;
    assert_eq!(
        (
            &product["min_principal"],
            &product["max_principal"],
            &product["min_term_periods"],
            &product["max_term_periods"]
        ),
        (&json!("1.00"), &json!("1000000.00"), &json!(6), &json!(6)),
        "{product}"
    );
    let apply = |product: i64, principal: &str, term: Option<u32>| {
        let mut body = json!({"client_id": client, "product_id": product, "principal": principal});
        if let Some(term) = term {
            body["term_periods"] = json!(term);
        }
        body
    };
    let huge = app
        .post("/v1/loans", &l.cashier, apply(l.flat, "99999999.00", None))
        .await;
    assert_eq!(huge.status.as_u16(), 422, "{huge}");
    assert!(
        huge.json()["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("above this product's maximum of $1,000,000.00"),
        "{huge}"
    );

    let limited = app
        .post(
            "/v1/products",
            &l.admin,
            json!({"name": "Quincenal flexible", "periodicity": "biweekly_cut", "term_periods": 12,
                "interest_method": "flat", "rate_per_period": "0.03",
                "min_principal": "1000.00", "max_principal": "50000.00",
                "min_term_periods": 6, "max_term_periods": 24}),
        )
        .await
        .assert_status(201)
        .json();
    let flexible = limited["id"].as_i64().unwrap_or_default();
    assert_eq!(limited["max_principal"], json!("50000.00"), "{limited}");

    for (principal, term, why) in [
        ("99999999.00", None, "far above the maximum"),
        ("50000.01", None, "a centavo above the maximum"),
        ("999.99", None, "a centavo below the minimum"),
        ("5000.00", Some(25), "a term above the longest"),
        ("5000.00", Some(5), "a term below the shortest"),
        ("5000.00", Some(0), "no term at all"),
    ] {
        let refused = app
            .post("/v1/loans", &l.cashier, apply(flexible, principal, term))
            .await;
        assert_eq!(refused.status.as_u16(), 422, "{why}: {refused}");
    }
    let loans = app.get_json("/v1/loans", &l.cashier).await;
    assert_eq!(
        loans["total"],
        json!(0),
        "nothing refused was stored: {loans}"
    );

    for (principal, term, expected) in [
        ("1000.00", Some(6), 6),
        ("50000.00", Some(24), 24),
        ("20000.00", None, 12),
    ] {
        let made = app
            .post("/v1/loans", &l.cashier, apply(flexible, principal, term))
            .await
            .assert_status(201)
            .json();
        assert_eq!(made["term_periods"], json!(expected), "{made}");
        let id = made["id"].as_i64().unwrap_or_default();
        let detail = app.get_json(&format!("/v1/loans/{id}"), &l.cashier).await;
        assert_eq!(detail["loan"]["term_periods"], json!(expected), "{detail}");
    }

    // On the page: the refusal is Spanish, on the amount, and the form keeps what was typed.
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let client_page = format!("/clientes/{client}");
    let page = app.visit(&cashier, &client_page).await;
    assert!(
        page.body
            .contains("$1,000.00 a $50,000.00, 6 a 24 periodos"),
        "the application form offers each product with its limits: {page}"
    );
    let token = hidden_csrf(&page.body);
    let flexible_text = flexible.to_string();
    let apply_on_page = |principal: &'static str, term: &'static str| {
        vec![
            ("product", flexible_text.clone()),
            ("principal", principal.to_string()),
            ("term", term.to_string()),
            ("csrf_token", token.clone()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let path = format!("{client_page}/solicitud");
        let app = &app;
        let cashier = &cashier;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            submit(app, cashier, &path, &fields).await
        }
    };
    let refused = send(apply_on_page("99,999,999.00", "")).await;
    assert!(
        refused
            .body
            .contains("El monto máximo de este producto es $50,000.00"),
        "{refused}"
    );
    assert!(
        refused
            .body
            .contains("aria-describedby=\"principal-error\"")
            && refused.body.contains("value=\"99,999,999.00\""),
        "the amount is the field marked and keeps what was typed: {refused}"
    );
    let refused = send(apply_on_page("5000.00", "36")).await;
    assert!(
        refused
            .body
            .contains("El plazo de este producto va de 6 a 24 periodos.")
            && refused.body.contains("aria-describedby=\"term-error\"")
            && refused.body.contains("value=\"36\""),
        "{refused}"
    );
    let refused = send(apply_on_page("5000.00", "doce")).await;
    assert!(
        refused
            .body
            .contains("El plazo es un número entero de periodos"),
        "{refused}"
    );
    let accepted = send(apply_on_page("15000.00", "18")).await;
    assert!(
        accepted.body.contains("Solicitud enviada a aprobación."),
        "{accepted}"
    );
    let loans = app.get_json("/v1/loans", &l.cashier).await;
    let asked: Vec<(String, u64)> = loans["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    (
                        i["principal"].as_str().unwrap_or_default().to_string(),
                        i["term_periods"].as_u64().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        asked.contains(&("15000.00".to_string(), 18)),
        "the page's application asked for 18 periods: {asked:?}"
    );
    assert_eq!(
        asked.len(),
        4,
        "only the four admitted applications: {asked:?}"
    );
}

async fn an_admin_sets_a_products_limits_on_its_page_and_contradictions_are_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-producto").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let token = hidden_csrf(&app.visit(&admin, "/productos").await.body);
    let inverted = product("Semanal al revés", "9000.00", "3000.00", &token);
    let refused = submit(&app, &admin, "/productos", &inverted).await;
    assert_eq!(refused.status.as_u16(), 422, "{refused}");
    assert!(
        refused
            .body
            .contains("El monto mínimo no puede ser mayor que el monto máximo.")
            && refused.body.contains("value=\"Semanal al revés\""),
        "Spanish, with what was typed kept: {refused}"
    );

    let good = product("Semanal 8 a 20", "500.00", "8000.00", &token);
    let listed = submit(&app, &admin, "/productos", &good).await;
    assert!(
        listed.body.contains("8 a 20 periodos") && listed.body.contains("$500.00 a $8,000.00"),
        "{listed}"
    );
    let products = app.get_json("/v1/products", &l.admin).await;
    let id = products["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["name"] == json!("Semanal 8 a 20")))
        .and_then(|p| p["id"].as_i64())
        .unwrap_or_default();

    // The product's page shows its form filled in; the admin narrows the amounts.
    let edit = app.visit(&admin, &format!("/productos/{id}")).await;
    assert!(
        edit.body.contains("value=\"8000.00\"") && edit.body.contains("<h1>"),
        "{edit}"
    );
    let mut narrowed = product("Semanal 8 a 20", "500.00", "6000.00", &token);
    narrowed.push(("active", "on"));
    submit(&app, &admin, &format!("/productos/{id}"), &narrowed).await;
    let stored = app.get_json(&format!("/v1/products/{id}"), &l.admin).await;
    assert_eq!(
        (
            &stored["max_principal"],
            &stored["min_term_periods"],
            &stored["active"]
        ),
        (&json!("6000.00"), &json!(8), &json!(true)),
        "{stored}"
    );
    let mut outside = product("Semanal 8 a 20", "500.00", "6000.00", &token);
    outside[2] = ("term_periods", "30");
    let refused = submit(&app, &admin, &format!("/productos/{id}"), &outside).await;
    assert!(
        refused.body.contains(
            "El plazo del producto debe estar entre el plazo mínimo (8) y el máximo (20)."
        ),
        "{refused}"
    );
    let unchanged = app.get_json(&format!("/v1/products/{id}"), &l.admin).await;
    assert_eq!(unchanged["term_periods"], json!(16), "{unchanged}");

    // The refused limit reaches /v1 too.
    let inverted = app
        .put(
            &format!("/v1/products/{id}"),
            &l.admin,
            json!({"name": "Semanal 8 a 20", "periodicity": "weekly", "term_periods": 16,
                "interest_method": "flat", "rate_per_period": "0.015",
                "min_principal": "9000.00", "max_principal": "100.00"}),
        )
        .await;
    assert_eq!(inverted.status.as_u16(), 422, "{inverted}");
}

/// The product form as an admin fills it: a weekly product of 16 periods offered over 8 to 20.
fn product<'a>(
    name: &'a str,
    min: &'a str,
    max: &'a str,
    token: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("periodicity", "weekly"),
        ("term_periods", "16"),
        ("method", "flat"),
        ("rate_percent", "1.5"),
        ("min_principal", min),
        ("max_principal", max),
        ("min_term_periods", "8"),
        ("max_term_periods", "20"),
        ("csrf_token", token),
    ]
}
