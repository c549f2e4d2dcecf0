//! `/metrics` scraped over HTTP after real traffic, on every backend: `promtool check metrics` accepts
//! it, a route is one series whatever ids its paths carry, the database's figures are there, and the
//! token (or, without one, this host) is required.

use crate::helpers::{RequestExt, TestApp};
use chrono::NaiveDate;
use credinet_lending::cuts::{self, CutOptions};
use credinet_store::each_backend;
use credinet_store::repo::audit::Requester;
use credinet_store::testing::TestDb;
use credinet_web::settings::SecretKey;
use std::io::Write;
use std::ops::ControlFlow;
use std::process::{Command, Stdio};

each_backend!(
    a_scrape_after_real_traffic_passes_promtool_with_bounded_labels,
    the_backup_figures_are_those_of_the_newest_backup,
    the_token_is_required_when_set,
    without_a_token_only_this_host_may_scrape,
);

const TOKEN: &str = "token-de-prometheus-para-pruebas-0123456789";

/// `promtool check metrics` on `text`: its verdict and what it said.
pub fn promtool_check_metrics(text: &str) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs (Debian package prometheus)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

/// The value of the one sample whose line starts with `series`.
fn sample(text: &str, series: &str) -> f64 {
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with(series)).collect();
    assert_eq!(lines.len(), 1, "one sample {series}: {lines:?}\n{text}");
    lines[0].rsplit(' ').next().unwrap().parse().unwrap()
}

