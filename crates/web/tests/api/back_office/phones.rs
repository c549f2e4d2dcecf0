//! Phones read grouped on the pages, «+52 55 1234 5678» (issue 22, one format across the UI), while
//! `/v1` and the programs' export keep the E.164 form a program matches on.

use super::staff_browser;
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(phones_read_grouped_on_the_client_page_and_list_and_stay_e164_for_programs);

async fn phones_read_grouped_on_the_client_page_and_list_and_stay_e164_for_programs(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-telefonos").await;
    let cdmx = app
        .client(&l.cashier, "Rosa Méndez", "(55) 1234-5678")
        .await;
    app.client(&l.cashier, "Jorge Pineda", "5212221234567")
        .await;
    let browser = staff_browser(&app, &l, Role::Cashier).await;

    let page = app
        .visit(&browser, &format!("/clientes/{cdmx}"))
        .await
        .assert_status(200);
    assert!(
        page.body
            .contains("<div id=\"telefono\">+52 55 1234 5678</div>"),
        "the client page groups a Mexico City number by its two-digit area code: {page}"
    );

    let list = app.visit(&browser, "/clientes").await.assert_status(200);
    for shown in ["<td>+52 55 1234 5678</td>", "<td>+52 222 123 4567</td>"] {
        assert!(list.body.contains(shown), "the list shows {shown}: {list}");
    }
    assert!(
        !list.body.contains("+525512345678"),
        "no phone reads as E.164 on the list: {list}"
    );
    let found = app
        .visit(&browser, "/clientes?q=222+123+4567")
        .await
        .assert_status(200);
    assert!(
        found.body.contains("<td>+52 222 123 4567</td>"),
        "a search result groups the phone too: {found}"
    );

    let api = app
        .get_json(&format!("/v1/clients/{cdmx}"), &l.cashier)
        .await;
    assert_eq!(api["phone"], "+525512345678", "{api}");
    let raw = app
        .visit(&browser, "/clientes/exportar.csv?format=raw")
        .await
        .assert_status(200);
    assert!(
        raw.body.contains("+525512345678"),
        "the programs' export keeps E.164: {raw}"
    );
}
