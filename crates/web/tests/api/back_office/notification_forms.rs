//! The forms of `/notificaciones`: an admin adds, edits, switches off and on a channel and adds,
//! changes and removes a rule. Each form redirects back (post/redirect/get) with a one-time notice;
//! secrets are never shown again and an edit that leaves one empty keeps it; bad input (a bad URL, a
//! bad chat id, a NUL byte, a huge paste) is refused in Spanish next to its field with what was typed
//! (never a secret) and nothing stored; every change is audited; another tenant's channel or rule
//! reads as missing; only admins may change anything.

use crate::helpers::{Reply, RequestExt, TestApp};
use credinet_core::role::Role;
use credinet_notify::{ChannelConfig, Owner};
use credinet_store::each_backend;
use credinet_store::entities::notify_channel;
use credinet_store::repo::audit;
use credinet_store::repo::notify::{channels, rules};
use credinet_store::repo::tenants::Tenant;
use credinet_store::testing::TestDb;

each_backend!(
    an_admin_adds_edits_and_switches_channels_with_secrets_kept_write_only,
    bad_channel_input_is_refused_next_to_its_field_and_nothing_is_stored,
    an_admin_adds_changes_and_removes_rules,
    the_test_button_redirects_and_says_its_outcome_once,
    other_tenants_and_non_admins_change_nothing,
);

/// Form fields as typed, (name, value).
type Fields<'a> = &'a [(&'a str, &'a str)];

const TOKEN: &str = "123456:TOKEN-SECRETO-DEL-BOT";
const NEW_TOKEN: &str = "123456:OTRO-TOKEN-SECRETO";
const HOOK_SECRET: &str = "secreto-hmac-que-no-se-muestra";

/// A browser signed in as an admin of a new tenant, and its CSRF token.
async fn admin(app: &TestApp, slug: &str) -> (Tenant, reqwest::Client, String) {
    admin_with_role(app, slug, Role::Admin).await
}

async fn admin_with_role(
    app: &TestApp,
    slug: &str,
    role: Role,
) -> (Tenant, reqwest::Client, String) {
    let tenant = app.tenant(slug).await;
    let email = format!("{}@{slug}.mx", role.as_str());
    app.user(&tenant, &email, role).await;
    let browser = app.browser();
    let token = app.signed_in(&browser, slug, &email).await;
    (tenant, browser, token)
}

async fn stored(app: &TestApp, tenant: &Tenant) -> Vec<notify_channel::Model> {
    channels::list(app.app_store.db(), Owner::Tenant(tenant.id))
        .await
        .unwrap()
}

fn config(channel: &notify_channel::Model) -> ChannelConfig {
    ChannelConfig::parse(&channel.config).unwrap()
}

/// The tenant's audit entries about notifications, oldest first: (action, before, after).
async fn audited(app: &TestApp, tenant: &Tenant) -> Vec<(String, Option<String>, Option<String>)> {
    let mut entries: Vec<_> = audit::list(app.app_store.db(), tenant.id, None, 200)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity.starts_with("notify_"))
        .map(|e| (e.action, e.before, e.after))
        .collect();
    entries.reverse();
    entries
}

