//! The `/v1` operations and the public routes under fuzz: a fixture with one object of each kind for
//! each operation to act on, a valid request per operation, and the cases made from it.

use super::inputs::{self, NUMBERS};
use super::{Body, Case, Credential};
use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_lending::cuts::{self, CutOptions};
use credinet_store::repo::assistant_channels;
use credinet_store::repo::audit::Requester;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};
use serde_json::json;
use std::ops::ControlFlow;

/// The API keys of the fuzzed tenant, by role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Admin,
    /// Checks what the cashier made (maker–checker).
    Manager,
    Cashier,
}

/// The secrets of one app's keys (each app issues its own).
#[derive(Default)]
pub struct Keys {
    admin: String,
    manager: String,
    cashier: String,
}

impl Keys {
    pub fn secret(&self, who: Who) -> &str {
        match who {
            Who::Admin => &self.admin,
            Who::Manager => &self.manager,
            Who::Cashier => &self.cashier,
        }
    }
}

/// The ids of the fixture, the same on every backend. Each operation that changes a state has its
/// own object, so that it is not spent by another operation's cases.
#[derive(Debug, PartialEq, Eq)]
pub struct Ids {
    pub user: i64,
    pub key: i64,
    pub client: i64,
    pub product: i64,
    /// Disbursed, with a payment: payments and reversals land on it.
    pub paid_loan: i64,
    pub payment: i64,
    pub draft_loan: i64,
    pub loan_to_approve: i64,
    pub loan_to_reject: i64,
    pub loan_to_disburse: i64,
    pub loan_to_write_off: i64,
    pub audit_entry: i64,
    /// What the back-office forms spend: a key to revoke, a loan to approve, a payment to reverse.
    pub page_key: i64,
    pub page_loan_to_approve: i64,
    pub page_payment: i64,
}

/// One tenant with the fixture, built through `/v1` itself.
pub async fn fixture(app: &TestApp) -> (Ids, Keys) {
    let tenant = app.tenant("caja-fuzz").await;
    // Key 1 is a decoy: a fuzzed path id of `1` (or `+1`) on a revoking route is a valid request that
    // revokes key 1, which must not be one the test goes on signing with (seed 17 revoked the admin's).
    app.api_key(&tenant, Role::Viewer).await;
    let keys = Keys {
        admin: app.api_key(&tenant, Role::Admin).await,
        manager: app.api_key(&tenant, Role::Manager).await,
        cashier: app.api_key(&tenant, Role::Cashier).await,
    };
    let user = app
        .user(&tenant, "blanco@fuzz.mx", Role::Viewer)
        .await
        .id
        .get();
    // The back office's signed-in administrator, and the account the login form is fuzzed against.
    app.user(&tenant, "admin@fuzz.mx", Role::Admin).await;
    app.user(&tenant, "entrada@fuzz.mx", Role::Viewer).await;
    let new_key = || async {
        app.post(
            "/v1/api-keys",
            &keys.admin,
            json!({"name": "blanco", "role": "viewer"}),
        )
        .await
        .assert_status(201)
        .json()["id"]
            .as_i64()
            .unwrap()
    };
    let key = new_key().await;
    let page_key = new_key().await;
    let product = app
        .product(
            &keys.admin,
            json!({"name": "Quincenal fijo", "periodicity": "biweekly_cut", "term_periods": 6,
                "interest_method": "flat", "rate_per_period": "0.05"}),
        )
        .await;
    let client = app.client(&keys.cashier, "Ana Pérez", "5510000001").await;
    let loan = |stage: &'static str| {
        let keys = &keys;
        async move {
            let id = app
                .draft_loan(&keys.cashier, client, product, "5000.00")
                .await;
            let mut steps = vec![];
            if stage != "draft" {
                steps.push((format!("/v1/loans/{id}/submit"), &keys.cashier, json!({})));
            }
            if stage == "approved" || stage == "disbursed" {
                steps.push((format!("/v1/loans/{id}/approve"), &keys.manager, json!({})));
            }
            if stage == "disbursed" {
                let on = json!({"disbursed_on": "2026-01-10"});
                steps.push((format!("/v1/loans/{id}/disburse"), &keys.manager, on));
            }
            for (path, key, body) in steps {
                app.post(&path, key, body).await.assert_status(200);
            }
            id
        }
    };
    let paid_loan = loan("disbursed").await;
    let draft_loan = loan("draft").await;
    let loan_to_approve = loan("submitted").await;
    let loan_to_reject = loan("submitted").await;
    let loan_to_disburse = loan("approved").await;
    let loan_to_write_off = loan("disbursed").await;
    let page_loan_to_approve = loan("submitted").await;
    let payment = app.pay(paid_loan, "100.00", &keys.cashier).await;
    let page_payment = app.pay(paid_loan, "50.00", &keys.cashier).await;
    // A period cut, so that the cut pages and a loan's statement have something to show.
    let cut_on = chrono::NaiveDate::from_ymd_opt(2026, 1, 23).unwrap();
    let options = CutOptions { page_size: 100 };
    let done = |_: &_| ControlFlow::Continue(());
    cuts::run(
        &app.app_store,
        tenant.id,
        cut_on,
        &Requester::cli(),
        options,
        done,
    )
    .await
    .expect("the fixture's cut runs");
    // The assistant's channels: the AutoResponder token is the admin key's secret (any secret will do:
    // the fuzzer already sends it as a bearer token) and the Cloud API handshake has a verify token.
    let mut channels = assistant_channels::unconfigured(tenant.id, app.app_store.now());
    channels.autoresponder_token_digest = Some(credinet_accounts::token::digest(&keys.admin));
    channels.cloud_verify_token = Some("fuzz-verify".into());
    assistant_channels::save(
        app.app_store.db(),
        tenant.id,
        &channels,
        app.app_store.now(),
    )
    .await
    .expect("the fixture's assistant channels are saved");
    let audit = app.get_json("/v1/audit?per_page=1", &keys.admin).await;
    let ids = Ids {
        user,
        key,
        client,
        product,
        paid_loan,
        payment,
        draft_loan,
        loan_to_approve,
        loan_to_reject,
        loan_to_disburse,
        loan_to_write_off,
        audit_entry: audit["items"][0]["id"].as_i64().unwrap(),
        page_key,
        page_loan_to_approve,
        page_payment,
    };
    (ids, keys)
}

