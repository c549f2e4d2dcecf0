//! No English sentence reaches a page: every screen, and every refusal a form can answer, read as the
//! person at the screen reads it (the text between the tags) and checked against words that only
//! English has. English stays in logs and `/v1` (ADR 11).
//!
//! "Every screen" is held against the router's own table (`TestApp::routes`, the table the fuzz test
//! holds its entries against): a GET route of the back office added without an entry in [`pages`]
//! fails the test, naming it; so does a POST route no refused form reaches. The spreadsheets are read
//! too (Spanish headers and names, ADR 34), and no page writes a date aaaa-mm-dd.

use super::backups::{ended, latest_task};
use super::notifications::a_dead_letter;
use super::{staff_browser, submit};
use crate::assistant::{Borrower, autoresponder_body, borrower};
use crate::helpers::{Lender, RequestExt, TestApp, hidden_csrf};
use crate::reports::cuts::{CUT, cut};
use credinet_assistant::channel_config::{self, ChannelChange};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::backup_tasks::TaskStatus;
use credinet_store::testing::TestDb;
use reqwest::Method;
use serde_json::json;
use std::collections::BTreeSet;

each_backend!(
    every_page_of_the_back_office_reads_in_spanish,
    no_english_word_reaches_a_form_error,
);

/// Words of the refusals and labels that were English on Spanish pages, and of stored keys and values
/// shown raw (`overdue_loans`, `true`, `null`); none is a Spanish word («error» and «token» are).
const ENGLISH: &[&str] = &[
    "the",
    "is",
    "are",
    "must",
    "cannot",
    "not",
    "required",
    "already",
    "amount",
    "payment",
    "payments",
    "loan",
    "loans",
    "characters",
    "character",
    "found",
    "above",
    "below",
    "valid",
    "invalid",
    "exists",
    "please",
    "this",
    "that",
    "of",
    "to",
    "with",
    "and",
    "or",
    "write",
    "failed",
    "deserialize",
    "missing",
    "field",
    "expected",
    "reason",
    "tenant",
    "user",
    "key",
    "too",
    "from",
    "by",
    "for",
    "on",
    "at",
    "in",
    "name",
    "date",
    "status",
    "days",
    "overdue",
    "outstanding",
    "billed",
    "charged",
    "collected",
    "settings",
    "currency",
    "task",
    "sent",
    "pending",
    "dead",
    "running",
    "done",
    "secret",
    "replies",
    "header",
    "unknown",
    "none",
    "null",
    "true",
    "false",
];

/// The text a person reads on the page: what lies between the tags, outside scripts and styles.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let tag = &rest[open..];
        let skip_to = if tag.starts_with("<script") {
            tag.find("</script>").map(|i| i + "</script>".len())
        } else if tag.starts_with("<style") {
            tag.find("</style>").map(|i| i + "</style>".len())
        } else {
            tag.find('>').map(|i| i + 1)
        };
        match skip_to {
            Some(n) => rest = &tag[n..],
            None => {
                rest = "";
                break;
            }
        }
    }
    text.push_str(rest);
    text
}

/// The ISO dates (`aaaa-mm-dd`) written in `text`: the pages and the people's spreadsheets write dates
/// one way, dd/mm/aaaa (ADR 34).
fn iso_dates(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9))
        .filter(|&i| {
            let w = &b[i..i + 10];
            w[4] == b'-'
                && w[7] == b'-'
                && [0, 1, 2, 3, 5, 6, 8, 9]
                    .iter()
                    .all(|&j| w[j].is_ascii_digit())
        })
        .filter_map(|i| text.get(i..i + 10))
        .collect()
}

