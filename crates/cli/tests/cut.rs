//! `credinet cut run|show` as an operator uses them: a cut of a past cut day runs once and shows its
//! summary; a bad date, a date that is not a cut day or is in the future, and an unknown tenant are
//! one-line errors with a non-zero exit that write nothing.

use credinet_store::testing::{Backend, TestDb};
use std::process::{Command, Output};

fn credinet(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", db_url])
        .args(args)
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .output()
        .expect("run credinet")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

fn assert_one_line_error(o: &Output, expect: &str) {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "exit code; stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(expect),
        "'{expect}' in: {err}"
    );
}

#[tokio::test]
async fn a_cut_runs_once_and_bad_input_is_a_one_line_error_that_writes_nothing() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let added = credinet(
        &db.url,
        &["tenant", "add", "--slug", "caja", "--name", "Caja Popular"],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));

    for (date, expect) in [
        (
            "2026-11-24",
            "2026-11-24 is not a cut day: this tenant cuts on days 8,23",
        ),
        ("2099-01-08", "2099-01-08 is in the future"),
        (
            "23/11/2026",
            "'23/11/2026' is not a date; write it as YYYY-MM-DD",
        ),
    ] {
        let out = credinet(&db.url, &["cut", "run", "--tenant", "caja", "--date", date]);
        assert_one_line_error(&out, expect);
    }
    let out = credinet(
        &db.url,
        &["cut", "run", "--tenant", "nadie", "--date", "2026-11-23"],
    );
    assert_one_line_error(&out, "no tenant 'nadie'");
    let none = credinet(&db.url, &["cut", "show", "--tenant", "caja"]);
    assert!(
        text(&none.stdout).contains("caja has no cuts yet"),
        "{}",
        text(&none.stdout)
    );

    let first = credinet(
        &db.url,
        &["cut", "run", "--tenant", "caja", "--date", "2026-11-23"],
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    let shown = text(&first.stdout);
    assert!(
        shown.contains("cut 2026-11-23 (period from 2026-11-08): done"),
        "{shown}"
    );
    assert!(shown.contains("PAR15"), "{shown}");
    let again = credinet(
        &db.url,
        &["cut", "run", "--tenant", "caja", "--date", "2026-11-23"],
    );
    assert_eq!(
        text(&again.stdout),
        shown,
        "a second run shows the same cut"
    );
    let listed = text(&credinet(&db.url, &["cut", "show", "--tenant", "caja"]).stdout);
    assert_eq!(listed.lines().count(), 2, "a header and one cut: {listed}");
    assert!(listed.contains("2026-11-23   done"), "{listed}");
    let older = credinet(
        &db.url,
        &["cut", "run", "--tenant", "caja", "--date", "2026-11-08"],
    );
    assert_one_line_error(&older, "comes before the latest cut, of 2026-11-23");
}