/// The fields of a valid JSON body (values as JSON text), from the fixture's ids.
pub type Fields = fn(&Ids) -> Vec<(&'static str, String)>;

/// A route under fuzz and its valid request.
pub struct Endpoint {
    pub method: Method,
    /// The template, as the router has it.
    pub path: &'static str,
    who: Credential,
    /// The valid values of the path's `{…}` parameters, in order.
    params: fn(&Ids) -> Vec<String>,
    /// Valid query fields (values as typed).
    query: &'static [(&'static str, &'static str)],
    /// Valid JSON body fields (values as JSON text); `None` for a request without a body.
    body: Option<Fields>,
    /// Sends an `Idempotency-Key` header, valid or not.
    idempotent: bool,
}

fn none(_: &Ids) -> Vec<String> {
    vec![]
}

const PAGING: &[(&str, &str)] = &[("page", "1"), ("per_page", "50")];

fn read(path: &'static str, params: fn(&Ids) -> Vec<String>) -> Endpoint {
    Endpoint {
        method: Method::GET,
        path,
        who: Credential::Key(Who::Admin),
        params,
        query: &[],
        body: None,
        idempotent: false,
    }
}

fn list(path: &'static str, query: &'static [(&'static str, &'static str)]) -> Endpoint {
    Endpoint {
        query,
        ..read(path, none)
    }
}

fn write(
    method: Method,
    path: &'static str,
    who: Who,
    params: fn(&Ids) -> Vec<String>,
    body: Option<Fields>,
) -> Endpoint {
    Endpoint {
        method,
        path,
        who: Credential::Key(who),
        params,
        query: &[],
        body,
        idempotent: false,
    }
}

fn s(v: &str) -> String {
    inputs::string(v)
}

/// Every `/v1` operation and public route.
pub fn endpoints() -> Vec<Endpoint> {
    use Method as M;
    let public = |path| Endpoint {
        who: Credential::Nobody,
        ..read(path, none)
    };
    vec![
        public("/healthz"),
        public("/readyz"),
        // Loopback and no metrics_token: the scrape is served (ADR 20).
        public("/metrics"),
        public("/v1/openapi.json"),
        public("/favicon.ico"),
        Endpoint {
            who: Credential::Nobody,
            query: &[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", "fuzz-verify"),
                ("hub.challenge", "1158201444"),
            ],
            ..read("/v1/channels/cloud-api", none)
        },
        // A delivery with no change for a number of this server needs no signature and does nothing;
        // any message for a tenant's number must be signed, which the fuzzer cannot do (401).
        Endpoint {
            who: Credential::Nobody,
            ..write(
                M::POST,
                "/v1/channels/cloud-api",
                Who::Admin,
                none,
                Some(|_| {
                    vec![
                        ("object", s("whatsapp_business_account")),
                        ("entry", "[]".into()),
                    ]
                }),
            )
        },
        write(
            M::POST,
            "/v1/channels/autoresponder/{tenant}",
            Who::Admin,
            |_| vec!["caja-fuzz".into()],
            Some(|_| {
                vec![
                    ("appPackageName", s("tkstudio.autoresponderforwa")),
                    ("messengerPackageName", s("com.whatsapp")),
                    (
                        "query",
                        r#"{"sender":"+52 1 55 1000 0001","message":"hola","isGroup":false,"groupParticipant":"","ruleId":1,"isTestMessage":false}"#.into(),
                    ),
                ]
            }),
        ),
        Endpoint {
            who: Credential::Nobody,
            ..read("/assets/{file}", |_| vec!["app.css".into()])
        },
        read("/v1/tenant", none),
        list("/v1/users", PAGING),
        write(
            M::POST,
            "/v1/users",
            Who::Admin,
            none,
            Some(|_| {
                vec![
                    ("email", s("nueva@fuzz.mx")),
                    ("full_name", s("Nueva Persona")),
                    ("role", s("viewer")),
                    ("password", s("contraseña-segura-1")),
                ]
            }),
        ),
        read("/v1/users/{id}", |i| vec![i.user.to_string()]),
        write(
            M::PATCH,
            "/v1/users/{id}",
            Who::Admin,
            |i| vec![i.user.to_string()],
            Some(|_| {
                vec![
                    ("full_name", s("Blanca Nieves")),
                    ("role", s("cashier")),
                    ("active", "true".into()),
                ]
            }),
        ),
        list("/v1/api-keys", PAGING),
        write(
            M::POST,
            "/v1/api-keys",
            Who::Admin,
            none,
            Some(|_| vec![("name", s("erp")), ("role", s("viewer"))]),
        ),
        read("/v1/api-keys/{id}", |i| vec![i.key.to_string()]),
        write(
            M::DELETE,
            "/v1/api-keys/{id}",
            Who::Admin,
            |i| vec![i.key.to_string()],
            None,
        ),
        list(
            "/v1/audit",
            &[("before", "1000"), ("page", "1"), ("per_page", "50")],
        ),
        read("/v1/audit/{id}", |i| vec![i.audit_entry.to_string()]),
        list(
            "/v1/clients",
            &[("q", "Ana"), ("page", "1"), ("per_page", "50")],
        ),
        write(
            M::POST,
            "/v1/clients",
            Who::Cashier,
            none,
            Some(client_body),
        ),
        read("/v1/clients/{id}", |i| vec![i.client.to_string()]),
        write(
            M::PUT,
            "/v1/clients/{id}",
            Who::Cashier,
            |i| vec![i.client.to_string()],
            Some(client_body),
        ),
        list(
            "/v1/products",
            &[("active", "true"), ("page", "1"), ("per_page", "50")],
        ),
        write(
            M::POST,
            "/v1/products",
            Who::Admin,
            none,
            // Another name than the fixture's product, which the update keeps.
            Some(|i| {
                let mut body = product_body(i);
                body[0].1 = s("Mensual nuevo");
                body
            }),
        ),
        read("/v1/products/{id}", |i| vec![i.product.to_string()]),
        write(
            M::PUT,
            "/v1/products/{id}",
            Who::Admin,
            |i| vec![i.product.to_string()],
            Some(product_body),
        ),
        list(
            "/v1/loans",
            &[
                ("status", "disbursed"),
                ("client_id", "1"),
                ("page", "1"),
                ("per_page", "50"),
            ],
        ),
        write(
            M::POST,
            "/v1/loans",
            Who::Cashier,
            none,
            Some(|i| {
                vec![
                    ("client_id", i.client.to_string()),
                    ("product_id", i.product.to_string()),
                    ("principal", s("5000.00")),
                    ("term_periods", "6".into()),
                ]
            }),
        ),
        read("/v1/loans/{id}", |i| vec![i.paid_loan.to_string()]),
        write(
            M::POST,
            "/v1/loans/{id}/submit",
            Who::Cashier,
            |i| vec![i.draft_loan.to_string()],
            None,
        ),
        write(
            M::POST,
            "/v1/loans/{id}/approve",
            Who::Manager,
            |i| vec![i.loan_to_approve.to_string()],
            None,
        ),
        write(
            M::POST,
            "/v1/loans/{id}/reject",
            Who::Manager,
            |i| vec![i.loan_to_reject.to_string()],
            Some(|_| vec![("reason", s("Sin comprobante de ingresos"))]),
        ),
        write(
            M::POST,
            "/v1/loans/{id}/disburse",
            Who::Manager,
            |i| vec![i.loan_to_disburse.to_string()],
            Some(|_| vec![("disbursed_on", s("2026-01-10"))]),
        ),
        write(
            M::POST,
            "/v1/loans/{id}/write-off",
            Who::Manager,
            |i| vec![i.loan_to_write_off.to_string()],
            Some(|_| vec![("reason", s("Incobrable"))]),
        ),
        Endpoint {
            query: PAGING,
            ..read("/v1/loans/{id}/payments", |i| vec![i.paid_loan.to_string()])
        },
        Endpoint {
            idempotent: true,
            ..write(
                M::POST,
                "/v1/loans/{id}/payments",
                Who::Cashier,
                |i| vec![i.paid_loan.to_string()],
                Some(|_| {
                    vec![
                        ("amount", s("10.00")),
                        ("paid_on", s("2026-01-20")),
                        ("method", s("cash")),
                        ("reference", s("ventanilla 1")),
                    ]
                }),
            )
        },
        list(
            "/v1/payments",
            &[
                ("loan_id", "1"),
                ("from", "2026-01-01"),
                ("to", "2026-12-31"),
                ("include_reversed", "true"),
                ("page", "1"),
                ("per_page", "50"),
            ],
        ),
        read("/v1/payments/{id}", |i| vec![i.payment.to_string()]),
        write(
            M::POST,
            "/v1/payments/{id}/reversal",
            Who::Manager,
            |i| vec![i.payment.to_string()],
            Some(|_| vec![("reason", s("Pago duplicado"))]),
        ),
        list("/v1/exports/clients.csv", &[("q", "Ana")]),
        list(
            "/v1/exports/loans.csv",
            &[("status", "disbursed"), ("client_id", "1")],
        ),
        list(
            "/v1/exports/payments.csv",
            &[
                ("loan_id", "1"),
                ("from", "2026-01-01"),
                ("to", "2026-12-31"),
                ("include_reversed", "false"),
            ],
        ),
    ]
}

fn client_body(_: &Ids) -> Vec<(&'static str, String)> {
    vec![
        ("full_name", s("Ana Pérez")),
        ("phone", s("5510000001")),
        ("curp", s("HEGG560427MVZRRL04")),
        ("rfc", s("GODE561231GR8")),
        ("birth_date", s("1956-04-27")),
        ("address", s("Calle 5 #10, Col. Centro")),
        ("notes", s("Cliente desde 2020")),
    ]
}

fn product_body(_: &Ids) -> Vec<(&'static str, String)> {
    vec![
        ("name", s("Quincenal fijo")),
        ("periodicity", s("biweekly_cut")),
        ("term_periods", "6".into()),
        ("interest_method", s("flat")),
        ("rate_per_period", s("0.05")),
        ("opening_commission", s("0.02")),
        ("iva_rate", s("0.16")),
        ("min_principal", s("500.00")),
        ("max_principal", s("20000.00")),
        ("min_term_periods", "6".into()),
        ("max_term_periods", "6".into()),
    ]
}

fn json_object(fields: &[(&str, String)]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", inputs::string(k)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// `template` with its `{…}` parameters replaced, in order, by `values` (already encoded).
pub fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::new();
    let mut values = values.iter();
    for (i, segment) in template.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if segment.starts_with('{') {
            out.push_str(values.next().expect("a value per parameter"));
        } else {
            out.push_str(segment);
        }
    }
    out
}

