//! Clients: registered and changed by the staff, found by name, refused when a phone or a CURP is wrong.

use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(
    a_client_is_read_back_and_updated_and_a_whatsapp_number_is_the_same_phone,
    a_client_with_a_short_phone_or_a_wrong_curp_check_digit_is_refused,
    clients_are_found_by_an_accented_name_and_listed_a_page_at_a_time,
    a_search_for_percent_or_underscore_finds_only_names_that_hold_them,
);

async fn a_client_is_read_back_and_updated_and_a_whatsapp_number_is_the_same_phone(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let c = app.client(&l.cashier, "Pedro Páramo", "5511112222").await;
    let path = format!("/v1/clients/{c}");

    let fetched = app.get_json(&path, &l.viewer).await;
    assert_eq!(fetched["phone"], "+525511112222");
    let change = json!({"full_name": "Pedro Páramo Rulfo", "phone": "+52 1 55 1111 2222", "address": "Comala"});
    let updated = app.put(&path, &l.cashier, change).await.assert_status(200);
    let updated = updated.json();
    assert_eq!(updated["client"]["full_name"], "Pedro Páramo Rulfo");
    assert_eq!(
        updated["client"]["phone"], "+525511112222",
        "a WhatsApp-style 521 number is the same phone"
    );
}

async fn a_client_with_a_short_phone_or_a_wrong_curp_check_digit_is_refused(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    let short = app
        .post(
            "/v1/clients",
            &l.cashier,
            json!({"full_name": "X", "phone": "33 9876"}),
        )
        .await
        .assert_problem(422);
    let detail = short.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("phone") && !detail.contains("9876"),
        "the problem names the field, never the value: {detail}"
    );
    let wrong = app
        .post(
            "/v1/clients",
            &l.cashier,
            json!({"full_name": "X", "phone": "5512345678", "curp": "GODE561231HDFRRN09"}),
        )
        .await
        .assert_status_because(422, "a CURP with a wrong check digit is refused");
    let detail = wrong.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("check digit") && !detail.contains("GODE"),
        "the problem names the part of the CURP, never the CURP: {detail}"
    );
}

async fn clients_are_found_by_an_accented_name_and_listed_a_page_at_a_time(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    app.client(&l.cashier, "María López", "5512340000").await;
    app.client(&l.cashier, "Zoe \"La Güera\" Ruiz, Jr.", "5598765432")
        .await;

    let found = app.get_json("/v1/clients?q=g%C3%BCera", &l.viewer).await;
    assert_eq!(found["total"], 1, "{found}");
    let paged = app
        .get_json("/v1/clients?per_page=1&page=2", &l.viewer)
        .await;
    assert_eq!(
        (
            paged["total"].as_u64(),
            paged["items"].as_array().unwrap().len()
        ),
        (Some(2), 1),
        "{paged}"
    );
}

/// `%` and `_` in a search are the characters typed, not wildcards.
async fn a_search_for_percent_or_underscore_finds_only_names_that_hold_them(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja").await;
    app.client(&l.cashier, "Abarrotes 50% Norte", "5512340001")
        .await;
    app.client(&l.cashier, "Ana_Ruiz Tienda", "5512340002")
        .await;
    app.client(&l.cashier, "Anaya Ruiz", "5512340003").await;
    app.client(&l.cashier, "Beto ! Bazar", "5512340004").await;
    let names = |found: serde_json::Value| -> Vec<String> {
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["full_name"].as_str().unwrap().to_string())
            .collect()
    };
    for (q, expected) in [
        ("%25", vec!["Abarrotes 50% Norte"]),
        ("_", vec!["Ana_Ruiz Tienda"]),
        ("ana_r", vec!["Ana_Ruiz Tienda"]),
        ("!", vec!["Beto ! Bazar"]),
        ("ana%25ruiz", vec![]),
    ] {
        let found = app.get_json(&format!("/v1/clients?q={q}"), &l.viewer).await;
        assert_eq!(names(found), expected, "q={q}");
    }
}
