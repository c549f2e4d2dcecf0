//! Two `credinet serve` processes on one PostgreSQL database with their clocks just before a cut time
//! (`CREDINET_CLOCK_START`, scheduler on, ticking every second): the period cut runs once — one
//! succeeded `job_run` for (period_cut, tenant, due), one cut row, one statement per loan — and both
//! servers stay ready and stop cleanly.

#[path = "support/serving.rs"]
mod serving;
use chrono::{DateTime, TimeZone, Utc};
use credinet_portfolio_gen::{Book, Spec, TENANT_SLUG, generate};
use credinet_store::repo::job_runs::{self, RunStatus, RunTrigger};
use credinet_store::repo::tenants;
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{ManualClock, Store, migrations};
use std::io::{Read, Write};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

const LOANS: usize = 120;

/// A server whose clock starts at `clock_start`, on its own port; returns it with its base URL.
fn serve(db_url: &str, clock_start: &str) -> (Child, String) {
    let mut command = serving::serve_command(db_url);
    command
        .env("CREDINET_CLOCK_START", clock_start)
        .env("CREDINET_SCHEDULER_ENABLED", "true")
        .env("CREDINET_SCHEDULER_TICK_SECONDS", "1");
    serving::start(command)
}

/// The status code of `GET {url}{path}`, over a plain socket (HTTP/1.0, connection closed after).
fn status_of(url: &str, path: &str) -> u16 {
    let addr = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the server");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer}"))
}

async fn count(store: &Store, sql: &str) -> i64 {
    let row = store
        .db()
        .query_one_raw(Statement::from_string(store.backend(), sql.to_string()))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

fn stop(mut server: Child) {
    let sent = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = server.wait().unwrap();
    assert!(status.success(), "serve exits cleanly: {status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_servers_on_one_postgres_run_the_cut_once() {
    let db = TestDb::create(Backend::Postgres).await.unwrap();
    // The book as it stands at 06:00 UTC on Dec 8th, 2026: five minutes before the cut of the 8th in
    // Mexico City (00:05 local).
    let before: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 12, 8, 6, 0, 0).unwrap();
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run(&store).await.unwrap();
    let store = store.with_clock(ManualClock::starting_at(before));
    let spec = Spec {
        loans: LOANS,
        book: Book::Fresh,
        seed: 17,
        now: before,
    };
    generate(&store, spec, |_| {}).await.unwrap();
    let tenant = tenants::by_slug(store.db(), TENANT_SLUG)
        .await
        .unwrap()
        .unwrap();

    // Both start two seconds before the cut and tick every second.
    let (first, first_url) = serve(&db.url, "2026-12-08T06:04:58Z");
    let (second, second_url) = serve(&db.url, "2026-12-08T06:04:58Z");
    let due = Utc.with_ymd_and_hms(2026, 12, 8, 6, 5, 0).unwrap();
    // A failsafe only: the cut of 120 loans takes well under a second.
    let deadline = Instant::now() + Duration::from_secs(120);
    let finished = loop {
        let runs = job_runs::recent(store.db(), "period_cut", Some(tenant.id), 10)
            .await
            .unwrap();
        if runs.iter().any(|r| r.status != RunStatus::Running) {
            break runs;
        }
        assert!(
            Instant::now() < deadline,
            "no period cut ended within two minutes: {runs:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Let both servers tick a few more times past the cut: neither may run it again.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let runs = job_runs::recent(store.db(), "period_cut", Some(tenant.id), 10)
        .await
        .unwrap();
    assert_eq!(
        runs.len(),
        1,
        "one run recorded: {finished:?} then {runs:?}"
    );
    let run = &runs[0];
    assert_eq!(run.status, RunStatus::Succeeded, "{run:?}");
    assert_eq!(run.trigger, RunTrigger::Schedule);
    assert_eq!(run.scheduled_for, due);
    assert_eq!(run.attempts, 1);
    assert_eq!(run.summary.as_ref().unwrap()["cut_date"], "2026-12-08");
    assert_eq!(run.summary.as_ref().unwrap()["loans"], LOANS);

    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM period_cut").await,
        1
    );
    assert_eq!(
        count(&store, "SELECT COUNT(*) AS n FROM loan_statement").await,
        LOANS as i64,
        "one statement per loan"
    );
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) AS n FROM domain_event WHERE kind = 'scheduler_executed'"
        )
        .await,
        1,
        "announced once"
    );

    for url in [&first_url, &second_url] {
        assert_eq!(status_of(url, "/readyz"), 200, "{url} is ready");
    }
    stop(first);
    stop(second);
}