impl Endpoint {
    /// Case `n` of this endpoint: the valid request first, then mutations of it.
    pub fn case(&self, ids: &Ids, rng: &mut StdRng, n: usize) -> Case {
        let mut params = (self.params)(ids);
        let mut query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), inputs::encode(v)))
            .collect();
        let mut fields = self.body.map(|body| body(ids));
        let mut content_type = Some("application/json");
        let mut raw_body: Option<Vec<u8>> = None;
        let mut headers = Vec::new();
        let mut label = Vec::new();
        if self.idempotent && rng.gen_bool(0.5) {
            let key = if rng.gen_bool(0.5) {
                format!("fuzz-{n}").into_bytes()
            } else {
                inputs::text(rng).into_bytes()
            };
            // A header cannot carry every byte; what it cannot carry is not sent.
            if let Ok(value) = HeaderValue::from_bytes(&key) {
                label.push(format!(
                    "Idempotency-Key {:?}",
                    String::from_utf8_lossy(&key)
                ));
                headers.push((HeaderName::from_static("idempotency-key"), value));
            }
        }
        if n > 0 {
            let kinds = [
                !params.is_empty(),
                !query.is_empty(),
                fields.is_some(),
                fields.is_some(),
                fields.is_some(),
                true,
            ];
            let kind = loop {
                let k = rng.gen_range(0..kinds.len());
                if kinds[k] {
                    break k;
                }
            };
            match kind {
                0 => {
                    let at = rng.gen_range(0..params.len());
                    let value = inputs::in_url(path_value(rng));
                    label.push(format!("path parameter {at} = {}", shorten(&value)));
                    params[at] = inputs::encode(&value);
                }
                1 => {
                    for _ in 0..rng.gen_range(1..=2) {
                        let at = rng.gen_range(0..query.len());
                        let (shown, value) = query_value(rng, &query[at].1);
                        label.push(format!("query {} = {shown}", query[at].0));
                        query[at].1 = value;
                    }
                }
                2..=4 => {
                    let fields = fields.as_mut().unwrap();
                    mutate_fields(rng, fields, &mut label);
                }
                _ => {
                    // The request as a whole: garbage where the body or the query goes.
                    match rng.gen_range(0..4) {
                        0 => {
                            let valid = json_object(fields.as_deref().unwrap_or_default());
                            raw_body = Some(inputs::broken_json(rng, &valid));
                            label.push("a broken JSON body".into());
                        }
                        1 => {
                            content_type = *[
                                None,
                                Some("text/plain"),
                                Some("application/x-www-form-urlencoded"),
                                Some("application/json; charset=latin1"),
                            ]
                            .choose(rng)
                            .unwrap();
                            label.push(format!("content type {content_type:?}"));
                            if fields.is_none() {
                                raw_body = Some(b"a=1".to_vec());
                            }
                        }
                        2 => {
                            let name = inputs::in_url(inputs::text(rng));
                            let value = inputs::in_url(inputs::typed(rng, "1"));
                            label.push(format!(
                                "an unknown query parameter {} = {}",
                                shorten(&name),
                                shorten(&value)
                            ));
                            query.push((inputs::encode(&name), inputs::encode(&value)));
                        }
                        _ => {
                            let escape = inputs::broken_escape(rng);
                            let name = self.query.first().map_or("x", |q| q.0);
                            label.push(format!("query {name} = {escape}"));
                            query.push((name.to_string(), escape.to_string()));
                        }
                    }
                }
            }
        } else {
            label.push(super::VALID.into());
        }
        let mut target = fill(self.path, &params);
        if !query.is_empty() {
            let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            target = format!("{target}?{}", pairs.join("&"));
        }
        let bytes = raw_body.or_else(|| fields.as_deref().map(|f| json_object(f).into_bytes()));
        let body = match bytes {
            Some(bytes) => Body::Raw {
                content_type,
                bytes,
            },
            None => Body::None,
        };
        Case {
            method: self.method.clone(),
            target,
            body,
            headers,
            credential: self.who,
            label: label.join("; "),
        }
    }
}