#[track_caller]
fn assert_no_english(html: &str, what: &str) {
    let text = visible_text(html);
    let dates = iso_dates(&text);
    assert!(
        dates.is_empty(),
        "{what}: dates not written dd/mm/aaaa: {dates:?}\n{}",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
    let found: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
        .collect();
    assert!(
        found.is_empty(),
        "{what}: English on the page: {found:?}\n{}",
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    );
}

/// GET routes that serve nothing a person reads as a page's text, and why.
const NOT_PAGES: [(&str, &str); 7] = [
    ("/healthz", "a probe's answer"),
    ("/readyz", "a probe's answer"),
    ("/metrics", "Prometheus' text for a scraper"),
    ("/assets/{file}", "the pages' stylesheet and script"),
    ("/favicon.ico", "an icon"),
    (
        "/prestamos/{id}/estados/{date}/pdf",
        "the statement page, read here, printed to PDF",
    ),
    ("/respaldos/{file}/descargar", "a compressed database dump"),
];

/// What the pages show: a borrower who talked to the assistant, a loan paid, a payment reversed, an
/// application waiting, a cut with its statements, a notification given up, another user.
struct Book {
    client: i64,
    product: i64,
    loan: i64,
    submitted: i64,
    paid: i64,
    reversed: i64,
    cashier_user: i64,
}

/// A loan disbursed with a payment and a reversed one, an application of another client waiting, and
/// a cashier besides the lender's staff; `client` is the loan's.
async fn book(app: &TestApp, l: &Lender) -> Book {
    let loan = app.disbursed_loan(l, l.flat, "10000.00").await;
    let paid = app.pay(loan.id, "100.00", &l.cashier).await;
    let reversed = app.pay(loan.id, "50.00", &l.cashier).await;
    app.reverse(reversed, "capturado dos veces", &l.manager)
        .await
        .assert_status(201);
    let other_client = app.client(&l.cashier, "Rosa Idioma", "5587654321").await;
    let submitted = app
        .submitted_loan(l, other_client, l.declining, "5000.00")
        .await;
    let cashier_user = app
        .user(&l.tenant, "cajera@caja-idioma.mx", Role::Cashier)
        .await
        .id
        .get();
    Book {
        client: loan.client,
        product: l.flat,
        loan: loan.id,
        submitted,
        paid,
        reversed,
        cashier_user,
    }
}

/// Each GET route of the back office (as the router writes it) and the pages read for it.
fn pages(b: &Book) -> Vec<(&'static str, String)> {
    let range = "desde=2026-01-01&hasta=2026-02-28";
    vec![
        ("/", "/".into()),
        ("/login", "/login".into()),
        ("/clientes", "/clientes".into()),
        ("/clientes", "/clientes?q=Rosa".into()),
        ("/clientes", "/clientes?q=nadie-se-llama-asi".into()),
        ("/clientes", "/clientes?p=99".into()),
        ("/clientes/exportar.csv", "/clientes/exportar.csv".into()),
        ("/clientes/{id}", format!("/clientes/{}", b.client)),
        ("/productos", "/productos".into()),
        ("/productos/{id}", format!("/productos/{}", b.product)),
        ("/prestamos", "/prestamos".into()),
        ("/prestamos", "/prestamos?p=99".into()),
        ("/prestamos/exportar.csv", "/prestamos/exportar.csv".into()),
        ("/prestamos/aprobacion", "/prestamos/aprobacion".into()),
        ("/prestamos/{id}", format!("/prestamos/{}", b.loan)),
        ("/prestamos/{id}", format!("/prestamos/{}", b.submitted)),
        (
            "/prestamos/{id}/estados/{date}",
            format!("/prestamos/{}/estados/{CUT}", b.loan),
        ),
        ("/pagos", "/pagos".into()),
        ("/pagos", "/pagos?desde=&hasta=&p=".into()),
        ("/pagos/exportar.csv", "/pagos/exportar.csv".into()),
        ("/pagos/{id}/recibo", format!("/pagos/{}/recibo", b.paid)),
        (
            "/pagos/{id}/recibo",
            format!("/pagos/{}/recibo", b.reversed),
        ),
        ("/usuarios", "/usuarios".into()),
        (
            "/usuarios/{id}/desactivar",
            format!("/usuarios/{}/desactivar", b.cashier_user),
        ),
        (
            "/usuarios/{id}/contrasena",
            format!("/usuarios/{}/contrasena", b.cashier_user),
        ),
        ("/cuenta/contrasena", "/cuenta/contrasena".into()),
        ("/claves", "/claves".into()),
        ("/auditoria", "/auditoria".into()),
        ("/auditoria/exportar.csv", "/auditoria/exportar.csv".into()),
        ("/notificaciones", "/notificaciones".into()),
        ("/cortes", "/cortes".into()),
        ("/cortes/exportar.csv", "/cortes/exportar.csv".into()),
        ("/cortes/{date}", format!("/cortes/{CUT}")),
        ("/cortes/{date}/avance", format!("/cortes/{CUT}/avance")),
        (
            "/cortes/{date}/estados.csv",
            format!("/cortes/{CUT}/estados.csv"),
        ),
        ("/tareas", "/tareas".into()),
        ("/respaldos", "/respaldos".into()),
        ("/respaldos/avance", "/respaldos/avance".into()),
        ("/reportes/cartera", "/reportes/cartera".into()),
        (
            "/reportes/cartera/cortes.csv",
            "/reportes/cartera/cortes.csv".into(),
        ),
        (
            "/reportes/cartera/clasificacion.csv",
            "/reportes/cartera/clasificacion.csv".into(),
        ),
        ("/reportes/cobranza", format!("/reportes/cobranza?{range}")),
        (
            "/reportes/cobranza/periodos.csv",
            format!("/reportes/cobranza/periodos.csv?{range}"),
        ),
        (
            "/reportes/cobranza/cajeros.csv",
            format!("/reportes/cobranza/cajeros.csv?{range}"),
        ),
    ]
}

/// The back office's GET routes the router serves and [`pages`] does not read, and the entries of
/// [`pages`] the router does not serve.
fn unread_routes(app: &TestApp, read: &[(&'static str, String)]) -> Result<(), String> {
    let served: BTreeSet<&str> = app
        .routes
        .iter()
        .filter(|r| r.method == Method::GET && !r.path.starts_with("/v1"))
        .map(|r| r.path)
        .filter(|path| !NOT_PAGES.iter().any(|(p, _)| p == path))
        .collect();
    let listed: BTreeSet<&str> = read.iter().map(|(route, _)| *route).collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    if missing.is_empty() && stale.is_empty() {
        return Ok(());
    }
    Err(format!(
        "GET routes served but not read here (add them to `pages`, or to NOT_PAGES with the reason): \
         {missing:?}; read here but not served: {stale:?}"
    ))
}

/// An id nothing has: a form naming it is answered with the Spanish «not found» page.
const MISSING: i64 = 999_999_999;

/// POST routes whose refusals are read outside the list of `forms`, and why.
const FORMS_READ_ELSEWHERE: [(&str, &str); 5] = [
    ("/usuarios/{id}", "refused below on the last admin"),
    (
        "/usuarios/{id}/desactivar",
        "refused below on the last admin",
    ),
    (
        "/respaldos/ejecutar",
        "an admin's backup is refused only while another runs (backups.rs reads that refusal)",
    ),
    (
        "/login",
        "sent below from a signed-out browser, with a wrong password",
    ),
    ("/logout", "refused below only with a stale CSRF token"),
];

/// Whether the concrete `path` is served at the route `template` (`/pagos/{id}/reversa`).
fn matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
}

/// The back office's POST routes no form of `sent` reaches.
fn unsent_forms(app: &TestApp, sent: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = app
        .routes
        .iter()
        .filter(|r| r.method == Method::POST && !r.path.starts_with("/v1"))
        .map(|r| r.path)
        .filter(|route| !FORMS_READ_ELSEWHERE.iter().any(|(r, _)| r == route))
        .filter(|route| !sent.iter().any(|path| matches(route, path)))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "forms of the back office never refused here (add a refusal to `forms`, or to \
         FORMS_READ_ELSEWHERE with the reason): {missing:?}"
    ))
}

