//! `/respaldos`, the backups page, on the three backends (ADR 32): the operator tenant's admin backs up,
//! follows the progress, verifies and downloads the very file; everyone else — another tenant's admin
//! above all, since a backup holds every tenant — meets a page that does not exist.

use crate::back_office::{staff_browser, submit};
use crate::helpers::{TestApp, hidden_csrf, meta_csrf};
use credinet_core::role::Role;
use credinet_ops::backup::{self, BackupSettings, DatabaseTarget, NoProgress};
use credinet_store::each_backend;
use credinet_store::repo::audit;
use credinet_store::repo::backup_tasks::{self, BackupTask, TaskAction, TaskStatus};
use credinet_store::repo::job_leases;
use credinet_store::testing::TestDb;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::{Duration, Instant};

each_backend!(
    the_operators_admin_backs_up_verifies_and_downloads_the_same_file,
    another_tenants_admin_and_the_operators_manager_meet_a_404_everywhere,
    without_an_operator_the_only_tenants_admin_has_the_page_until_a_second_tenant_arrives,
    a_backup_asked_for_while_another_runs_is_refused_with_a_message_and_not_started,
);

const OPERATOR: &str = "operadora";

async fn operator_app(db: TestDb) -> TestApp {
    TestApp::spawn_with(db, |http| http.operator_tenant = Some(OPERATOR.into())).await
}

/// Waits for task `id` to end; the wait is a failsafe, not a measure.
pub(super) async fn ended(app: &TestApp, id: i64) -> BackupTask {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let task = backup_tasks::by_id(app.app_store.db(), id)
            .await
            .unwrap()
            .expect("the task is recorded");
        if task.status != TaskStatus::Running {
            return task;
        }
        assert!(Instant::now() < deadline, "the task never ended: {task:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub(super) async fn latest_task(app: &TestApp) -> Option<BackupTask> {
    backup_tasks::recent(app.app_store.db(), 1)
        .await
        .unwrap()
        .into_iter()
        .next()
}

/// A backup taken directly (not through the page), to have a real file to ask for.
async fn backup_file(app: &TestApp) -> String {
    let target = DatabaseTarget::parse(&app.database_url).unwrap();
    let settings = BackupSettings {
        dir: app.backup_dir.clone(),
        ..BackupSettings::default()
    };
    backup::run(&app.app_store, &target, &settings, Arc::new(NoProgress))
        .await
        .unwrap()
        .manifest
        .file
}

async fn the_operators_admin_backs_up_verifies_and_downloads_the_same_file(db: TestDb) {
    let app = operator_app(db).await;
    let l = app.lender(OPERATOR).await;
    app.lender("caja-norte").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let jobs = app.visit(&admin, "/tareas").await.assert_status(200).body;
    assert!(
        jobs.contains("href=\"/respaldos\""),
        "linked from the jobs page"
    );
    let page = app
        .visit(&admin, "/respaldos")
        .await
        .assert_status(200)
        .body;
    assert!(page.contains("Aún no hay respaldos."), "{page}");

    // «Respaldar ahora»: post, redirect back with a one-time notice, the work in the background.
    let after = submit(
        &app,
        &admin,
        "/respaldos/ejecutar",
        &[("csrf_token", hidden_csrf(&page).as_str())],
    )
    .await
    .assert_status(200);
    assert!(after.body.contains("El respaldo empezó."), "{}", after.body);
    let again = app
        .visit(&admin, "/respaldos")
        .await
        .assert_status(200)
        .body;
    assert!(
        !again.contains("El respaldo empezó."),
        "the notice is said once"
    );
    let task = latest_task(&app).await.expect("the run is recorded");
    assert_eq!(task.action, TaskAction::Run);
    let task = ended(&app, task.id).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
    let file = task.file.clone().expect("the run names its backup");

    // Once nothing runs, the progress fragment asks the page to reload.
    let fragment = app
        .visit(&admin, "/respaldos/avance")
        .await
        .assert_status(200);
    assert_eq!(fragment.header("hx-refresh"), "true");
    let page = app
        .visit(&admin, "/respaldos")
        .await
        .assert_status(200)
        .body;
    assert!(page.contains(&file), "the new backup is listed:\n{page}");
    assert!(page.contains("Exitosa"), "{page}");

    // The download is the file byte for byte, as its manifest describes it, and it is audited.
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(app.backup_dir.join(format!("{file}.json"))).unwrap(),
    )
    .unwrap();
    let answer = admin
        .get(app.url(&format!("/respaldos/{file}/descargar")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let headers = answer.headers().clone();
    assert_eq!(headers["content-type"], "application/gzip");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{file}\"").as_str()
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers.get("content-encoding").is_none(),
        "a gzip file is not compressed again"
    );
    assert_eq!(
        headers["content-length"],
        manifest["size_bytes"].to_string().as_str()
    );
    let bytes = answer.bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, manifest["size_bytes"].as_u64().unwrap());
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        manifest["sha256"].as_str().unwrap()
    );
    let entries = audit::list(app.app_store.db(), l.tenant.id, None, 20)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"backup_run_requested"), "{actions:?}");
    let downloaded = entries
        .iter()
        .find(|e| e.action == "backup_downloaded")
        .expect("the download is audited");
    assert_eq!(downloaded.entity_id.as_deref(), Some(file.as_str()));

    // «Verificar»: the same file restores into a scratch database and checks out.
    let page = app.visit(&admin, "/respaldos").await.body;
    let after = submit(
        &app,
        &admin,
        &format!("/respaldos/{file}/verificar"),
        &[("csrf_token", hidden_csrf(&page).as_str())],
    )
    .await
    .assert_status(200);
    assert!(
        after
            .body
            .contains(&format!("La verificación de {file} empezó.")),
        "{}",
        after.body
    );
    let task = latest_task(&app).await.unwrap();
    assert_eq!(task.action, TaskAction::Verify);
    let task = ended(&app, task.id).await;
    assert_eq!(task.status, TaskStatus::Succeeded, "{task:?}");
    assert_eq!(task.file.as_deref(), Some(file.as_str()));
    let page = app.visit(&admin, "/respaldos").await.body;
    assert!(
        page.contains("La copia está íntegra y se restaura completa."),
        "{page}"
    );
}

