//! Browser tests: the real binary serves demo data; Debian's Chromium, driven by playwright-core from
//! `tests/browser`, signs in and saves screenshots under `test-output/browser/`.

use credinet_store::testing::{Backend, TestDb};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const DEMO_PASSWORD: &str = "demo-navegador-2026";

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `credinet serve --demo` on a fresh SQLite file and a free port; returns the child and its base URL.
pub fn serve_demo(db_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args([
            "--database-url",
            db_url,
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
        ])
        .env("CREDINET_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("CREDINET_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start credinet serve");
    let stdout = child.stdout.take().unwrap();
    let mut base = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("Credinet listening on ") {
            base = rest.split_whitespace().next().map(str::to_string);
            break;
        }
    }
    (
        child,
        base.expect("the server prints the URL it listens on"),
    )
}

pub fn run_script(script: &str, args: &[&str]) {
    let dir = repo_root().join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").exists(),
        "playwright-core is not installed: run `npm ci --prefix tests/browser` (the CI script does)"
    );
    let status = Command::new("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .status()
        .expect("run node");
    assert!(
        status.success(),
        "browser script {script} failed (see its output above)"
    );
}

#[tokio::test]
async fn the_demo_admin_signs_in_and_sees_the_dashboard() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser");
    let result = std::panic::catch_unwind(|| {
        run_script(
            "dashboard.mjs",
            &[&base, DEMO_PASSWORD, out.to_str().unwrap()],
        )
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();
    let shot = out.join("dashboard.png");
    assert!(
        std::fs::metadata(&shot)
            .map(|m| m.len() > 10_000)
            .unwrap_or(false),
        "{} was saved",
        shot.display()
    );
}

#[tokio::test]
async fn a_loan_goes_from_application_to_payments_and_a_reversal_in_the_browser() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser/prestamo");
    let result = std::panic::catch_unwind(|| {
        run_script(
            "loan_flow.mjs",
            &[&base, DEMO_PASSWORD, out.to_str().unwrap()],
        )
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();
    for shot in ["01-cliente.png", "03-dispersado.png", "05-reversa.png"] {
        assert!(out.join(shot).exists(), "{shot} was saved");
    }
}