/// Changes one to three fields of a valid JSON body: another value, a field left out, an unknown
/// field added.
fn mutate_fields(
    rng: &mut StdRng,
    fields: &mut Vec<(&'static str, String)>,
    label: &mut Vec<String>,
) {
    for _ in 0..rng.gen_range(1..=3) {
        if fields.is_empty() {
            break;
        }
        let at = rng.gen_range(0..fields.len());
        match rng.gen_range(0..10) {
            0 => {
                label.push(format!("without {}", fields[at].0));
                fields.remove(at);
            }
            1 => {
                let value = inputs::json_value(rng, "\"x\"");
                label.push(format!("an unknown field = {value}"));
                fields.push(("extra", value));
            }
            _ => {
                let value = inputs::json_value(rng, &fields[at].1);
                label.push(format!("{} = {}", fields[at].0, shorten(&value)));
                fields[at].1 = value;
            }
        }
    }
}

/// `s` quoted, cut to its first 60 characters.
fn shorten(s: &str) -> String {
    let shown: String = s.chars().take(60).collect();
    if shown.len() < s.len() {
        format!("{shown:?}… ({} bytes)", s.len())
    } else {
        format!("{shown:?}")
    }
}

/// A path segment: an id past every integer type, a negative one, text.
fn path_value(rng: &mut StdRng) -> String {
    if rng.gen_bool(0.4) {
        NUMBERS.choose(rng).unwrap().to_string()
    } else {
        inputs::text(rng)
    }
}

/// A query value (encoded) in place of `valid`, and what it carries, for the label.
fn query_value(rng: &mut StdRng, valid: &str) -> (String, String) {
    if rng.gen_range(0..8) == 0 {
        let escape = inputs::broken_escape(rng);
        return (escape.to_string(), escape.to_string());
    }
    let value = inputs::in_url(inputs::typed(rng, valid));
    (shorten(&value), inputs::encode(&value))
}