/// Posts a form, checks it answers with a redirect to the page (post/redirect/get), and follows it.
async fn post_redirected(
    app: &TestApp,
    browser: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> Reply {
    let answer = browser.post(app.url(path)).form(form).reply().await;
    let answer = answer.assert_status_because(303, &format!("{path} redirects after its POST"));
    assert_eq!(answer.header("location"), "/notificaciones");
    app.visit(browser, "/notificaciones")
        .await
        .assert_status(200)
}

/// The Telegram channel «Cobranza» (chat 42), added from the page's form.
async fn add_telegram_channel(app: &TestApp, browser: &reqwest::Client, csrf: &str) -> Reply {
    let form = [
        ("csrf_token", csrf),
        ("kind", "telegram"),
        ("name", "Cobranza"),
        ("bot_token", TOKEN),
        ("chat_ids", "42"),
    ];
    post_redirected(app, browser, "/notificaciones/canales", &form).await
}

/// A notice travels in the one-time flash: the page visited again does not say it.
async fn not_said_again(app: &TestApp, browser: &reqwest::Client, notice: &str) {
    let again = app
        .visit(browser, "/notificaciones")
        .await
        .assert_status(200);
    assert!(
        !again.body.contains(notice),
        "{notice:?} is said once, not again on a reload:\n{}",
        again.body
    );
}

#[track_caller]
fn shows(page: &Reply, texts: &[&str]) {
    for text in texts {
        assert!(
            page.body.contains(text),
            "{text:?} on the page:\n{}",
            page.body
        );
    }
}

#[track_caller]
fn never_shows_a_secret(page: &Reply) {
    for secret in [TOKEN, NEW_TOKEN, HOOK_SECRET, "SECRETO", "hooks/9/abc"] {
        assert!(
            !page.body.contains(secret),
            "{secret:?} shown:\n{}",
            page.body
        );
    }
}

async fn an_admin_adds_edits_and_switches_channels_with_secrets_kept_write_only(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (tenant, browser, csrf) = admin(&app, "caja-canales").await;

    let page = post_redirected(
        &app,
        &browser,
        "/notificaciones/canales",
        &[
            ("csrf_token", &csrf),
            ("kind", "telegram"),
            ("name", "Cobranza"),
            ("bot_token", TOKEN),
            ("chat_ids", "42, -1001234567890"),
        ],
    )
    .await;
    shows(
        &page,
        &[
            "Canal «Cobranza» agregado.",
            "chats 42, -1001234567890",
            "Activo",
        ],
    );
    never_shows_a_secret(&page);
    // The notice is said once: a reload shows the channel and not the notice.
    not_said_again(&app, &browser, "agregado.").await;
    let channel = stored(&app, &tenant).await.remove(0);
    assert_eq!(
        config(&channel),
        ChannelConfig::Telegram {
            bot_token: TOKEN.into(),
            chat_ids: vec!["42".into(), "-1001234567890".into()],
            api_base: credinet_notify::channel::TELEGRAM_API.into(),
        }
    );

    // An edit that leaves the token empty keeps it; the chats change.
    let edit = format!("/notificaciones/canales/{}", channel.id);
    let page = post_redirected(
        &app,
        &browser,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("name", "Cobranza norte"),
            ("bot_token", ""),
            ("chat_ids", "77"),
        ],
    )
    .await;
    shows(&page, &["Canal «Cobranza norte» guardado.", "chats 77"]);
    let ChannelConfig::Telegram {
        bot_token,
        chat_ids,
        ..
    } = config(&stored(&app, &tenant).await[0])
    else {
        panic!("still a Telegram channel");
    };
    assert_eq!(
        (bot_token.as_str(), chat_ids),
        (TOKEN, vec!["77".to_string()])
    );
    // A token typed replaces it; the audit says it changed, never what to.
    post_redirected(
        &app,
        &browser,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("name", "Cobranza norte"),
            ("bot_token", NEW_TOKEN),
            ("chat_ids", "77"),
        ],
    )
    .await;
    let ChannelConfig::Telegram { bot_token, .. } = config(&stored(&app, &tenant).await[0]) else {
        panic!("still a Telegram channel");
    };
    assert_eq!(bot_token, NEW_TOKEN);

    // A webhook, then switched off and on again.
    let page = post_redirected(
        &app,
        &browser,
        "/notificaciones/canales",
        &[
            ("csrf_token", &csrf),
            ("kind", "webhook"),
            ("name", "ERP"),
            ("url", "https://erp.example/hooks/9/abc"),
            ("secret", HOOK_SECRET),
        ],
    )
    .await;
    shows(&page, &["https://erp.example/…", "Webhook firmado"]);
    never_shows_a_secret(&page);
    let hook = stored(&app, &tenant).await.remove(1);
    let off = format!("/notificaciones/canales/{}/desactivar", hook.id);
    let page = post_redirected(&app, &browser, &off, &[("csrf_token", &csrf)]).await;
    shows(&page, &["Canal desactivado", "Desactivado"]);
    assert!(!stored(&app, &tenant).await[1].enabled);
    let on = format!("/notificaciones/canales/{}/activar", hook.id);
    let page = post_redirected(&app, &browser, &on, &[("csrf_token", &csrf)]).await;
    shows(&page, &["Canal activado."]);
    assert!(stored(&app, &tenant).await[1].enabled);

    let entries = audited(&app, &tenant).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(
        actions,
        [
            "notify_channel_created",
            "notify_channel_updated",
            "notify_channel_updated",
            "notify_channel_created",
            "notify_channel_disabled",
            "notify_channel_enabled",
        ]
    );
    let all = format!("{entries:?}");
    for secret in [TOKEN, NEW_TOKEN, HOOK_SECRET, "hooks/9/abc"] {
        assert!(
            !all.contains(secret),
            "the audit log holds {secret:?}: {all}"
        );
    }
    let changed = entries[2].2.as_deref().unwrap();
    assert!(
        changed.contains("bot_token"),
        "the audit names the secret that changed: {changed}"
    );
    let kept = entries[1].2.as_deref().unwrap();
    assert!(
        kept.contains("\"secrets_changed\":[]"),
        "nothing secret changed: {kept}"
    );
}

