//! Input a person can type but no lender means, refused in words that help (issue 22, defect 7): the
//! API's amount error suggests a form the API accepts, «1000%» is named as typed, a birth date in the
//! future is refused next to its field in Spanish, and a disbursement in 1582 is refused.

use super::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(nonsense_amounts_rates_and_dates_are_refused_with_advice_that_works);

async fn nonsense_amounts_rates_and_dates_are_refused_with_advice_that_works(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-sensata").await;
    let client = app.client(&l.cashier, "Rosa Díaz", "55 4444 3333").await;

    let refused = app
        .post(
            "/v1/loans",
            &l.cashier,
            json!({"client_id": client, "product_id": l.flat, "principal": "1,234.56"}),
        )
        .await;
    let body = refused.json();
    let detail = body["detail"].as_str().unwrap_or_default().to_string();
    let (_, advice) = detail.split_once(';').unwrap_or_default();
    assert!(
        advice.contains("1234.56") && !advice.contains("1,234.56"),
        "the advice is a form the API takes: {body}"
    );
    let suggested = app
        .post(
            "/v1/loans",
            &l.cashier,
            json!({"client_id": client, "product_id": l.flat, "principal": "1234.56"}),
        )
        .await;
    suggested.assert_status(201);

    let rate = app
        .post(
            "/v1/products",
            &l.admin,
            json!({"name": "Mil por ciento", "periodicity": "biweekly_cut", "term_periods": 6,
                "interest_method": "flat", "rate_per_period": "1000%"}),
        )
        .await;
    let body = rate.json();
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("1000% is above 100% per period"),
        "{body}"
    );

    let disbursed = app
        .post(
            "/v1/loans",
            &l.cashier,
            json!({"client_id": client, "product_id": l.flat, "principal": "5000.00"}),
        )
        .await
        .assert_status(201)
        .json()["id"]
        .as_i64()
        .unwrap_or_default();
    app.post(
        &format!("/v1/loans/{disbursed}/submit"),
        &l.cashier,
        json!({}),
    )
    .await
    .assert_status(200);
    app.post(
        &format!("/v1/loans/{disbursed}/approve"),
        &l.manager,
        json!({}),
    )
    .await
    .assert_status(200);
    let ancient = app
        .post(
            &format!("/v1/loans/{disbursed}/disburse"),
            &l.manager,
            json!({"disbursed_on": "1582-10-15"}),
        )
        .await;
    assert_eq!(ancient.status.as_u16(), 422, "{ancient}");

    // On the page: a birth date two days ahead (the future in every zone), in Spanish, on its field.
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let token = hidden_csrf(&app.visit(&cashier, "/clientes").await.body);
    let future = (chrono::Utc::now().date_naive() + chrono::Days::new(2)).to_string();
    let page = submit(
        &app,
        &cashier,
        "/clientes",
        &[
            ("full_name", "Nacida Mañana"),
            ("phone", "55 4444 5555"),
            ("birth_date", &future),
            ("csrf_token", &token),
        ],
    )
    .await;
    assert!(
        page.body.contains("La fecha de nacimiento")
            && page.body.contains("está fuera de las fechas aceptadas"),
        "{page}"
    );
    assert!(
        page.body.contains("aria-describedby=\"birth_date-error\""),
        "the birth date is the field marked: {page}"
    );
}
