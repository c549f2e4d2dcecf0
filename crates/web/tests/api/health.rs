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
