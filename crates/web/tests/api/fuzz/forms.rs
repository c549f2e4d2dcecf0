//! The back office under fuzz: every page and form, sent by a signed-in administrator with the
//! session's CSRF token (and once per form without it), the login form with its own token, each
//! starting from a valid request as a browser sends it.

use super::api::{Fields, Ids, fill};
use super::inputs;
use super::{Body, Case, Credential};
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use reqwest::Method;

/// A page or form under fuzz, with its valid request.
pub struct Page {
    pub method: Method,
    pub path: &'static str,
    who: Credential,
    params: fn(&Ids) -> Vec<String>,
    /// Valid query fields.
    query: &'static [(&'static str, &'static str)],
    /// Valid form fields (as typed); `None` for a page read with `GET`.
    form: Option<Fields>,
}

fn none(_: &Ids) -> Vec<String> {
    vec![]
}

fn page(path: &'static str, query: &'static [(&'static str, &'static str)]) -> Page {
    Page {
        method: Method::GET,
        path,
        who: Credential::Session,
        params: none,
        query,
        form: None,
    }
}

fn page_of(path: &'static str, params: fn(&Ids) -> Vec<String>) -> Page {
    Page {
        params,
        ..page(path, &[])
    }
}

fn form(path: &'static str, params: fn(&Ids) -> Vec<String>, fields: Fields) -> Page {
    Page {
        method: Method::POST,
        form: Some(fields),
        params,
        ..page(path, &[])
    }
}

fn owned(fields: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    fields.iter().map(|(k, v)| (*k, v.to_string())).collect()
}

const P: &[(&str, &str)] = &[("p", "1")];
/// The fixture's cut.
const DAY: &str = "2026-01-23";
/// A backup's name that no backup directory holds.
const NO_BACKUP: &str = "credinet-20260101T000000Z-sqlite.db.gz";

