use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(health_and_readiness_report_a_migrated_database);

async fn health_and_readiness_report_a_migrated_database(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let alive = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(alive.status(), 200);
    let ready = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["migrations"], "current");
    assert!(ready_has_request_id(&app).await);
}

async fn ready_has_request_id(app: &TestApp) -> bool {
    reqwest::get(app.url("/healthz"))
        .await
        .unwrap()
        .headers()
        .contains_key("x-request-id")
}

each_backend!(the_openapi_document_describes_every_v1_endpoint);

async fn the_openapi_document_describes_every_v1_endpoint(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let response = reqwest::get(app.url("/v1/openapi.json")).await.unwrap();
    assert_eq!(response.status(), 200, "the document needs no key");
    let doc: serde_json::Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/tenant", "get"),
        ("/v1/users", "get"),
        ("/v1/users", "post"),
        ("/v1/users/{id}", "get"),
        ("/v1/users/{id}", "patch"),
        ("/v1/api-keys", "post"),
        ("/v1/api-keys/{id}", "delete"),
        ("/v1/audit", "get"),
        ("/v1/audit/{id}", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
}
