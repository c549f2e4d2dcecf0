//! Users as an admin manages them and as everyone keeps their own: switching someone off asks first and
//! says what it does; a user locked out by failed sign-ins is shown as locked and an admin lets them in
//! again; an admin sets a new password for who forgot theirs; everyone changes their own, typing the
//! current one. Seen before: the state was a bare select saved with the role (no question asked), a
//! lockout was invisible and only time ended it, and no page could set a password.

use super::{staff_browser, submit};
use crate::helpers::{PASSWORD, Reply, TestApp, hidden_csrf};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::audit;
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::users;
use credinet_store::testing::TestDb;

each_backend!(deactivating_a_user_asks_first_and_ends_their_sessions);
each_backend!(a_locked_user_is_shown_locked_and_an_admin_unlocks_them);
each_backend!(an_admin_resets_a_forgotten_password);
each_backend!(everyone_changes_their_own_password_knowing_the_current_one);

/// A browser of a new cashier, signed in; the cashier's id.
async fn cashier(app: &TestApp, tenant: &Tenant, email: &str) -> (reqwest::Client, i64) {
    let user = app.user(tenant, email, Role::Cashier).await;
    let browser = app.browser();
    app.signed_in(&browser, tenant.slug.as_str(), email).await;
    (browser, user.id.get())
}