async fn a_scrape_after_real_traffic_passes_promtool_with_bounded_labels(db: TestDb) {
    let app = TestApp::spawn_with(db, |h| h.metrics_token = Some(SecretKey::new(TOKEN))).await;
    let l = app.lender("caja-norte").await;
    let first = app.disbursed_loan(&l, l.flat, "10000.00").await;
    let second = app.disbursed_loan(&l, l.flat, "5000.00").await;
    app.pay(first.id, "500.00", &l.cashier).await;
    app.pay(second.id, "250.00", &l.cashier).await;
    for loan in [first.id, second.id] {
        app.get(&format!("/v1/loans/{loan}"), &l.viewer)
            .await
            .assert_status(200);
    }
    // A method no one uses and a path no route knows: bounded labels, not the client's words.
    let odd = reqwest::Method::from_bytes(b"FROBNICATE").unwrap();
    app.api()
        .request(odd, app.url("/no/existe/7781"))
        .reply()
        .await;
    // A cut months later: the portfolio gauges come from it.
    cuts::run(
        &app.app_store,
        l.tenant.id,
        NaiveDate::from_ymd_opt(2026, 4, 23).unwrap(),
        &Requester::cli(),
        CutOptions { page_size: 100 },
        |_| ControlFlow::<()>::Continue(()),
    )
    .await
    .expect("the cut runs");

    let scrape = app.get("/metrics", TOKEN).await.assert_status(200);
    assert!(
        scrape
            .header("content-type")
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        scrape.header("content-type")
    );
    let text = scrape.body;
    let (passed, said) = promtool_check_metrics(&text);
    assert!(passed, "promtool check metrics: {said}\n{text}");
    std::fs::create_dir_all("../../test-output").ok();
    std::fs::write("../../test-output/metrics-scrape.txt", &text).ok();

    // Two loans, one route: one series, and no id anywhere in the labels.
    let by_loan = r#"credinet_http_request_duration_seconds_count{method="GET",route="/v1/loans/{id}",status="2xx"}"#;
    assert_eq!(sample(&text, by_loan), 2.0);
    for id in [first.id, second.id] {
        assert!(
            !text.contains(&format!("/v1/loans/{id}")),
            "a raw path of loan {id} became a label"
        );
    }
    assert_eq!(
        sample(
            &text,
            r#"credinet_payments_registered_total{tenant="caja-norte"}"#
        ),
        2.0
    );
    assert_eq!(
        sample(&text, r#"credinet_events_total{kind="payment_registered"}"#),
        2.0
    );
    assert!(
        sample(
            &text,
            r#"credinet_portfolio_outstanding_pesos{tenant="caja-norte"}"#
        ) > 0.0
    );
    let par30 = sample(
        &text,
        r#"credinet_portfolio_par30_ratio{tenant="caja-norte"}"#,
    );
    assert!((0.0..=1.0).contains(&par30), "{par30}");
    assert_eq!(
        sample(
            &text,
            r#"credinet_portfolio_cut_date_timestamp_seconds{tenant="caja-norte"}"#
        ),
        1_776_902_400.0,
        "2026-04-23T00:00:00Z"
    );
}

/// Before any backup neither backup series exists (the alert fires on their absence); after two real
/// backups (`credinet_ops::backup::run`, as `credinet backup run` and the nightly job take them) they
/// are the newest one's completion time and compressed size.
async fn the_backup_figures_are_those_of_the_newest_backup(db: TestDb) {
    use credinet_ops::backup::{self, BackupSettings, DatabaseTarget, NoProgress};
    use std::sync::Arc;

    let app = TestApp::spawn_with(db, |h| h.metrics_token = Some(SecretKey::new(TOKEN))).await;
    let before = app.get("/metrics", TOKEN).await.assert_status(200).body;
    assert!(
        !before.contains("credinet_backup_last"),
        "no backup yet, no backup series:\n{before}"
    );

    let dir = std::env::temp_dir().join(format!(
        "credinet-tests/metrics-backups-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let settings = BackupSettings {
        dir: dir.clone(),
        ..BackupSettings::default()
    };
    let target = DatabaseTarget::parse(&app.database_url).unwrap();
    let store = &app.app_store;
    backup::run(store, &target, &settings, Arc::new(NoProgress))
        .await
        .expect("first backup");
    let l = app.lender("caja-respaldo").await;
    app.disbursed_loan(&l, l.flat, "9000.00").await;
    let newest = backup::run(store, &target, &settings, Arc::new(NoProgress))
        .await
        .expect("second backup");

    let text = app.get("/metrics", TOKEN).await.assert_status(200).body;
    let (passed, said) = promtool_check_metrics(&text);
    assert!(passed, "promtool check metrics: {said}\n{text}");
    assert_eq!(
        sample(&text, "credinet_backup_last_size_bytes"),
        newest.manifest.size_bytes as f64
    );
    // The event is written right after the manifest, on the same clock as created_at.
    let at = sample(&text, "credinet_backup_last_success_timestamp_seconds");
    let created = newest.manifest.created_at.timestamp_millis() as f64 / 1000.0;
    let now = store.now().timestamp_millis() as f64 / 1000.0;
    assert!(
        (created..=now).contains(&at),
        "{at} between the backup's start {created} and now {now}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now())
}

async fn the_token_is_required_when_set(db: TestDb) {
    let app = TestApp::spawn_with(db, |h| h.metrics_token = Some(SecretKey::new(TOKEN))).await;
    let wrong = app.get("/metrics", "otro-token").await.assert_problem(401);
    assert_eq!(wrong.header("www-authenticate"), "Bearer");
    app.api()
        .get(app.url("/metrics"))
        .reply()
        .await
        .assert_problem(401);
    app.get("/metrics", TOKEN).await.assert_status(200);
}

async fn without_a_token_only_this_host_may_scrape(db: TestDb) {
    let app = TestApp::spawn_with(db, |h| h.trust_proxy = true).await;
    // The test client is on this host.
    app.api()
        .get(app.url("/metrics"))
        .reply()
        .await
        .assert_status(200);
    // Through the proxy, from elsewhere.
    app.api()
        .get(app.url("/metrics"))
        .header("x-forwarded-for", "203.0.113.9")
        .reply()
        .await
        .assert_problem(403);
}
