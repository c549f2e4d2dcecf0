//! A client whose CURP or phone is another client's is not created on the first try: the page says so
//! next to the field, links the other client and offers a deliberate «Registrar de todas formas», which
//! creates it and is audited as such. Seen: the duplicate was created anyway, with an English warning.

use super::{staff_browser, submit};
use crate::helpers::{RequestExt, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::json;

each_backend!(a_duplicate_curp_or_phone_is_checked_before_creating);

async fn clients_total(app: &TestApp, key: &str) -> i64 {
    app.get_json("/v1/clients", key).await["total"]
        .as_i64()
        .unwrap_or_default()
}

async fn a_duplicate_curp_or_phone_is_checked_before_creating(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-duplicados").await;
    let first = app
        .post(
            "/v1/clients",
            &l.cashier,
            json!({"full_name": "Eduardo Gómez Díaz", "phone": "5512340000", "curp": "GODE561231HDFRRN00"}),
        )
        .await
        .assert_status(201)
        .json()["client"]["id"]
        .as_i64()
        .unwrap_or_default();
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    let token = hidden_csrf(&app.visit(&cashier, "/clientes").await.body);
    let before = clients_total(&app, &l.admin).await;

    for (phone, curp, field, says) in [
        (
            "5598760000",
            "GODE561231HDFRRN00",
            "curp",
            "Ya existe un cliente con este CURP",
        ),
        (
            "55 1234 0000",
            "",
            "phone",
            "Ya existe un cliente con este teléfono",
        ),
    ] {
        let form = [
            ("full_name", "Eduardo Gómez"),
            ("phone", phone),
            ("curp", curp),
            ("csrf_token", &token),
        ];
        let page = submit(&app, &cashier, "/clientes", &form).await;
        assert!(page.body.contains(says), "{field}: {page}");
        assert!(
            page.body
                .contains(&format!("aria-describedby=\"{field}-error\"")),
            "{field} is the field marked: {page}"
        );
        assert!(
            page.body.contains(&format!("href=\"/clientes/{first}\"")),
            "a link to the other client: {page}"
        );
        assert!(page.body.contains("Registrar de todas formas"), "{page}");
        assert_eq!(
            clients_total(&app, &l.admin).await,
            before,
            "nothing was created"
        );
    }

    // Registered anyway, deliberately: created, and the audit log says it was a duplicate.
    let form = [
        ("full_name", "Eduardo Gómez"),
        ("phone", "5598760000"),
        ("curp", "GODE561231HDFRRN00"),
        ("duplicate", "registrar"),
        ("csrf_token", &token),
    ];
    let answer = cashier.post(app.url("/clientes")).form(&form).reply().await;
    assert_eq!(answer.status.as_u16(), 303, "{answer}");
    let to = answer.header("location").to_string();
    assert!(
        to.starts_with("/clientes/") && to != format!("/clientes/{first}"),
        "{answer}"
    );
    assert_eq!(clients_total(&app, &l.admin).await, before + 1);
    let audit = app.get_json("/v1/audit", &l.admin).await;
    let created_as_duplicate = audit["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["action"] == json!("client_created_as_duplicate"))
        .count();
    assert_eq!(created_as_duplicate, 1, "{audit}");
}
