//! Inputs that once answered a 5xx, dropped the connection or answered differently on one backend
//! (issue 16's probe: huge page numbers panicked in the SQL builder, a NUL was a 500 on PostgreSQL
//! only, a control character in the login's `next` was a 500 after the session was made), kept as
//! named cases that run on every run whatever the seed.

use super::api::{Ids, Who};
use super::inputs;
use super::{Body, Case, Credential};
use reqwest::Method;

fn case(method: Method, target: String, credential: Credential, body: Body, name: &str) -> Case {
    Case {
        method,
        target,
        body,
        headers: vec![],
        credential,
        label: format!("regression: {name}"),
    }
}

fn json(text: String) -> Body {
    Body::Raw {
        content_type: Some("application/json"),
        bytes: text.into_bytes(),
    }
}

fn form(fields: &[(&str, &str)]) -> Body {
    Body::Form {
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        csrf: true,
        tail: String::new(),
        content_type: Some("application/x-www-form-urlencoded"),
    }
}

pub fn cases(ids: &Ids) -> Vec<Case> {
    let admin = Credential::Key(Who::Admin);
    let cashier = Credential::Key(Who::Cashier);
    let get = |target: String, who: Credential, name: &str| {
        case(Method::GET, target, who, Body::None, name)
    };
    let huge = "18446744073709551615";
    let mut cases = vec![
        get(
            format!("/v1/clients?page={huge}"),
            admin,
            "a page number past u64 on a /v1 list",
        ),
        get(
            format!(
                "/v1/loans/{}/payments?page={huge}&per_page={huge}",
                ids.paid_loan
            ),
            admin,
            "a page and a page size past u64",
        ),
        get("/v1/clients?q=%00".into(), admin, "a NUL in a /v1 search"),
        get(
            "/v1/exports/clients.csv?q=Ana%00".into(),
            admin,
            "a NUL in a CSV export's search",
        ),
        case(
            Method::POST,
            "/v1/clients".into(),
            cashier,
            json(format!(
                "{{\"full_name\":{},\"phone\":\"5519999999\"}}",
                inputs::string("Ana\u{0}Ruiz")
            )),
            "a NUL in a client's name (a 500 on PostgreSQL only)",
        ),
        case(
            Method::POST,
            format!("/v1/loans/{}/payments", ids.paid_loan),
            cashier,
            json(format!(
                "{{\"amount\":\"1.00\",\"method\":\"cash\",\"reference\":{}}}",
                inputs::string("caja\u{0}")
            )),
            "a NUL in a payment's reference",
        ),
        case(
            Method::POST,
            "/v1/clients".into(),
            cashier,
            json(format!(
                "{{\"full_name\":\"{}\",\"phone\":\"5519999998\"}}",
                "x".repeat(2 * 1024 * 1024)
            )),
            "a body past the size limit",
        ),
        case(
            Method::POST,
            "/login".into(),
            Credential::LoginForm,
            form(&[
                ("tenant", "caja-fuzz\u{0}"),
                ("email", "entrada@fuzz.mx"),
                ("password", "x"),
            ]),
            "a NUL in the login form (a 500 on PostgreSQL, the attempt unrecorded)",
        ),
        case(
            Method::POST,
            "/login".into(),
            Credential::LoginForm,
            form(&[
                ("tenant", "caja-fuzz"),
                ("email", "entrada@fuzz.mx"),
                ("password", crate::helpers::PASSWORD),
                ("next", "/\t/evil.example"),
            ]),
            "a control character in the login's next (a 500 after the session was made)",
        ),
        case(
            Method::POST,
            "/clientes".into(),
            Credential::Session,
            form(&[("full_name", "Ana\u{0}"), ("phone", "5519999997")]),
            "a NUL in a client's name typed in the back office",
        ),
    ];
    // Found by this fuzz: MariaDB's collation took names differing in case (or accents, or two
    // characters beyond the BMP) for one, answering 409 where SQLite and PostgreSQL stored both.
    let product = |name: &str| {
        json(format!(
            "{{\"name\":{},\"periodicity\":\"biweekly_cut\",\"term_periods\":6,\
             \"interest_method\":\"flat\",\"rate_per_period\":\"0.05\"}}",
            inputs::string(name)
        ))
    };
    for (name, why) in [
        (
            "quincenal FIJO",
            "a product name differing from another in case only",
        ),
        (
            "Quincenal fíjo",
            "a product name differing from another in an accent only",
        ),
        ("Plan 😀", "a product name with a 4-byte character"),
        (
            "Plan 𝔸",
            "a product name differing from another in a 4-byte character only",
        ),
    ] {
        cases.push(case(
            Method::POST,
            "/v1/products".into(),
            admin,
            product(name),
            why,
        ));
    }
    // Found by this fuzz: an email longer than the attempts' column was a 500 on PostgreSQL.
    let long_email = format!("{}@fuzz.mx", "ñ".repeat(300));
    cases.push(case(
        Method::POST,
        "/login".into(),
        Credential::LoginForm,
        form(&[
            ("tenant", "caja-fuzz"),
            ("email", &long_email),
            ("password", "x"),
        ]),
        "an email longer than the column of sign-in attempts",
    ));
    // Found by this fuzz (seed 16): MariaDB took idempotency keys differing only in case for one key,
    // so the second payment here was refused there and registered elsewhere (migration 12).
    for (key, amount) in [("clave-caja-7", "1.00"), ("CLAVE-CAJA-7", "2.00")] {
        cases.push(case(
            Method::POST,
            format!("/prestamos/{}/pagos", ids.paid_loan),
            Credential::Session,
            form(&[
                ("amount", amount),
                ("paid_on", "2026-01-21"),
                ("method", "cash"),
                ("idempotency_key", key),
            ]),
            "a payment form whose key differs from another's only in case",
        ));
    }
    for list in ["/clientes", "/prestamos", "/pagos"] {
        cases.push(get(
            format!("{list}?p={huge}"),
            Credential::Session,
            "a page number past u64 on a back-office list",
        ));
        cases.push(get(
            format!("{list}?q=%00&p=1"),
            Credential::Session,
            "a NUL in a back-office search",
        ));
    }
    cases
}
