use crate::helpers::TestApp;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(health_and_readiness_report_a_migrated_database);

async fn health_and_readiness_report_a_migrated_database(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let alive = app.get_public("/healthz").await.assert_status(200);
    assert!(
        alive.headers.contains_key("x-request-id"),
        "every answer carries a request id: {alive}"
    );
    let ready = app.get_public("/readyz").await.assert_status(200);
    assert_eq!(ready.json()["migrations"], "current");
}

each_backend!(the_openapi_document_describes_every_v1_endpoint);

async fn the_openapi_document_describes_every_v1_endpoint(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let doc = app
        .get_public("/v1/openapi.json")
        .await
        .assert_status_because(200, "the document needs no key")
        .json();
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
