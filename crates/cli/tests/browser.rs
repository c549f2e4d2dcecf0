//! Browser tests: the real binary serves demo data; Debian's Chromium, driven by playwright-core from
//! `tests/browser`, signs in and saves screenshots under `test-output/browser/`. The cut walk also keeps
//! the first page of a statement PDF as a PNG (pdftoppm) beside its screenshots.

use credinet_core::lending::terms::CutDays;
use credinet_core::zone::Zone;
use credinet_lending::reports::CutPeriod;
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Clock, SystemClock};
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
    // The panel, and the lists its cards open (ADR 35).
    for name in [
        "dashboard.png",
        "panel-prestamos-activos.png",
        "panel-cobrado-hoy.png",
        "panel-cajero-mis-cobros.png",
    ] {
        let shot = out.join(name);
        assert!(
            std::fs::metadata(&shot)
                .map(|m| m.len() > 10_000)
                .unwrap_or(false),
            "{} was saved",
            shot.display()
        );
    }
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

/// Issue 22, defect 9: every page the demo admin reaches, at 1366×768 and at 390×844, is no wider than
/// the viewport, has one h1, labels every input and shows its badges at AA contrast (layout.mjs); a
/// screenshot of each is kept. Cuts are run first so that the cut pages have rows.
#[tokio::test]
async fn every_page_fits_a_phone_and_a_desktop_with_one_h1_and_labelled_inputs() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    credinet(&db.url, &["demo"]);
    for date in recent_cut_dates(2) {
        credinet(
            &db.url,
            &["cut", "run", "--tenant", "demo", "--date", &date],
        );
    }
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser/diseno");
    let result = std::panic::catch_unwind(|| {
        run_script("layout.mjs", &[&base, DEMO_PASSWORD, out.to_str().unwrap()])
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();
    for shot in [
        "escritorio-panel.png",
        "telefono-panel.png",
        "telefono-clientes.png",
        "telefono-pagos.png",
    ] {
        let size = std::fs::metadata(out.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 5_000, "{shot} was saved ({size} bytes)");
    }
}

/// The demo tenant's last `n` cut dates up to today in its zone, oldest first. The demo portfolio is
/// laid out back from today and the binary reads the wall clock, so the test asks the same clock (the
/// store's `SystemClock`, the one place that reads it).
fn recent_cut_dates(n: usize) -> Vec<String> {
    let today = Zone::mexico_city().local_date(SystemClock.now());
    let days = CutDays::default();
    let mut cut = CutPeriod::of(&days, today).from;
    let mut dates = vec![cut];
    while dates.len() < n {
        cut = CutPeriod::of(&days, cut - chrono::Duration::days(1)).from;
        dates.push(cut);
    }
    dates.reverse();
    dates.iter().map(|d| d.to_string()).collect()
}

fn credinet(db_url: &str, args: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", db_url])
        .args(args)
        .env("CREDINET_DEMO_PASSWORD", DEMO_PASSWORD)
        .env("CREDINET_LOG", "warn")
        .output()
        .expect("run credinet");
    assert!(
        output.status.success(),
        "credinet {args:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn the_cuts_a_statement_pdf_and_the_par_chart_show_in_the_browser() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    credinet(&db.url, &["demo"]);
    for date in recent_cut_dates(4) {
        credinet(
            &db.url,
            &["cut", "run", "--tenant", "demo", "--date", &date],
        );
    }
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser/cortes");
    let result = std::panic::catch_unwind(|| {
        run_script("cuts.mjs", &[&base, DEMO_PASSWORD, out.to_str().unwrap()])
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();

    // The statement's first page as a picture, kept with the screenshots.
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(out.join("estado-de-cuenta.pdf"))
        .arg(out.join("06-estado-de-cuenta-pdf"))
        .status()
        .expect("pdftoppm (poppler-utils; .ci/run installs it)");
    assert!(status.success(), "pdftoppm read the statement PDF");
    for shot in [
        "02-cortes.png",
        "03-corte.png",
        "04-estado.png",
        "05-cartera.png",
        "06-estado-de-cuenta-pdf.png",
        "07-tareas.png",
    ] {
        let size = std::fs::metadata(out.join(shot))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 10_000, "{shot} was saved ({size} bytes)");
    }
}

/// Issue 22: a cashier's day (search, preview, application; a manager's approval with the preview and
/// the disbursement with the net amount; a payment with its printed receipt; her count of the day), at
/// a desktop and a phone, no page wider than the viewport (cashier_day.mjs). The receipts' PDFs are kept
/// with the screenshots.
#[tokio::test]
async fn a_cashiers_day_from_search_to_printed_receipt_and_cash_count() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser/caja");
    let result = std::panic::catch_unwind(|| {
        run_script(
            "cashier_day.mjs",
            &[&base, DEMO_PASSWORD, out.to_str().unwrap()],
        )
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();
    for viewport in ["escritorio", "telefono"] {
        for shot in [
            "02-vista-previa",
            "04-aprobacion",
            "06-recibo",
            "07-corte-de-caja",
        ] {
            let path = out.join(format!("{viewport}-{shot}.png"));
            assert!(path.exists(), "{} was saved", path.display());
        }
    }
    let receipts = std::fs::read_dir(&out)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().ends_with(".pdf"))
                .filter(|e| e.metadata().map(|m| m.len() > 1_000).unwrap_or(false))
                .count()
        })
        .unwrap_or(0);
    assert!(receipts >= 2, "a printed receipt per viewport ({receipts})");
}

/// Issue 22: a manager through the arrears — the loans list by bucket and by days late, the dashboard's
/// PAR and buckets — at a desktop and a phone (manager_arrears.mjs).
#[tokio::test]
async fn a_manager_walks_the_arrears_by_bucket_and_par() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let (mut server, base) = serve_demo(&db.url);
    let out = repo_root().join("test-output/browser/atraso");
    let result = std::panic::catch_unwind(|| {
        run_script(
            "manager_arrears.mjs",
            &[&base, DEMO_PASSWORD, out.to_str().unwrap()],
        )
    });
    server.kill().ok();
    server.wait().ok();
    result.unwrap();
    for shot in ["escritorio-01-prestamos-mas-de-90", "telefono-03-panel-par"] {
        assert!(out.join(format!("{shot}.png")).exists(), "{shot} was saved");
    }
}
