//! The edges of the app: what `/v1` does with a bad path, query, page number or idempotency key (a
//! problem detail, never plain text or a panic); one page shape for every list; and one caller shape
//! behind the session and the API key, recorded the same way in the audit log.

use crate::helpers::{TestApp, USER_AGENT};
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::repo::audit;
use credinet_store::testing::{Backend, TestDb};
use reqwest::Response;
use serde_json::{Value, json};

/// Every `/v1` list, for a tenant whose loan `{loan}` has payments.
const LISTS: [&str; 8] = [
    "/v1/users",
    "/v1/api-keys",
    "/v1/audit",
    "/v1/clients",
    "/v1/products",
    "/v1/loans",
    "/v1/payments",
    "/v1/loans/{loan}/payments",
];

/// A tenant with an admin key, two products, two clients, two loans (one disbursed with two payments).
struct World {
    key: String,
    loan: i64,
}

async fn world(app: &TestApp) -> World {
    let tenant = app.tenant("caja-borde").await;
    app.user(&tenant, "cajera@borde.mx", Role::Cashier).await;
    app.user(&tenant, "gerente@borde.mx", Role::Manager).await;
    let key = app.api_key(&tenant, Role::Admin).await;
    let checker = app.api_key(&tenant, Role::Manager).await;
    let send = |key: &str, path: &str, body: Value| {
        let request = app.api().post(app.url(path)).bearer_auth(key).json(&body);
        let path = path.to_string();
        async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            assert!(status.is_success(), "POST {path}: {status} {body}");
            body
        }
    };
    let mut product = 0;
    for (name, method) in [("Fijo", "flat"), ("Saldos", "declining")] {
        let body = json!({"name": name, "periodicity": "biweekly_cut", "term_periods": 6,
            "interest_method": method, "rate_per_period": "0.05"});
        product = send(&key, "/v1/products", body).await["id"]
            .as_i64()
            .unwrap();
    }
    let mut loan = 0;
    for (name, phone) in [("Ana Borde", "5512340001"), ("Luis Borde", "5512340002")] {
        let client = send(
            &key,
            "/v1/clients",
            json!({"full_name": name, "phone": phone}),
        )
        .await["client"]["id"]
            .as_i64()
            .unwrap();
        let body = json!({"client_id": client, "product_id": product, "principal": "10000.00"});
        loan = send(&key, "/v1/loans", body).await["id"].as_i64().unwrap();
    }
    send(&key, &format!("/v1/loans/{loan}/submit"), json!({})).await;
    send(&checker, &format!("/v1/loans/{loan}/approve"), json!({})).await;
    send(
        &checker,
        &format!("/v1/loans/{loan}/disburse"),
        json!({"disbursed_on": "2026-01-10"}),
    )
    .await;
    for amount in ["100.00", "200.00"] {
        let body = json!({"amount": amount, "method": "cash", "paid_on": "2026-01-20"});
        send(&key, &format!("/v1/loans/{loan}/payments"), body).await;
    }
    World { key, loan }
}

impl World {
    fn lists(&self) -> Vec<String> {
        LISTS
            .iter()
            .map(|path| path.replace("{loan}", &self.loan.to_string()))
            .collect()
    }
}

async fn get(app: &TestApp, key: &str, path: &str) -> Response {
    app.api()
        .get(app.url(path))
        .bearer_auth(key)
        .send()
        .await
        .unwrap()
}

/// Asserts a problem detail of `status` and `problem` type; returns its detail.
async fn problem(response: Response, status: u16, problem: &str, what: &str) -> String {
    assert_eq!(response.status(), status, "{what}");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{what}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status, "{what}: {body}");
    assert_eq!(
        body["type"],
        format!("https://credinet.dev/problems/{problem}"),
        "{what}: {body}"
    );
    let detail = body["detail"].as_str().unwrap_or_default().to_string();
    assert!(!detail.is_empty(), "{what}: a problem says what is wrong");
    detail
}

each_backend!(
    a_bad_id_in_the_path_is_a_problem_detail_not_plain_text,
    a_malformed_query_string_is_a_problem_detail,
    every_list_answers_items_total_offset_and_limit,
    a_page_number_past_the_bound_is_refused_naming_the_parameter,
    the_last_page_allowed_is_empty_on_every_database,
    an_idempotency_key_too_long_or_not_printable_is_refused_naming_the_header,
    a_key_and_a_session_are_audited_as_who_called_and_from_where,
    a_huge_page_number_on_a_back_office_list_shows_an_empty_page,
);