async fn another_tenants_admin_and_the_operators_manager_meet_a_404_everywhere(db: TestDb) {
    let app = operator_app(db).await;
    let operator = app.lender(OPERATOR).await;
    let other = app.lender("caja-norte").await;
    let file = backup_file(&app).await;
    let outsider = staff_browser(&app, &other, Role::Admin).await;
    let manager = staff_browser(&app, &operator, Role::Manager).await;
    for (who, browser) in [
        ("another tenant's admin", &outsider),
        ("the operator's manager", &manager),
    ] {
        let token = meta_csrf(&app.visit(browser, "/").await.assert_status(200).body);
        for path in [
            "/respaldos".to_string(),
            "/respaldos/avance".to_string(),
            format!("/respaldos/{file}/descargar"),
        ] {
            let answer = app.visit(browser, &path).await;
            assert_eq!(answer.status, 404, "{who}: GET {path}: {}", answer.body);
            assert!(
                answer.body.contains("No encontramos lo que busca."),
                "{who}: {path} reads as something that is not there"
            );
        }
        for path in [
            "/respaldos/ejecutar".to_string(),
            format!("/respaldos/{file}/verificar"),
        ] {
            let answer = browser
                .post(app.url(&path))
                .form(&[("csrf_token", token.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 404, "{who}: POST {path}");
        }
        let page = app.visit(browser, "/tareas").await.body;
        assert!(!page.contains("/respaldos"), "{who}: no link to it");
    }
    assert_eq!(latest_task(&app).await, None, "nothing was started");
    for tenant in [&operator.tenant, &other.tenant] {
        let entries = audit::list(app.app_store.db(), tenant.id, None, 50)
            .await
            .unwrap();
        assert!(
            entries.iter().all(|e| e.entity != "backup"),
            "nothing about backups was audited: {entries:?}"
        );
    }
}

async fn without_an_operator_the_only_tenants_admin_has_the_page_until_a_second_tenant_arrives(
    db: TestDb,
) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-sola").await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    let viewer = staff_browser(&app, &l, Role::Viewer).await;
    app.visit(&admin, "/respaldos").await.assert_status(200);
    app.visit(&viewer, "/respaldos").await.assert_status(404);
    app.tenant("caja-segunda").await;
    app.visit(&admin, "/respaldos")
        .await
        .assert_status_because(404, "a second tenant's data is in every backup from now on");
}

async fn a_backup_asked_for_while_another_runs_is_refused_with_a_message_and_not_started(
    db: TestDb,
) {
    let app = operator_app(db).await;
    let l = app.lender(OPERATOR).await;
    let admin = staff_browser(&app, &l, Role::Admin).await;
    // The nightly backup job holds the lease (its key is the job's name).
    let night = job_leases::acquire(
        &app.app_store,
        "backup",
        "the-nightly-run",
        chrono::Duration::minutes(5),
    )
    .await
    .unwrap()
    .expect("the lease is free");
    let page = app.visit(&admin, "/respaldos").await.body;
    let after = submit(
        &app,
        &admin,
        "/respaldos/ejecutar",
        &[("csrf_token", hidden_csrf(&page).as_str())],
    )
    .await
    .assert_status(200);
    assert!(
        after
            .body
            .contains("Ya hay un respaldo o una verificación en curso"),
        "{}",
        after.body
    );
    assert_eq!(latest_task(&app).await, None, "no second task was started");
    job_leases::release(&app.app_store, &night).await.unwrap();
}