async fn bad_channel_input_is_refused_next_to_its_field_and_nothing_is_stored(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (tenant, browser, csrf) = admin(&app, "caja-errores").await;

    // Each refusal: a redirect back, the message next to its field (marked invalid), what was typed
    // shown again except the secrets, nothing stored.
    let cases: [(Fields, &str, &str); 5] = [
        (
            &[
                ("kind", "webhook"),
                ("name", "ERP"),
                ("url", "ftp://erp.example/in"),
                ("secret", HOOK_SECRET),
            ],
            "url",
            "La URL del webhook debe ser una dirección que empiece con https://",
        ),
        (
            &[
                ("kind", "telegram"),
                ("name", "Cobranza"),
                ("bot_token", TOKEN),
                ("chat_ids", "42, hola"),
            ],
            "chat_ids",
            "«hola» no es un chat de Telegram",
        ),
        (
            &[
                ("kind", "telegram"),
                ("name", "Caja\u{0}Norte"),
                ("bot_token", TOKEN),
                ("chat_ids", "42"),
            ],
            "name",
            "El nombre tiene un carácter invisible (el número 5)",
        ),
        (
            &[("kind", "discord"), ("name", "Avisos"), ("webhook_url", "")],
            "webhook_url",
            "Escriba la URL del webhook de Discord.",
        ),
        (
            &[
                ("kind", "email"),
                ("name", "Correo"),
                ("smtp_url", "smtp://mx.example:25"),
                ("from", "avisos@caja.mx"),
                ("to", "nadie"),
            ],
            "to",
            "«nadie» no es una dirección de correo.",
        ),
    ];
    for (fields, field, message) in cases {
        let mut form = vec![("csrf_token", csrf.as_str())];
        form.extend_from_slice(fields);
        let page = post_redirected(&app, &browser, "/notificaciones/canales", &form).await;
        shows(
            &page,
            &[
                message,
                &format!("aria-describedby=\"canal-nuevo-{field}-error\""),
            ],
        );
        never_shows_a_secret(&page);
        if let Some((_, name)) = fields.iter().find(|(k, _)| *k == "name")
            && !name.contains('\u{0}')
        {
            shows(&page, &[&format!("value=\"{name}\"")]);
        }
        assert!(
            stored(&app, &tenant).await.is_empty(),
            "{message}: nothing stored"
        );
        // Said once.
        not_said_again(&app, &browser, message).await;
    }

    // A huge paste does not fit the one-time cookie: the form is answered in place, 422, with the
    // message next to the field.
    let huge = "x".repeat(200_000);
    let answer = browser
        .post(app.url("/notificaciones/canales"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("kind", "webhook"),
            ("name", &huge),
            ("url", "https://erp.example/in"),
            ("secret", HOOK_SECRET),
        ])
        .reply()
        .await
        .assert_status(422);
    shows(
        &answer,
        &["El nombre tiene más de 100 caracteres; acórtelo."],
    );
    never_shows_a_secret(&answer);
    assert!(stored(&app, &tenant).await.is_empty());

    // An edit refused keeps the stored channel as it was.
    let ok = add_telegram_channel(&app, &browser, &csrf).await;
    shows(&ok, &["agregado"]);
    let before = stored(&app, &tenant).await;
    let edit = format!("/notificaciones/canales/{}", before[0].id);
    let page = post_redirected(
        &app,
        &browser,
        &edit,
        &[
            ("csrf_token", &csrf),
            ("name", "Cobranza"),
            ("bot_token", ""),
            ("chat_ids", "-12a"),
        ],
    )
    .await;
    shows(
        &page,
        &[
            "«-12a» no es un chat de Telegram",
            &format!("aria-describedby=\"canal-{}-chat_ids-error\"", before[0].id),
            "value=\"-12a\"",
        ],
    );
    assert_eq!(stored(&app, &tenant).await, before);
    // A second channel may not take the first one's name.
    let page = post_redirected(
        &app,
        &browser,
        "/notificaciones/canales",
        &[
            ("csrf_token", &csrf),
            ("kind", "webhook"),
            ("name", "Cobranza"),
            ("url", "https://erp.example/in"),
            ("secret", HOOK_SECRET),
        ],
    )
    .await;
    shows(&page, &["Ya hay un canal con ese nombre"]);
    assert_eq!(stored(&app, &tenant).await.len(), 1);
    let actions: Vec<String> = audited(&app, &tenant)
        .await
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        actions,
        ["notify_channel_created"],
        "refusals change nothing and audit nothing"
    );
}

