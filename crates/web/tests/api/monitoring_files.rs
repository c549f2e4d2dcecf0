//! `deploy/monitoring/`: the alert rules and the scrape config pass promtool, and every query of the
//! Grafana dashboard names only metrics that a live scrape of the service exports.

use crate::helpers::TestApp;
use crate::metrics::promtool_check_metrics;
use chrono::{Duration, NaiveDate, Utc};
use credinet_lending::cuts::{self, CutOptions};
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::job_runs::{self, Ending};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend};
use credinet_web::settings::SecretKey;
use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::Command;

const DIR: &str = "../../deploy/monitoring";
const TOKEN: &str = "token-de-prometheus-para-el-tablero-0123456789";

fn promtool(args: &[&str]) -> (bool, String) {
    let out = Command::new("promtool")
        .args(args)
        .output()
        .expect("promtool runs (Debian package prometheus)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}

#[test]
fn the_alert_rules_pass_promtool() {
    let (passed, said) = promtool(&["check", "rules", &format!("{DIR}/alerts.yml")]);
    assert!(passed, "{said}");
    assert!(said.contains("SUCCESS: 7 rules found"), "{said}");
}

#[test]
fn the_scrape_config_passes_promtool() {
    // The config names the token file inside the container: a copy points at a real one here.
    let scratch = std::env::temp_dir().join(format!("credinet-prometheus-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let token = scratch.join("metrics_token");
    std::fs::write(&token, TOKEN).unwrap();
    let config = std::fs::read_to_string(format!("{DIR}/prometheus.yml"))
        .unwrap()
        .replace("/etc/prometheus/metrics_token", token.to_str().unwrap());
    std::fs::write(scratch.join("prometheus.yml"), config).unwrap();
    std::fs::copy(format!("{DIR}/alerts.yml"), scratch.join("alerts.yml")).unwrap();
    let (passed, said) = promtool(&[
        "check",
        "config",
        scratch.join("prometheus.yml").to_str().unwrap(),
    ]);
    std::fs::remove_dir_all(&scratch).ok();
    assert!(passed, "{said}");
}

/// The metric names a query mentions (`credinet_…`; Prometheus's own, like `up`, are not ours).
fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = expr;
    while let Some(at) = rest.find("credinet_") {
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        names.insert(tail[..end].to_string());
        rest = &tail[end..];
    }
    names
}

/// The series names a scrape exports: each family, and a histogram's `_bucket`, `_sum` and `_count`.
fn exported(scrape: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in scrape.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let mut parts = rest.split(' ');
        let (name, kind) = (parts.next().unwrap(), parts.next().unwrap());
        names.insert(name.to_string());
        if kind == "histogram" {
            for suffix in ["_bucket", "_sum", "_count"] {
                names.insert(format!("{name}{suffix}"));
            }
        }
    }
    names
}

each_backend!(every_dashboard_query_names_a_metric_the_service_exports);

async fn every_dashboard_query_names_a_metric_the_service_exports(db: TestDb) {
    let app = TestApp::spawn_with(db, |h| h.metrics_token = Some(SecretKey::new(TOKEN))).await;
    // Traffic of every kind the dashboard charts: requests, payments, events, a cut, a job run and a
    // notification in the outbox.
    let l = app.lender("caja-sur").await;
    let loan = app.disbursed_loan(&l, l.flat, "8000.00").await;
    app.pay(loan.id, "400.00", &l.cashier).await;
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
    let store = &app.app_store;
    let tx = store.write().await.unwrap();
    let run = job_runs::start_manual(
        &tx,
        "period_cut",
        Some(l.tenant.id),
        store.now(),
        store.now(),
    )
    .await
    .unwrap();
    job_runs::finish(
        &tx,
        run,
        Ending::Succeeded {
            summary: serde_json::json!({"loans": 1}),
        },
        store.now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let clock = ManualClock::starting_at(Utc::now());
    let notifier_store = Store::connect(&app.database_url)
        .await
        .unwrap()
        .with_clock(clock.clone());
    let channel = admin::add_channel(
        &notifier_store,
        Owner::Tenant(l.tenant.id),
        "caja",
        &ChannelConfig::Webhook {
            url: "http://127.0.0.1:9/credinet".into(),
            secret: "s3creto-de-prueba".into(),
        },
    )
    .await
    .unwrap();
    admin::add_rule(&notifier_store, Owner::Tenant(l.tenant.id), "*", channel.id)
        .await
        .unwrap();
    let notifier = Notifier::new(notifier_store, NotifySettings::default()).unwrap();
    clock.advance(Duration::minutes(1));
    notifier.run_once().await.unwrap();
    clock.advance(Duration::minutes(1));
    notifier.run_once().await.unwrap();

    // And a real backup: the backup alert reads its figures.
    let backups = std::env::temp_dir().join(format!(
        "credinet-tests/dashboard-backups-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let _ = std::fs::remove_dir_all(&backups);
    credinet_ops::backup::run(
        store,
        &credinet_ops::backup::DatabaseTarget::parse(&app.database_url).unwrap(),
        &credinet_ops::backup::BackupSettings {
            dir: backups.clone(),
            ..Default::default()
        },
        std::sync::Arc::new(credinet_ops::backup::NoProgress),
    )
    .await
    .expect("the backup runs");
    std::fs::remove_dir_all(&backups).ok();

    let scrape = app.get("/metrics", TOKEN).await.assert_status(200).body;
    let (passed, said) = promtool_check_metrics(&scrape);
    assert!(passed, "{said}");
    let exported = exported(&scrape);

    // Every metric of ours an alert rule reads is exported, so no rule silently has no series.
    let rules = std::fs::read_to_string(Path::new(DIR).join("alerts.yml")).unwrap();
    let read_by_rules = metric_names(&rules);
    assert!(read_by_rules.contains("credinet_backup_last_success_timestamp_seconds"));
    let missing: Vec<_> = read_by_rules.difference(&exported).collect();
    assert!(
        missing.is_empty(),
        "alerts.yml reads {missing:?}, which the scrape does not export:\n{scrape}"
    );

    let path = Path::new(DIR).join("grafana/dashboards/credinet.json");
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let panels = dashboard["panels"].as_array().expect("panels");
    assert!(panels.len() >= 10, "{} panels", panels.len());
    for panel in panels {
        let title = panel["title"].as_str().unwrap();
        let names: BTreeSet<String> = panel["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .flat_map(|t| metric_names(t["expr"].as_str().expect("expr")))
            .collect();
        assert!(
            !names.is_empty(),
            "panel {title:?} charts no metric of ours"
        );
        let missing: Vec<_> = names.difference(&exported).collect();
        assert!(
            missing.is_empty(),
            "panel {title:?} asks for {missing:?}, which the scrape does not export:\n{scrape}"
        );
    }
}
