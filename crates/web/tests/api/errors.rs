//! Bad input gets a clear 4xx problem detail and changes nothing.

use crate::helpers::TestApp;
use credinet_core::role::Role;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use serde_json::Value;

each_backend!(malformed_json_wrong_types_and_huge_bodies_get_problem_details);

async fn malformed_json_wrong_types_and_huge_bodies_get_problem_details(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let key = app.api_key(&t, Role::Admin).await;
    let api = app.api();
    let post = |body: String| {
        api.post(app.url("/v1/users"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };

    let cases = [
        ("{\"email\": ".to_string(), 400),
        (r#"{"email": 5, "full_name": "X", "role": "admin", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "x@n.mx", "full_name": "X", "role": "boss", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "no-es-correo", "full_name": "X", "role": "admin", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "x@n.mx", "full_name": "X", "role": "admin", "password": "corta"}"#.to_string(), 422),
        (format!("{{\"email\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)), 413),
    ];
    for (body, status) in cases {
        let response = post(body.clone()).await.unwrap();
        assert_eq!(
            response.status(),
            status,
            "body starting {:?}",
            &body[..body.len().min(60)]
        );
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["status"], status);
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
    }
    // A fresh connection: the server may close the one that carried the refused 2 MB body.
    let users: Value = app
        .api()
        .get(app.url("/v1/users"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        0,
        "nothing was created"
    );

    let unknown = api
        .get(app.url("/v1/no-such-thing"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    assert_eq!(
        unknown.headers()["content-type"],
        "application/problem+json"
    );
}