/// The actions of the tenant's audit log, newest first.
async fn audited(app: &TestApp, tenant: &Tenant) -> Vec<String> {
    audit::list(app.app_store.db(), tenant.id, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Whether the browser's session still opens a page (a signed-out one is sent to the login).
async fn still_signed_in(app: &TestApp, browser: &reqwest::Client) -> bool {
    app.visit(browser, "/").await.status.as_u16() == 200
}

async fn post(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> Reply {
    let token = hidden_csrf(&app.visit(browser, "/cuenta/contrasena").await.body);
    let mut form = form.to_vec();
    form.push(("csrf_token", &token));
    submit(app, browser, path, &form).await
}

async fn deactivating_a_user_asks_first_and_ends_their_sessions(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-bajas").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let (ines, id) = cashier(&app, &l.tenant, "ines@bajas.mx").await;

    let list = app.visit(&admin, "/usuarios").await.assert_status(200);
    let ask = format!("/usuarios/{id}/desactivar");
    assert!(
        list.body.contains(&format!("href=\"{ask}\"")) && !list.body.contains("name=\"active\""),
        "the list leads to a question, not a select that switches off on «Guardar»: {list}"
    );
    let question = app.visit(&admin, &ask).await.assert_status(200);
    for said in [
        "¿Desactivar a",
        "ines@bajas.mx",
        "sesiones abiertas",
        "reactivarlo",
    ] {
        assert!(
            question.body.contains(said),
            "the question says {said:?}: {question}"
        );
    }
    let user = users::get(
        app.app_store.db(),
        l.tenant.id,
        credinet_core::ids::UserId::new(id),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(user.active, "asking changed nothing");

    let done = post(&app, &admin, &ask, &[]).await.assert_status(200);
    assert!(done.body.contains("quedó inactivo"), "{done}");
    assert!(done.body.contains("Inactivo"), "{done}");
    assert!(!still_signed_in(&app, &ines).await, "her session ended");
    let again = app.visit(&admin, "/usuarios").await;
    assert!(!again.body.contains("quedó inactivo"), "said once: {again}");
    assert!(
        !app.visit(&admin, "/usuarios?aviso=creado")
            .await
            .body
            .contains("Usuario creado")
    );

    let back = post(&app, &admin, &format!("/usuarios/{id}/activar"), &[])
        .await
        .assert_status(200);
    assert!(back.body.contains("activo otra vez"), "{back}");
    app.login(&app.browser(), "caja-bajas", "ines@bajas.mx", PASSWORD)
        .await
        .assert_status_because(303, "reactivated, she signs in");
}

async fn a_locked_user_is_shown_locked_and_an_admin_unlocks_them(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-bloqueo").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let user = app
        .user(&l.tenant, "olvido@bloqueo.mx", Role::Cashier)
        .await;
    let id = user.id.get();
    let list = app.visit(&admin, "/usuarios").await;
    assert!(!list.body.contains(&format!("bloqueado-{id}")), "{list}");

    for _ in 0..5 {
        app.login(
            &app.browser(),
            "caja-bloqueo",
            "olvido@bloqueo.mx",
            "no-es-la-clave",
        )
        .await;
    }
    let locked = app
        .login(
            &app.browser(),
            "caja-bloqueo",
            "olvido@bloqueo.mx",
            PASSWORD,
        )
        .await;
    assert_ne!(locked.status.as_u16(), 303, "locked out: {locked}");
    let list = app.visit(&admin, "/usuarios").await;
    assert!(
        list.body
            .contains(&format!("id=\"bloqueado-{id}\">Bloqueado"))
            && list.body.contains(&format!("/usuarios/{id}/desbloquear")),
        "the list shows the lockout and the way out: {list}"
    );

    let unlocked = post(&app, &admin, &format!("/usuarios/{id}/desbloquear"), &[])
        .await
        .assert_status(200);
    assert!(
        unlocked.body.contains("puede volver a iniciar sesión"),
        "{unlocked}"
    );
    assert!(
        !unlocked.body.contains(&format!("bloqueado-{id}")),
        "{unlocked}"
    );
    app.login(
        &app.browser(),
        "caja-bloqueo",
        "olvido@bloqueo.mx",
        PASSWORD,
    )
    .await
    .assert_status_because(303, "unlocked, the right password signs in at once");
    assert!(
        audited(&app, &l.tenant)
            .await
            .contains(&"user_unlocked".to_string())
    );
}

async fn an_admin_resets_a_forgotten_password(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-reset").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let (olga, id) = cashier(&app, &l.tenant, "olga@reset.mx").await;
    let form = format!("/usuarios/{id}/contrasena");
    let list = app.visit(&admin, "/usuarios").await;
    assert!(list.body.contains(&format!("href=\"{form}\"")), "{list}");
    app.visit(&admin, &form)
        .await
        .assert_status(200)
        .body
        .contains("Restablecer la contraseña de")
        .then_some(())
        .expect("the form names whose password");

    let differs = post(
        &app,
        &admin,
        &form,
        &[
            ("new_password", "nueva-clave-larga-1"),
            ("confirmation", "otra-clave-larga-1"),
        ],
    )
    .await
    .assert_status(200);
    assert!(
        differs.body.contains("La confirmación no coincide")
            && differs.body.contains("confirmation-error"),
        "{differs}"
    );
    let short = post(
        &app,
        &admin,
        &form,
        &[("new_password", "corta"), ("confirmation", "corta")],
    )
    .await
    .assert_status(200);
    assert!(short.body.contains("al menos 10 caracteres"), "{short}");
    assert!(
        !short.body.contains("corta\""),
        "a password is never typed back: {short}"
    );

    let done = post(
        &app,
        &admin,
        &form,
        &[
            ("new_password", "nueva-clave-larga-1"),
            ("confirmation", "nueva-clave-larga-1"),
        ],
    )
    .await
    .assert_status(200);
    assert!(
        done.body.contains("restablecida"),
        "back on the list, said: {done}"
    );
    assert!(
        !still_signed_in(&app, &olga).await,
        "her old sessions ended"
    );
    let login = |password: &'static str| {
        let app = &app;
        async move {
            app.login(&app.browser(), "caja-reset", "olga@reset.mx", password)
                .await
                .status
                .as_u16()
        }
    };
    assert_ne!(
        login(PASSWORD).await,
        303,
        "the old password no longer works"
    );
    assert_eq!(login("nueva-clave-larga-1").await, 303, "the new one does");
    assert!(
        audited(&app, &l.tenant)
            .await
            .contains(&"user_password_set".to_string())
    );
}

async fn everyone_changes_their_own_password_knowing_the_current_one(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-propia").await;
    let (here, _) = cashier(&app, &l.tenant, "pia@propia.mx").await;
    let elsewhere = app.browser();
    app.signed_in(&elsewhere, "caja-propia", "pia@propia.mx")
        .await;
    let top = app.visit(&here, "/").await;
    assert!(
        top.body.contains("href=\"/cuenta/contrasena\""),
        "every page links it: {top}"
    );

    let wrong = post(
        &app,
        &here,
        "/cuenta/contrasena",
        &[
            ("current_password", "no-es-la-actual"),
            ("new_password", "mi-clave-nueva-2"),
            ("confirmation", "mi-clave-nueva-2"),
        ],
    )
    .await
    .assert_status(200);
    assert!(
        wrong.body.contains("La contraseña actual no es correcta.")
            && wrong.body.contains("current_password-error"),
        "{wrong}"
    );
    assert!(
        still_signed_in(&app, &elsewhere).await,
        "a refusal changes nothing"
    );

    let changed = post(
        &app,
        &here,
        "/cuenta/contrasena",
        &[
            ("current_password", PASSWORD),
            ("new_password", "mi-clave-nueva-2"),
            ("confirmation", "mi-clave-nueva-2"),
        ],
    )
    .await
    .assert_status(200);
    assert!(changed.body.contains("Contraseña cambiada."), "{changed}");
    assert!(
        !app.visit(&here, "/cuenta/contrasena")
            .await
            .body
            .contains("Contraseña cambiada."),
        "said once"
    );
    assert!(still_signed_in(&app, &here).await, "this session stays");
    assert!(
        !still_signed_in(&app, &elsewhere).await,
        "the other one ended"
    );
    app.login(
        &app.browser(),
        "caja-propia",
        "pia@propia.mx",
        "mi-clave-nueva-2",
    )
    .await
    .assert_status_because(303, "the new password signs in");
    let actions = audited(&app, &l.tenant).await;
    for action in ["user_password_changed", "user_password_change_refused"] {
        assert!(
            actions.contains(&action.to_string()),
            "{action} audited: {actions:?}"
        );
    }
}