async fn a_bad_id_in_the_path_is_a_problem_detail_not_plain_text(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    for path in [
        "/v1/loans/abc",
        "/v1/loans/99999999999999999999",
        "/v1/loans/1.5",
        "/v1/clients/abc",
        "/v1/products/uno",
        "/v1/payments/abc",
        "/v1/users/abc",
        "/v1/api-keys/abc",
        "/v1/audit/abc",
        "/v1/loans/abc/payments",
    ] {
        let detail = problem(get(&app, &w.key, path).await, 400, "invalid-path", path).await;
        assert!(detail.contains("parse"), "GET {path}: {detail}");
    }
    let submit = app
        .api()
        .post(app.url("/v1/loans/abc/submit"))
        .bearer_auth(&w.key)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    problem(submit, 400, "invalid-path", "POST /v1/loans/abc/submit").await;
    // A well-formed id that is not there stays a 404.
    problem(
        get(&app, &w.key, "/v1/loans/-1").await,
        404,
        "not-found",
        "GET /v1/loans/-1",
    )
    .await;
}

async fn a_malformed_query_string_is_a_problem_detail(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    for path in [
        "/v1/loans?client_id=abc",
        "/v1/payments?from=ayer",
        "/v1/payments?loan_id=99999999999999999999",
        "/v1/payments?include_reversed=quizas",
        "/v1/products?active=si",
        "/v1/audit?before=x",
        "/v1/clients?page=abc",
        "/v1/loans?page=-1",
        "/v1/users?per_page=1.5",
        "/v1/exports/loans.csv?client_id=abc",
    ] {
        problem(get(&app, &w.key, path).await, 400, "invalid-query", path).await;
    }
}

async fn every_list_answers_items_total_offset_and_limit(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    for path in w.lists() {
        let whole: Value = get(&app, &w.key, &path).await.json().await.unwrap();
        let mut fields: Vec<_> = whole.as_object().expect(&path).keys().cloned().collect();
        fields.sort();
        assert_eq!(
            fields,
            ["items", "limit", "offset", "total"],
            "GET {path}: {whole}"
        );
        let total = whole["total"].as_u64().unwrap();
        assert!(total >= 2, "GET {path} has at least two rows: {whole}");
        assert_eq!(
            whole["items"].as_array().unwrap().len() as u64,
            total,
            "{path}"
        );
        assert_eq!((&whole["offset"], &whole["limit"]), (&json!(0), &json!(50)));

        let second = format!("{path}?page=2&per_page=1");
        let page: Value = get(&app, &w.key, &second).await.json().await.unwrap();
        assert_eq!(
            (&page["offset"], &page["limit"], &page["total"]),
            (&json!(1), &json!(1), &json!(total)),
            "GET {second}: {page}"
        );
        // Ids, not whole rows: a key's last use and an entry's seal may change between the two reads.
        assert_eq!(
            page["items"][0]["id"], whole["items"][1]["id"],
            "GET {second} is the second row"
        );
    }
}

async fn a_page_number_past_the_bound_is_refused_naming_the_parameter(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    for path in w.lists() {
        for (query, parameter) in [
            ("page=18446744073709551615", "page"),
            ("page=1000001", "page"),
            ("page=0", "page"),
            ("per_page=501", "per_page"),
            ("per_page=0", "per_page"),
        ] {
            let url = format!("{path}?{query}");
            let detail = problem(get(&app, &w.key, &url).await, 422, "invalid-input", &url).await;
            assert!(
                detail.contains(&format!("the {parameter} parameter")),
                "GET {url}: {detail}"
            );
        }
        let past_u64 = format!("{path}?page=18446744073709551616");
        problem(
            get(&app, &w.key, &past_u64).await,
            400,
            "invalid-query",
            &past_u64,
        )
        .await;
    }
}

async fn the_last_page_allowed_is_empty_on_every_database(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    for path in w.lists() {
        let url = format!("{path}?page=1000000&per_page=500");
        let response = get(&app, &w.key, &url).await;
        assert_eq!(response.status(), 200, "GET {url}");
        let page: Value = response.json().await.unwrap();
        assert_eq!(page["offset"], 499_999_500u64, "GET {url}: {page}");
        assert!(page["items"].as_array().unwrap().is_empty(), "GET {url}");
    }
}

