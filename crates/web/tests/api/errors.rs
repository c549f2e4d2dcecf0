//! Bad input gets a clear 4xx problem detail and changes nothing.

use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(malformed_json_wrong_types_and_huge_bodies_get_problem_details);

async fn malformed_json_wrong_types_and_huge_bodies_get_problem_details(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let t = app.tenant("caja-norte").await;
    let key = app.admin_key(&t).await;

    let cases = [
        ("{\"email\": ".to_string(), 400),
        (r#"{"email": 5, "full_name": "X", "role": "admin", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "x@n.mx", "full_name": "X", "role": "boss", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "no-es-correo", "full_name": "X", "role": "admin", "password": "una-clave-larga"}"#.to_string(), 422),
        (r#"{"email": "x@n.mx", "full_name": "X", "role": "admin", "password": "corta"}"#.to_string(), 422),
        (format!("{{\"email\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)), 413),
    ];
    for (body, status) in cases {
        let start = format!("body starting {:?}", &body[..body.len().min(60)]);
        // Each on a fresh connection: the server may close the one that carried the refused 2 MB body.
        app.post_raw("/v1/users", &key, body)
            .await
            .because(start)
            .assert_problem(status);
    }
    let users = app.get_json("/v1/users", &key).await;
    assert_eq!(
        users["items"].as_array().unwrap().len(),
        0,
        "nothing was created"
    );

    let unknown = app.get("/v1/no-such-thing", &key).await.assert_status(404);
    assert_eq!(unknown.header("content-type"), "application/problem+json");
}