async fn an_admin_adds_changes_and_removes_rules(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (tenant, browser, csrf) = admin(&app, "caja-reglas").await;
    for (name, chat) in [("Cobranza", "42"), ("Dirección", "43")] {
        post_redirected(
            &app,
            &browser,
            "/notificaciones/canales",
            &[
                ("csrf_token", &csrf),
                ("kind", "telegram"),
                ("name", name),
                ("bot_token", TOKEN),
                ("chat_ids", chat),
            ],
        )
        .await;
    }
    let chans = stored(&app, &tenant).await;
    let (first, second) = (chans[0].id.to_string(), chans[1].id.to_string());

    let page = post_redirected(
        &app,
        &browser,
        "/notificaciones/reglas",
        &[
            ("csrf_token", &csrf),
            ("event_kind", "payment_registered"),
            ("channel_id", &first),
        ],
    )
    .await;
    shows(&page, &["Regla agregada.", "Pago registrado"]);
    let owner = Owner::Tenant(tenant.id);
    let stored_rules = rules::list(app.app_store.db(), owner).await.unwrap();
    assert_eq!(stored_rules.len(), 1);
    let rule = &stored_rules[0];
    assert_eq!(
        (rule.event_kind.as_str(), rule.channel_id),
        ("payment_registered", chans[0].id)
    );

    // Refused: an event nobody emits, a channel that is not the tenant's, no channel at all.
    for (event, channel, field, message) in [
        (
            "pago",
            first.as_str(),
            "event_kind",
            "Elija un evento de la lista.",
        ),
        (
            "*",
            "999999",
            "channel_id",
            "Elija uno de los canales de la lista.",
        ),
        ("*", "", "channel_id", "Elija el canal."),
        (
            "loan_paid\u{0}",
            first.as_str(),
            "event_kind",
            "El evento tiene un carácter invisible",
        ),
    ] {
        let page = post_redirected(
            &app,
            &browser,
            "/notificaciones/reglas",
            &[
                ("csrf_token", &csrf),
                ("event_kind", event),
                ("channel_id", channel),
            ],
        )
        .await;
        shows(
            &page,
            &[
                message,
                &format!("aria-describedby=\"regla-nueva-{field}-error\""),
            ],
        );
    }
    assert_eq!(
        rules::list(app.app_store.db(), owner).await.unwrap().len(),
        1
    );

    // Changed: every event, to the second channel.
    let change = format!("/notificaciones/reglas/{}", rule.id);
    let page = post_redirected(
        &app,
        &browser,
        &change,
        &[
            ("csrf_token", &csrf),
            ("event_kind", "*"),
            ("channel_id", &second),
        ],
    )
    .await;
    shows(&page, &["Regla guardada.", "Todos los eventos"]);
    let changed = rules::get(app.app_store.db(), owner, rule.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (changed.event_kind.as_str(), changed.channel_id),
        ("*", chans[1].id)
    );
    // Saved again unchanged: still fine on every backend.
    post_redirected(
        &app,
        &browser,
        &change,
        &[
            ("csrf_token", &csrf),
            ("event_kind", "*"),
            ("channel_id", &second),
        ],
    )
    .await;

    let remove = format!("/notificaciones/reglas/{}/quitar", rule.id);
    let page = post_redirected(&app, &browser, &remove, &[("csrf_token", &csrf)]).await;
    shows(&page, &["Regla quitada.", "No hay reglas"]);
    assert!(
        rules::list(app.app_store.db(), owner)
            .await
            .unwrap()
            .is_empty()
    );
    browser
        .post(app.url(&remove))
        .form(&[("csrf_token", csrf.as_str())])
        .reply()
        .await
        .assert_status(404);

    let actions: Vec<String> = audited(&app, &tenant)
        .await
        .into_iter()
        .map(|e| e.0)
        .filter(|a| a.starts_with("notify_rule"))
        .collect();
    assert_eq!(
        actions,
        [
            "notify_rule_created",
            "notify_rule_updated",
            "notify_rule_updated",
            "notify_rule_removed"
        ]
    );
}