async fn an_idempotency_key_too_long_or_not_printable_is_refused_naming_the_header(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let pay = |key: reqwest::header::HeaderValue| {
        app.api()
            .post(app.url(&format!("/v1/loans/{}/payments", w.loan)))
            .bearer_auth(&w.key)
            .header("Idempotency-Key", key)
            .json(&json!({"amount": "50.00", "method": "cash", "paid_on": "2026-01-21"}))
            .send()
    };
    let bad = [
        ("k".repeat(101).into_bytes(), "101 characters"),
        (b"".to_vec(), "empty"),
        (b"   ".to_vec(), "blank"),
        (b"folio\t7".to_vec(), "a tab"),
        ("año-7".as_bytes().to_vec(), "not ASCII"),
    ];
    for (raw, what) in bad {
        let value = reqwest::header::HeaderValue::from_bytes(&raw).unwrap();
        let detail = problem(pay(value).await.unwrap(), 422, "invalid-input", what).await;
        assert!(detail.contains("Idempotency-Key"), "{what}: {detail}");
    }
    let longest = "k".repeat(100);
    let accepted = pay(longest.parse().unwrap()).await.unwrap();
    assert_eq!(
        accepted.status(),
        201,
        "a key of 100 characters is accepted"
    );
    let receipt: Value = accepted.json().await.unwrap();
    assert_eq!(receipt["payment"]["idempotency_key"], longest.as_str());

    let listed: Value = get(&app, &w.key, &format!("/v1/loans/{}/payments", w.loan))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed["total"], 3,
        "the refused keys made no payment: {listed}"
    );
}

async fn a_key_and_a_session_are_audited_as_who_called_and_from_where(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-quien").await;
    app.user(&tenant, "cajera@quien.mx", Role::Cashier).await;
    let key = app.api_key(&tenant, Role::Cashier).await;

    let by_key = app
        .api()
        .post(app.url("/v1/clients"))
        .bearer_auth(&key)
        .header("user-agent", "integracion/2.0")
        .json(&json!({"full_name": "Por Clave", "phone": "5512349991"}))
        .send()
        .await
        .unwrap();
    assert_eq!(by_key.status(), 201);

    let browser = app.browser();
    let csrf = app
        .signed_in(&browser, "caja-quien", "cajera@quien.mx")
        .await;
    let by_session = browser
        .post(app.url("/clientes"))
        .form(&[
            ("full_name", "Por Sesión"),
            ("phone", "5512349992"),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        by_session.status().is_redirection() || by_session.status().is_success(),
        "{}",
        by_session.status()
    );

    let created: Vec<_> = audit::list(app.app_store.db(), tenant.id, None, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.entity == "client")
        .map(|e| (e.actor_kind, e.actor_label, e.ip, e.user_agent))
        .collect();
    let local = Some("127.0.0.1".to_string());
    assert_eq!(
        created,
        [
            (
                "user".to_string(),
                "cajera@quien.mx".to_string(),
                local.clone(),
                Some(USER_AGENT.to_string())
            ),
            (
                "api_key".to_string(),
                "api:pruebas".to_string(),
                local,
                Some("integracion/2.0".to_string())
            ),
        ],
        "newest first: the session's client, then the key's"
    );
}

async fn a_huge_page_number_on_a_back_office_list_shows_an_empty_page(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let tenant = app.tenant("caja-paginas").await;
    app.user(&tenant, "gerente@paginas.mx", Role::Manager).await;
    let browser = app.browser();
    app.signed_in(&browser, "caja-paginas", "gerente@paginas.mx")
        .await;
    for path in ["/clientes", "/prestamos", "/pagos"] {
        let url = format!("{path}?p=18446744073709551615");
        let response = browser.get(app.url(&url)).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {url}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_gives_every_list_the_same_page_schema() {
    let db = TestDb::create(Backend::Sqlite)
        .await
        .expect("SQLite is built in");
    let app = TestApp::spawn(db).await;
    let doc: Value = reqwest::get(app.url("/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let resolve = |schema: &Value| -> Value {
        match schema["$ref"].as_str() {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap();
                doc["components"]["schemas"][name].clone()
            }
            None => schema.clone(),
        }
    };
    for path in LISTS {
        let path = path.replace("{loan}", "{id}");
        let ok = &doc["paths"][&path]["get"]["responses"]["200"];
        let schema = resolve(&ok["content"]["application/json"]["schema"]);
        let mut fields: Vec<_> = schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("GET {path} documents its page: {ok}"))
            .keys()
            .cloned()
            .collect();
        fields.sort();
        assert_eq!(fields, ["items", "limit", "offset", "total"], "GET {path}");
        let item = resolve(&schema["properties"]["items"]["items"]);
        assert!(
            item["properties"]["id"].is_object(),
            "GET {path} names the schema of its items: {schema}"
        );
        let params: Vec<_> = doc["paths"][&path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert!(
            params.contains(&"page") && params.contains(&"per_page"),
            "GET {path} takes page and per_page: {params:?}"
        );
    }
}