/// Every back-office page and form, and the login form.
pub fn pages() -> Vec<Page> {
    vec![
        Page {
            who: Credential::Nobody,
            ..page("/login", &[("tenant", "caja-fuzz"), ("next", "/clientes")])
        },
        Page {
            who: Credential::LoginForm,
            ..form("/login", none, |_| {
                owned(&[
                    ("tenant", "caja-fuzz"),
                    ("email", "entrada@fuzz.mx"),
                    ("password", crate::helpers::PASSWORD),
                    ("next", "/clientes"),
                ])
            })
        },
        Page {
            who: Credential::SecondSession,
            ..form("/logout", none, |_| vec![])
        },
        page("/", &[]),
        page("/usuarios", &[]),
        form("/usuarios", none, |_| {
            owned(&[
                ("full_name", "Nueva Página"),
                ("email", "pagina@fuzz.mx"),
                ("role", "viewer"),
                ("password", crate::helpers::PASSWORD),
            ])
        }),
        form(
            "/usuarios/{id}",
            |i| vec![i.user.to_string()],
            |_| owned(&[("role", "viewer")]),
        ),
        page_of("/usuarios/{id}/desactivar", |i| vec![i.user.to_string()]),
        form(
            "/usuarios/{id}/desactivar",
            |i| vec![i.user.to_string()],
            |_| vec![],
        ),
        form(
            "/usuarios/{id}/activar",
            |i| vec![i.user.to_string()],
            |_| vec![],
        ),
        form(
            "/usuarios/{id}/desbloquear",
            |i| vec![i.user.to_string()],
            |_| vec![],
        ),
        page_of("/usuarios/{id}/contrasena", |i| vec![i.user.to_string()]),
        form(
            "/usuarios/{id}/contrasena",
            |i| vec![i.user.to_string()],
            |_| {
                owned(&[
                    ("new_password", crate::helpers::PASSWORD),
                    ("confirmation", crate::helpers::PASSWORD),
                ])
            },
        ),
        page("/cuenta/contrasena", &[]),
        form("/cuenta/contrasena", none, |_| {
            owned(&[
                ("current_password", crate::helpers::PASSWORD),
                ("new_password", crate::helpers::PASSWORD),
                ("confirmation", crate::helpers::PASSWORD),
            ])
        }),
        page("/claves", &[]),
        form("/claves", none, |_| {
            owned(&[("name", "contabilidad"), ("role", "viewer")])
        }),
        form(
            "/claves/{id}/revocar",
            |i| vec![i.page_key.to_string()],
            |_| vec![],
        ),
        page(
            "/auditoria",
            &[
                ("accion", "user_created"),
                ("desde", "2026-01-01"),
                ("p", "1"),
            ],
        ),
        page(
            "/auditoria/exportar.csv",
            &[("objeto", "loan"), ("hasta", "2026-12-31")],
        ),
        page("/clientes", &[("q", "Ana"), ("p", "1")]),
        form("/clientes", none, |i| {
            let mut fields = client_form(i);
            fields[1].1 = "5510000002".into();
            fields
        }),
        page("/clientes/exportar.csv", &[("q", "Ana")]),
        page_of("/clientes/{id}", |i| vec![i.client.to_string()]),
        form(
            "/clientes/{id}",
            |i| vec![i.client.to_string()],
            client_form,
        ),
        form(
            "/clientes/{id}/solicitud",
            |i| vec![i.client.to_string()],
            |i| {
                vec![
                    ("product", i.product.to_string()),
                    ("principal", "3000.00".into()),
                    ("term", String::new()),
                    ("action", "solicitar".into()),
                ]
            },
        ),
        form(
            "/clientes/{id}/pin",
            |i| vec![i.client.to_string()],
            |_| owned(&[("pin", "4821"), ("action", "guardar")]),
        ),
        page("/productos", &[]),
        form("/productos", none, |_| {
            owned(&[
                ("name", "Semanal página"),
                ("periodicity", "weekly"),
                ("term_periods", "12"),
                ("method", "flat"),
                ("rate_percent", "4"),
                ("commission_percent", "2"),
                ("late_fee", "50.00"),
                ("min_principal", "500.00"),
                ("max_principal", "20000.00"),
                ("min_term_periods", "6"),
                ("max_term_periods", "16"),
            ])
        }),
        page_of("/productos/{id}", |i| vec![i.product.to_string()]),
        form(
            "/productos/{id}",
            |i| vec![i.product.to_string()],
            |_| {
                // The fixture's product as it is, so the loans other entries apply for still fit.
                owned(&[
                    ("name", "Quincenal fijo"),
                    ("periodicity", "biweekly_cut"),
                    ("term_periods", "6"),
                    ("method", "flat"),
                    ("rate_percent", "5"),
                    ("commission_percent", "2"),
                    ("min_principal", "500.00"),
                    ("max_principal", "20000.00"),
                    ("min_term_periods", "6"),
                    ("max_term_periods", "6"),
                    ("active", "on"),
                ])
            },
        ),
        page(
            "/prestamos",
            &[
                ("estado", "disbursed"),
                ("atraso", "mas-de-90"),
                ("orden", "atraso"),
                ("p", "1"),
            ],
        ),
        page(
            "/prestamos/exportar.csv",
            &[("estado", "disbursed"), ("atraso", "al-corriente")],
        ),
        page("/prestamos/aprobacion", P),
        Page {
            query: &[("aviso", "enviada")],
            ..page_of("/prestamos/{id}", |i| vec![i.paid_loan.to_string()])
        },
        form(
            "/prestamos/{id}/{action}",
            |i| vec![i.page_loan_to_approve.to_string(), "aprobar".into()],
            |_| owned(&[("reason", ""), ("disbursed_on", "")]),
        ),
        page_of("/prestamos/{id}/estados/{date}", |i| {
            vec![i.paid_loan.to_string(), DAY.into()]
        }),
        page_of("/prestamos/{id}/estados/{date}/pdf", |i| {
            vec![i.paid_loan.to_string(), DAY.into()]
        }),
        form(
            "/prestamos/{id}/pagos",
            |i| vec![i.paid_loan.to_string()],
            |_| {
                owned(&[
                    ("amount", "10.00"),
                    ("paid_on", "2026-01-21"),
                    ("method", "cash"),
                    ("reference", "caja 2"),
                    ("idempotency_key", "pagina-1"),
                ])
            },
        ),
        page(
            "/pagos",
            &[
                ("desde", "2026-01-01"),
                ("hasta", "2026-12-31"),
                ("cajero", "1"),
                ("forma", "cash"),
                ("p", "1"),
            ],
        ),
        page_of("/pagos/{id}/recibo", |i| vec![i.page_payment.to_string()]),
        page(
            "/pagos/exportar.csv",
            &[("desde", "2026-01-01"), ("hasta", "2026-12-31")],
        ),
        form(
            "/pagos/{id}/reversa",
            |i| vec![i.page_payment.to_string()],
            |_| owned(&[("reason", "Capturado dos veces")]),
        ),
        page("/cortes", P),
        page("/cortes/exportar.csv", &[]),
        Page {
            query: P,
            ..page_of("/cortes/{date}", |_| vec![DAY.into()])
        },
        page_of("/cortes/{date}/avance", |_| vec![DAY.into()]),
        page_of("/cortes/{date}/estados.csv", |_| vec![DAY.into()]),
        page("/tareas", &[("aviso", "iniciada")]),
        form(
            "/tareas/{job}/ejecutar",
            |_| vec!["period_cut".into()],
            |_| vec![],
        ),
        // The fixture's tenant is the installation's only one, so its admin has the backups page. A
        // run starts a real backup (or meets the running one: 303 either way); the file named here
        // does not exist, so verifying and downloading it are refused alike on every backend.
        page("/respaldos", &[]),
        page("/respaldos/avance", &[]),
        form("/respaldos/ejecutar", none, |_| vec![]),
        form(
            "/respaldos/{file}/verificar",
            |_| vec![NO_BACKUP.into()],
            |_| vec![],
        ),
        page_of("/respaldos/{file}/descargar", |_| vec![NO_BACKUP.into()]),
        page("/reportes/cartera", &[]),
        page("/reportes/cartera/cortes.csv", &[]),
        page("/reportes/cartera/clasificacion.csv", &[]),
        page(
            "/reportes/cobranza",
            &[("desde", "2026-01-01"), ("hasta", "2026-01-31")],
        ),
        page(
            "/reportes/cobranza/periodos.csv",
            &[("desde", "2026-01-01"), ("hasta", "2026-01-31")],
        ),
        page(
            "/reportes/cobranza/cajeros.csv",
            &[("desde", "2026-01-01"), ("hasta", "2026-01-31")],
        ),
        // Last, so the routes before draw the same inputs as before they came.
        page("/notificaciones", &[]),
        // No channel or message of the tenant has these ids: refused as missing, whatever the input.
        form(
            "/notificaciones/canales/{id}/probar",
            |_| vec!["999999".into()],
            |_| vec![],
        ),
        form(
            "/notificaciones/mensajes/{id}/reintentar",
            |_| vec!["999999".into()],
            |_| vec![],
        ),
        // A channel nobody listens to (port 9, discard): its valid request adds it.
        form("/notificaciones/canales", none, |_| {
            owned(&[
                ("name", "Fuzz"),
                ("kind", "webhook"),
                ("url", "http://127.0.0.1:9/avisos"),
                ("secret", "secreto-fuzz"),
            ])
        }),
        form(
            "/notificaciones/canales/{id}",
            |_| vec!["999999".into()],
            |_| owned(&[("name", "Fuzz"), ("chat_ids", "42")]),
        ),
        form(
            "/notificaciones/canales/{id}/activar",
            |_| vec!["999999".into()],
            |_| vec![],
        ),
        form(
            "/notificaciones/canales/{id}/desactivar",
            |_| vec!["999999".into()],
            |_| vec![],
        ),
        form("/notificaciones/reglas", none, |_| {
            owned(&[
                ("event_kind", "payment_registered"),
                ("channel_id", "999999"),
            ])
        }),
        form(
            "/notificaciones/reglas/{id}",
            |_| vec!["999999".into()],
            |_| owned(&[("event_kind", "*"), ("channel_id", "999999")]),
        ),
        form(
            "/notificaciones/reglas/{id}/quitar",
            |_| vec!["999999".into()],
            |_| vec![],
        ),
    ]
}