async fn the_test_button_redirects_and_says_its_outcome_once(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (tenant, browser, csrf) = admin(&app, "caja-prueba").await;
    post_redirected(
        &app,
        &browser,
        "/notificaciones/canales",
        &[
            ("csrf_token", &csrf),
            ("kind", "webhook"),
            ("name", "Nadie escucha"),
            ("url", "http://127.0.0.1:9/avisos"),
            ("secret", HOOK_SECRET),
        ],
    )
    .await;
    let channel = stored(&app, &tenant).await.remove(0);
    let test = format!("/notificaciones/canales/{}/probar", channel.id);
    let page = post_redirected(&app, &browser, &test, &[("csrf_token", &csrf)]).await;
    shows(
        &page,
        &[
            "Mensaje de prueba",
            "Nadie escucha: ",
            "Falló: No se pudo conectar con el servicio",
        ],
    );
    never_shows_a_secret(&page);
    not_said_again(&app, &browser, "Mensaje de prueba").await;

    let off = format!("/notificaciones/canales/{}/desactivar", channel.id);
    post_redirected(&app, &browser, &off, &[("csrf_token", &csrf)]).await;
    let page = post_redirected(&app, &browser, &test, &[("csrf_token", &csrf)]).await;
    shows(&page, &["El canal está desactivado: no se envió nada."]);
}

async fn other_tenants_and_non_admins_change_nothing(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let (tenant, browser, csrf) = admin(&app, "caja-este").await;
    add_telegram_channel(&app, &browser, &csrf).await;
    let channel = stored(&app, &tenant).await.remove(0);
    let id = channel.id.to_string();
    post_redirected(
        &app,
        &browser,
        "/notificaciones/reglas",
        &[
            ("csrf_token", &csrf),
            ("event_kind", "*"),
            ("channel_id", &id),
        ],
    )
    .await;
    let owner = Owner::Tenant(tenant.id);
    let rule = rules::list(app.app_store.db(), owner)
        .await
        .unwrap()
        .remove(0);
    let before = (
        stored(&app, &tenant).await,
        rules::list(app.app_store.db(), owner).await.unwrap(),
    );
    let edit = format!("/notificaciones/canales/{id}");
    let rule_path = format!("/notificaciones/reglas/{}", rule.id);
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            edit.clone(),
            vec![
                ("name", "Mío"),
                ("bot_token", NEW_TOKEN),
                ("chat_ids", "66"),
            ],
        ),
        (format!("{edit}/desactivar"), vec![]),
        (format!("{edit}/probar"), vec![]),
        (
            rule_path.clone(),
            vec![("event_kind", "loan_paid"), ("channel_id", &id)],
        ),
        (format!("{rule_path}/quitar"), vec![]),
    ];

    // Another tenant's admin: every id of this tenant reads as missing, and its own rule may not
    // name this tenant's channel.
    let (other, other_browser, other_csrf) = admin(&app, "caja-oeste").await;
    for (path, fields) in &attempts {
        let mut form = vec![("csrf_token", other_csrf.as_str())];
        form.extend_from_slice(fields);
        other_browser
            .post(app.url(path))
            .form(&form)
            .reply()
            .await
            .assert_status_because(404, &format!("{path}: another tenant's id"));
    }
    let page = post_redirected(
        &app,
        &other_browser,
        "/notificaciones/reglas",
        &[
            ("csrf_token", &other_csrf),
            ("event_kind", "*"),
            ("channel_id", &id),
        ],
    )
    .await;
    shows(&page, &["Elija uno de los canales de la lista."]);
    assert!(stored(&app, &other).await.is_empty());
    assert!(
        rules::list(app.app_store.db(), Owner::Tenant(other.id))
            .await
            .unwrap()
            .is_empty()
    );

    // A manager and a cashier of the same tenant: refused, whatever they send.
    for role in [Role::Manager, Role::Cashier] {
        let email = format!("{}@caja-este.mx", role.as_str());
        app.user(&tenant, &email, role).await;
        let staff = app.browser();
        let staff_csrf = app.signed_in(&staff, "caja-este", &email).await;
        app.visit(&staff, "/notificaciones")
            .await
            .assert_status(403);
        let mut all = attempts.clone();
        all.push((
            "/notificaciones/canales".into(),
            vec![
                ("kind", "webhook"),
                ("name", "Mío"),
                ("url", "https://x.example/in"),
                ("secret", "s"),
            ],
        ));
        all.push((
            "/notificaciones/reglas".into(),
            vec![("event_kind", "*"), ("channel_id", &id)],
        ));
        for (path, fields) in &all {
            let mut form = vec![("csrf_token", staff_csrf.as_str())];
            form.extend_from_slice(fields);
            staff
                .post(app.url(path))
                .form(&form)
                .reply()
                .await
                .assert_status_because(403, &format!("{path}: a {} may not", role.as_str()));
        }
    }
    let after = (
        stored(&app, &tenant).await,
        rules::list(app.app_store.db(), owner).await.unwrap(),
    );
    assert_eq!(after, before, "nothing changed");
}