async fn every_page_of_the_back_office_reads_in_spanish(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let Borrower {
        lender: l, client, ..
    } = borrower(&app, "caja-idioma").await;
    // The borrower asked the assistant something: the client page shows the conversation.
    let change = ChannelChange {
        new_autoresponder_token: true,
        ..ChannelChange::default()
    };
    let token = channel_config::configure(&app.app_store, l.tenant.id, change, &Requester::cli())
        .await
        .unwrap()
        .autoresponder_token
        .unwrap();
    for message in ["Hola", "saldo"] {
        app.api()
            .post(app.url("/v1/channels/autoresponder/caja-idioma"))
            .bearer_auth(&token)
            .json(&autoresponder_body("+52 1 55 1234 5678", message))
            .reply()
            .await
            .assert_status(200);
    }
    let book = Book {
        client,
        ..book(&app, &l).await
    };
    cut(&app, l.tenant.id, 500, None).await;
    a_dead_letter(&app, &l).await;

    let read = pages(&book);
    if let Err(unread) = unread_routes(&app, &read) {
        panic!("{unread}");
    }
    let admin = staff_browser(&app, &l, Role::Admin).await;
    // A backup taken from its page (the only tenant's admin may): listed, and audited.
    let backups = app.visit(&admin, "/respaldos").await.assert_status(200);
    let csrf = hidden_csrf(&backups.body);
    let form = [("csrf_token", csrf.as_str())];
    submit(&app, &admin, "/respaldos/ejecutar", &form)
        .await
        .assert_status(200);
    let task = latest_task(&app).await.expect("the backup is recorded");
    let task = ended(&app, task.id).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
    let anonymous = app.browser();
    for (route, path) in &read {
        let browser = if *route == "/login" {
            &anonymous
        } else {
            &admin
        };
        let page = app.visit(browser, path).await;
        let page = page.assert_status_because(200, &format!("the page of {route} at {path}"));
        assert_no_english(&page.body, &format!("GET {path}"));
    }
    // What other roles see differs (their dashboard, the loan without the forms they may not use).
    for role in [Role::Cashier, Role::Agent, Role::Manager, Role::Viewer] {
        let browser = staff_browser(&app, &l, role).await;
        for path in ["/".to_string(), format!("/prestamos/{}", book.loan)] {
            let page = app.visit(&browser, &path).await.assert_status(200);
            assert_no_english(&page.body, &format!("GET {path} as {role}"));
        }
    }

    // The error pages, and one wording for whatever is not there: an unknown address and a missing
    // loan read alike.
    for path in [
        "/no-existe",
        "/prestamos/abc",
        "/pagos?desde=ayer",
        "/prestamos/999999999",
    ] {
        let page = app.visit(&admin, path).await;
        assert!(page.status.is_client_error(), "GET {path}: {page}");
        assert_no_english(&page.body, &format!("GET {path} ({})", page.status));
    }
    let unknown = app.visit(&admin, "/no-existe").await.assert_status(404);
    let missing = app
        .visit(&admin, "/prestamos/999999999")
        .await
        .assert_status(404);
    assert!(
        unknown.body.contains("No encontramos lo que busca.")
            && missing.body.contains("No encontramos lo que busca."),
        "one wording for what is not found:\n{unknown}\n{missing}"
    );
}