fn client_form(_: &Ids) -> Vec<(&'static str, String)> {
    owned(&[
        ("full_name", "Ana Pérez"),
        ("phone", "5510000001"),
        ("curp", "HEGG560427MVZRRL04"),
        ("rfc", "GODE561231GR8"),
        ("birth_date", "1956-04-27"),
        ("address", "Calle 5 #10, Col. Centro"),
        ("notes", "Cliente desde 2020"),
    ])
}

impl Page {
    /// Case `n`: the valid request, then (for a form) the same without its CSRF token, then
    /// mutations of one to three fields, of a path segment or query value, or of the whole body.
    pub fn case(&self, ids: &Ids, rng: &mut StdRng, n: usize) -> Case {
        let mut params = (self.params)(ids);
        let mut query: Vec<(String, String)> = self
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), inputs::encode(v)))
            .collect();
        let mut fields: Option<Vec<(String, String)>> = self.form.map(|f| {
            f(ids)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        });
        let mut csrf = fields.is_some();
        let mut content_type = Some("application/x-www-form-urlencoded");
        let mut tail = String::new();
        let mut label = Vec::new();
        match n {
            0 => label.push(super::VALID.to_string()),
            1 if fields.is_some() => {
                csrf = false;
                label.push("without the CSRF token".into());
            }
            _ => {
                let has_fields = fields.as_ref().is_some_and(|f| !f.is_empty());
                let kinds = [
                    !params.is_empty(),
                    !query.is_empty(),
                    has_fields,
                    has_fields,
                    has_fields,
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
                        let value = inputs::in_url(inputs::typed(rng, &params[at]));
                        label.push(format!("path parameter {at} = {value:?}"));
                        params[at] = inputs::encode(&value);
                    }
                    1 => {
                        let at = rng.gen_range(0..query.len());
                        let value = inputs::in_url(inputs::typed(rng, &query[at].1));
                        label.push(format!("query {} = {value:?}", query[at].0));
                        query[at].1 = inputs::encode(&value);
                    }
                    2..=4 => {
                        let fields = fields.as_mut().unwrap();
                        for _ in 0..rng.gen_range(1..=3) {
                            let at = rng.gen_range(0..fields.len());
                            if rng.gen_range(0..8) == 0 {
                                label.push(format!("without {}", fields[at].0));
                                fields.remove(at);
                                if fields.is_empty() {
                                    break;
                                }
                            } else {
                                let value = inputs::typed(rng, &fields[at].1);
                                let shown: String = value.chars().take(60).collect();
                                label.push(format!(
                                    "{} = {shown:?} ({} bytes)",
                                    fields[at].0,
                                    value.len()
                                ));
                                fields[at].1 = value;
                            }
                        }
                    }
                    // A page read with `GET` has no body to break: its query takes the garbage.
                    _ => match if fields.is_some() {
                        rng.gen_range(0..4)
                    } else {
                        rng.gen_range(3..5)
                    } {
                        0 => {
                            let escape = inputs::broken_escape(rng);
                            let name = fields
                                .as_ref()
                                .and_then(|f| f.first())
                                .map_or("x".to_string(), |f| f.0.clone());
                            label.push(format!("{name} = {escape} in the body"));
                            tail = format!("&{}={escape}", inputs::encode(&name));
                        }
                        1 => {
                            content_type = *[None, Some("application/json"), Some("text/plain")]
                                .choose(rng)
                                .unwrap();
                            label.push(format!("content type {content_type:?}"));
                        }
                        2 => {
                            let value = inputs::text(rng);
                            label.push(format!("a hostile CSRF token ({} bytes)", value.len()));
                            csrf = false;
                            fields
                                .get_or_insert_with(Vec::new)
                                .push(("csrf_token".into(), value));
                        }
                        3 => {
                            let name = inputs::in_url(inputs::text(rng));
                            let value = inputs::in_url(inputs::typed(rng, "1"));
                            label.push(format!("an unknown query parameter {name:?}"));
                            query.push((inputs::encode(&name), inputs::encode(&value)));
                        }
                        _ => {
                            let escape = inputs::broken_escape(rng);
                            let name = self.query.first().map_or("p", |q| q.0);
                            label.push(format!("query {name} = {escape}"));
                            query.push((name.to_string(), escape.to_string()));
                        }
                    },
                }
            }
        }
        let mut target = fill(self.path, &params);
        if !query.is_empty() {
            let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            target = format!("{target}?{}", pairs.join("&"));
        }
        let body = match fields {
            Some(fields) => Body::Form {
                fields,
                csrf,
                tail,
                content_type,
            },
            // A page read with `GET` is sent its garbage in the query only.
            None => Body::None,
        };
        Case {
            method: self.method.clone(),
            target,
            body,
            headers: vec![],
            credential: self.who,
            label: label.join("; "),
        }
    }
}
