//! A new user and a new API key are offered the least privilege: a hurried «Crear» used to hand out
//! «Administrador», the first option of the list.

use super::staff_browser;
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(a_new_user_and_a_new_key_default_to_the_least_privilege);

/// The option marked `selected` in the form's `<select id="role">`.
fn chosen_role(html: &str) -> Option<String> {
    let form_select = &html[html.find("<select id=\"role\"")?..];
    let select = &form_select[..form_select.find("</select>")?];
    let option = select.split("<option").find(|o| o.contains(" selected"))?;
    let value = &option[option.find("value=\"")? + 7..];
    Some(value[..value.find('"')?].to_string())
}

async fn a_new_user_and_a_new_key_default_to_the_least_privilege(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-roles").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    for path in ["/usuarios", "/claves"] {
        let page = app.visit(&admin, path).await.assert_status(200);
        assert_eq!(
            chosen_role(&page.body).as_deref(),
            Some("viewer"),
            "{path}: the form to create one starts at «Consulta»:\n{}",
            page.body
        );
    }
}