async fn no_english_word_reaches_a_form_error(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-idioma").await;
    let Book {
        client: borrower,
        loan,
        submitted,
        paid,
        reversed,
        cashier_user,
        ..
    } = book(&app, &l).await;
    let admin = staff_browser(&app, &l, Role::Admin).await;

    let token = hidden_csrf(&app.visit(&admin, "/clientes").await.body);
    fn client<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut form = vec![
            ("full_name", "Leticia Álvarez Morales"),
            ("phone", "5511112222"),
        ];
        form.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
        form.extend_from_slice(fields);
        form
    }
    let long_name = "x".repeat(201);
    let loan_path = format!("/prestamos/{}", loan);
    let pay = format!("{loan_path}/pagos");
    let apply = format!("/clientes/{borrower}/solicitud");
    let flat = l.flat.to_string();
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/clientes".into(), client(&[("phone", "12")])),
        ("/clientes".into(), client(&[("phone", "55 abc")])),
        ("/clientes".into(), client(&[("phone", "+1")])),
        ("/clientes".into(), client(&[("full_name", " ")])),
        ("/clientes".into(), client(&[("full_name", &long_name)])),
        ("/clientes".into(), client(&[("full_name", "Ana\u{7}")])),
        ("/clientes".into(), client(&[("curp", "ABC")])),
        (
            "/clientes".into(),
            client(&[("curp", "GODE561231HDFRRN09")]),
        ),
        (
            "/clientes".into(),
            client(&[("curp", "GODE56123XHDFRRN09")]),
        ),
        ("/clientes".into(), client(&[("rfc", "GODE56")])),
        ("/clientes".into(), client(&[("rfc", "GODE561231AB")])),
        ("/clientes".into(), client(&[("birth_date", "31/12/1990")])),
        (format!("/clientes/{borrower}"), client(&[("phone", "12")])),
        (pay.clone(), vec![("amount", "abc"), ("method", "cash")]),
        (pay.clone(), vec![("amount", "1.234"), ("method", "cash")]),
        (pay.clone(), vec![("amount", "0"), ("method", "cash")]),
        (pay.clone(), vec![("amount", "999999"), ("method", "cash")]),
        (
            pay.clone(),
            vec![
                ("amount", "10"),
                ("method", "cash"),
                ("paid_on", "2099-01-01"),
            ],
        ),
        (
            pay.clone(),
            vec![
                ("amount", "10"),
                ("method", "cash"),
                ("paid_on", "2000-01-01"),
            ],
        ),
        (
            pay.clone(),
            vec![
                ("amount", "10"),
                ("method", "cash"),
                ("reference", "a\u{1}"),
            ],
        ),
        (pay.clone(), vec![("amount", "10"), ("method", "bitcoin")]),
        (
            apply.clone(),
            vec![("product", &flat), ("principal", "abc")],
        ),
        (apply.clone(), vec![("product", &flat), ("principal", "0")]),
        (
            apply.clone(),
            vec![("product", &flat), ("principal", "99999999.00")],
        ),
        (
            apply.clone(),
            vec![("product", &flat), ("principal", "5000"), ("term", "99")],
        ),
        (
            apply.clone(),
            vec![("product", &flat), ("principal", "5000"), ("term", "x")],
        ),
        (
            format!("/prestamos/{submitted}/rechazar"),
            vec![("reason", " ")],
        ),
        (format!("{loan_path}/castigar"), vec![("reason", "")]),
        (format!("{loan_path}/aprobar"), vec![]),
        (format!("/pagos/{paid}/reversa"), vec![("reason", "")]),
        (
            format!("/pagos/{reversed}/reversa"),
            vec![("reason", "otra vez")],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Tasa alta"),
                ("periodicity", "weekly"),
                ("term_periods", "4"),
                ("method", "flat"),
                ("rate_percent", "1000"),
            ],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Sin plazo"),
                ("periodicity", "weekly"),
                ("term_periods", "0"),
                ("method", "flat"),
                ("rate_percent", "5"),
            ],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Cargo raro"),
                ("periodicity", "weekly"),
                ("term_periods", "4"),
                ("method", "flat"),
                ("rate_percent", "5"),
                ("late_fee", "diez"),
            ],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Comisión total"),
                ("periodicity", "weekly"),
                ("term_periods", "4"),
                ("method", "flat"),
                ("rate_percent", "5"),
                ("commission_percent", "100"),
            ],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Límites al revés"),
                ("periodicity", "weekly"),
                ("term_periods", "4"),
                ("method", "flat"),
                ("rate_percent", "5"),
                ("min_principal", "900"),
                ("max_principal", "100"),
            ],
        ),
        (
            "/productos".into(),
            vec![
                ("name", "Plazo fuera"),
                ("periodicity", "weekly"),
                ("term_periods", "4"),
                ("method", "flat"),
                ("rate_percent", "5"),
                ("min_term_periods", "6"),
                ("max_term_periods", "12"),
            ],
        ),
        (
            "/usuarios".into(),
            vec![
                ("full_name", "Nueva"),
                ("email", "no-es-correo"),
                ("role", "cashier"),
                ("password", "contraseña-segura-1"),
            ],
        ),
        (
            "/usuarios".into(),
            vec![
                ("full_name", "Nueva"),
                ("email", "nueva@idioma.mx"),
                ("role", "cashier"),
                ("password", "corta"),
            ],
        ),
        (
            "/usuarios".into(),
            vec![
                ("full_name", "Repetida"),
                ("email", "admin@caja-idioma.mx"),
                ("role", "cashier"),
                ("password", "contraseña-segura-1"),
            ],
        ),
        ("/claves".into(), vec![("name", " "), ("role", "viewer")]),
        (
            "/cuenta/contrasena".into(),
            vec![
                ("current_password", "no-es-la-actual"),
                ("new_password", "contraseña-nueva-1"),
                ("confirmation", "contraseña-nueva-1"),
            ],
        ),
        (
            "/cuenta/contrasena".into(),
            vec![
                ("current_password", "contraseña-segura-1"),
                ("new_password", "corta"),
                ("confirmation", "corta"),
            ],
        ),
        (
            "/cuenta/contrasena".into(),
            vec![
                ("current_password", "contraseña-segura-1"),
                ("new_password", "contraseña-nueva-1"),
                ("confirmation", "contraseña-nueva-2"),
            ],
        ),
        (
            format!("/usuarios/{cashier_user}/contrasena"),
            vec![
                ("new_password", "contraseña-nueva-1"),
                ("confirmation", "contraseña-nueva-2"),
            ],
        ),
        (format!("/usuarios/{MISSING}/activar"), vec![]),
        (format!("/usuarios/{MISSING}/desbloquear"), vec![]),
        (format!("/claves/{MISSING}/revocar"), vec![]),
        (
            format!("/clientes/{borrower}/pin"),
            vec![("pin", "48a1"), ("action", "guardar")],
        ),
        (
            format!("/productos/{flat}"),
            vec![
                ("name", "Quincenal fijo"),
                ("periodicity", "biweekly_cut"),
                ("term_periods", "6"),
                ("method", "flat"),
                ("rate_percent", "1000"),
                ("active", "on"),
            ],
        ),
        (
            "/notificaciones/canales".into(),
            vec![
                ("kind", "webhook"),
                ("name", "ERP"),
                ("url", "ftp://erp.example/in"),
                ("secret", "secreto"),
            ],
        ),
        (
            "/notificaciones/canales".into(),
            vec![
                ("kind", "telegram"),
                ("name", "Cobranza"),
                ("chat_ids", "hola"),
            ],
        ),
        (
            "/notificaciones/reglas".into(),
            vec![("event_kind", "nada_de_esto"), ("channel_id", "1")],
        ),
        (
            format!("/notificaciones/canales/{MISSING}"),
            vec![("name", "x")],
        ),
        (format!("/notificaciones/canales/{MISSING}/activar"), vec![]),
        (
            format!("/notificaciones/canales/{MISSING}/desactivar"),
            vec![],
        ),
        (format!("/notificaciones/canales/{MISSING}/probar"), vec![]),
        (
            format!("/notificaciones/mensajes/{MISSING}/reintentar"),
            vec![],
        ),
        (
            format!("/notificaciones/reglas/{MISSING}"),
            vec![("event_kind", "*"), ("channel_id", "1")],
        ),
        (format!("/notificaciones/reglas/{MISSING}/quitar"), vec![]),
        ("/tareas/no_existe/ejecutar".into(), vec![]),
        (
            "/respaldos/credinet-no-existe.tar.gz/verificar".into(),
            vec![],
        ),
    ];
    let sent: Vec<&str> = forms.iter().map(|(path, _)| path.as_str()).collect();
    if let Err(unsent) = unsent_forms(&app, &sent) {
        panic!("{unsent}");
    }
    for (path, mut fields) in forms {
        fields.push(("csrf_token", &token));
        let answer = submit(&app, &admin, &path, &fields).await;
        let shown = fields
            .iter()
            .filter(|(k, _)| *k != "csrf_token")
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            answer.status.is_client_error() || answer.body.contains("role=\"alert\""),
            "POST {path} with {shown} is refused: {answer}"
        );
        assert_no_english(&answer.body, &format!("POST {path} with {shown}"));
    }

    // Signing in with a wrong password, and any form with a stale CSRF token (here, signing out).
    let anonymous = app.browser();
    let login = app.visit(&anonymous, "/login").await;
    let form = [
        ("tenant", "caja-idioma"),
        ("email", "admin@caja-idioma.mx"),
        ("password", "no-es-la-contraseña"),
        ("csrf_token", &hidden_csrf(&login.body)),
    ];
    let refused = submit(&app, &anonymous, "/login", &form).await;
    assert!(refused.body.contains("role=\"alert\""), "{refused}");
    assert_no_english(&refused.body, "POST /login with a wrong password");
    let stale = submit(&app, &admin, "/logout", &[("csrf_token", "caducado")]).await;
    assert!(stale.status.is_client_error(), "{stale}");
    assert_no_english(&stale.body, "POST /logout with a stale CSRF token");

    // The last admin cannot be deactivated: the refusal is Spanish too.
    let users = app.get_json("/v1/users", &l.admin).await;
    let me = users["items"]
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|u| u["email"] == json!("admin@caja-idioma.mx"))
        })
        .map(|u| u["id"].as_i64().unwrap_or_default())
        .unwrap_or_default();
    for (path, form) in [
        (format!("/usuarios/{me}"), vec![("role", "viewer")]),
        (format!("/usuarios/{me}/desactivar"), vec![]),
    ] {
        let mut form = form;
        form.push(("csrf_token", &token));
        let answer = submit(&app, &admin, &path, &form).await;
        assert!(
            answer
                .body
                .contains("La empresa debe conservar al menos un administrador activo."),
            "POST {path} is refused, said on the page it leads back to: {answer}"
        );
        assert_no_english(&answer.body, &format!("POST {path} on the last admin"));
    }
}
