//! The `credinet` binary as an operator uses it: one-line errors and exit codes, idempotent migrations,
//! `audit verify` finding a tampered row and an entry written around the log.

use credinet_store::sea_orm::ConnectionTrait;
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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn assert_one_line_error(o: &Output, expect: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "no panic: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(expect),
        "'{expect}' in: {err}"
    );
}

#[test]
fn an_unreachable_database_gives_a_one_line_error_naming_it_without_the_password() {
    let out = credinet(
        "postgres://credinet:s3cret@127.0.0.1:1/credinet",
        &["migrate"],
    );
    assert_one_line_error(
        &out,
        "cannot connect to the database postgres://credinet:***@127.0.0.1:1/credinet",
    );
    assert!(!stderr(&out).contains("s3cret"));
}

#[test]
fn an_unknown_time_zone_in_the_configuration_is_refused_before_anything_runs() {
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["migrate"])
        .env("CREDINET_DEFAULT_TIME_ZONE", "America/Mexico_Cty")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert_one_line_error(&out, "unknown time zone 'America/Mexico_Cty'");
}

#[test]
fn an_unknown_setting_and_a_malformed_url_are_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["migrate"])
        .env("CREDINET_BINDD", "127.0.0.1:1")
        .output()
        .unwrap();
    assert_one_line_error(&out, "bindd");
    let out = credinet("redis://127.0.0.1/0", &["migrate"]);
    assert_one_line_error(&out, "unsupported database URL");
}

#[tokio::test]
async fn migrate_twice_applies_once_and_a_tenant_with_a_bad_zone_is_refused() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let first = credinet(&db.url, &["migrate"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("applied 0001 foundation"));
    let second = credinet(&db.url, &["migrate"]);
    assert!(
        stdout(&second).contains("already applied"),
        "{}",
        stdout(&second)
    );

    let bad = credinet(
        &db.url,
        &[
            "tenant",
            "add",
            "--slug",
            "caja",
            "--name",
            "Caja",
            "--time-zone",
            "Mexico/Ciudad",
        ],
    );
    assert_one_line_error(&bad, "unknown time zone 'Mexico/Ciudad'");
    let good = credinet(
        &db.url,
        &[
            "tenant",
            "add",
            "--slug",
            "caja",
            "--name",
            "Caja Popular",
            "--time-zone",
            "America/Tijuana",
        ],
    );
    assert!(good.status.success(), "{}", stderr(&good));
    let listed = stdout(&credinet(&db.url, &["tenant", "list"]));
    assert!(
        listed.contains("caja") && listed.contains("America/Tijuana"),
        "{listed}"
    );
}

#[tokio::test]
async fn audit_verify_finds_the_first_tampered_row_and_exits_non_zero() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    assert!(
        credinet(
            &db.url,
            &["tenant", "add", "--slug", "caja", "--name", "Caja"]
        )
        .status
        .success()
    );
    for (email, role) in [
        ("ana@caja.mx", "admin"),
        ("beto@caja.mx", "cashier"),
        ("ceci@caja.mx", "viewer"),
    ] {
        let out = credinet(
            &db.url,
            &[
                "user", "add", "--tenant", "caja", "--email", email, "--name", "X", "--role", role,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stdout(&out).contains("password: "),
            "a generated password is printed once"
        );
    }
    let key = credinet(
        &db.url,
        &[
            "apikey", "create", "--tenant", "caja", "--name", "erp", "--role", "viewer",
        ],
    );
    assert!(
        stdout(&key).lines().any(|l| l.starts_with("cn_")),
        "{}",
        stdout(&key)
    );

    let ok = credinet(&db.url, &["audit", "verify"]);
    assert!(ok.status.success(), "{}{}", stdout(&ok), stderr(&ok));
    assert!(
        stdout(&ok).contains("caja: OK, 5 entries chained"),
        "{}",
        stdout(&ok)
    );

    // An entry written straight into the table is in the log but will never be chained.
    let store = credinet_store::Store::connect(&db.url).await.unwrap();
    store
        .db()
        .execute_unprepared(
            "INSERT INTO audit_entry (tenant_id, at, actor_kind, actor_label, action, entity) \
             SELECT id, created_at, 'user', 'someone', 'payment_reversed', 'payment' FROM tenant",
        )
        .await
        .unwrap();
    let around = credinet(&db.url, &["audit", "verify"]);
    assert_eq!(around.status.code(), Some(2));
    assert!(
        stdout(&around).contains("caja: BROKEN: entries neither chained nor waiting to be: 1"),
        "{}",
        stdout(&around)
    );

    store
        .db()
        .execute_unprepared(
            "UPDATE audit_entry SET actor_label = 'someone-else' \
             WHERE id = (SELECT entry_id FROM audit_seal WHERE seq = 3)",
        )
        .await
        .unwrap();
    let broken = credinet(&db.url, &["audit", "verify", "--tenant", "caja"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stdout(&broken).contains("BROKEN at position 3"),
        "{}",
        stdout(&broken)
    );
}

/// What an operator's log file or cron mail gets on PostgreSQL: no notices from the driver
/// (`relation … already exists, skipping`) and no colour codes when stderr is not a terminal.
#[tokio::test]
async fn commands_on_postgres_log_no_driver_notices_and_no_colour_codes() {
    let Some(db) = TestDb::create(Backend::Postgres).await else {
        return;
    };
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
            .args(["--database-url", &db.url, "migrate"])
            .env_remove("DATABASE_URL")
            .env_remove("CREDINET_LOG")
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(!err.contains("already exists"), "driver notice in: {err}");
        assert!(!err.contains('\u{1b}'), "colour codes in: {err:?}");
    }
}

/// `user add --help` offers CREDINET_NEW_PASSWORD so a password stays out of `ps` and the shell history;
/// the settings loader must not refuse it as an unknown key.
#[tokio::test]
async fn a_new_users_password_can_come_from_the_environment() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let tenant = credinet(
        &db.url,
        &["tenant", "add", "--slug", "caja", "--name", "Caja"],
    );
    assert!(tenant.status.success(), "{}", stderr(&tenant));
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", &db.url])
        .args(["user", "add", "--tenant", "caja", "--email", "ana@caja.mx"])
        .args(["--name", "Ana", "--role", "admin"])
        .env_remove("DATABASE_URL")
        .env("CREDINET_NEW_PASSWORD", "una-contraseña-larga")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !stdout(&out).contains("una-contraseña-larga") && !stdout(&out).contains("password: "),
        "a given password is not printed: {}",
        stdout(&out)
    );
}

/// A server stopped by SIGTERM closes its store, which empties SQLite's write-ahead log into the
/// database file: a log left behind (915 MB once, issue 16) is read again by the next start.
#[tokio::test]
async fn serve_stopped_by_sigterm_leaves_no_sqlite_log_behind() {
    use std::io::BufRead;
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", &db.url, "serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start credinet serve");
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines.next().expect("a first line").unwrap();
    assert!(listening.starts_with("Credinet listening"), "{listening}");
    let wal = format!("{}-wal", db.url.trim_start_matches("sqlite://"));
    let wal_bytes = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(
        wal_bytes() > 0,
        "migrations were written to the log while serving"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "serve exits cleanly: {status}, {rest:?}");
    assert_eq!(rest, ["Credinet stopped."]);
    assert_eq!(wal_bytes(), 0, "the log was left behind");
}

#[tokio::test]
async fn jobs_list_shows_local_time_with_its_offset_and_bad_runs_write_nothing() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let at_cut = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_credinet"))
            .args(["--database-url", &db.url])
            .args(args)
            .env_remove("DATABASE_URL")
            .env("CREDINET_LOG", "warn")
            .env("CREDINET_CLOCK_START", "2026-12-08T06:04:00Z")
            .output()
            .expect("run credinet")
    };
    let added = credinet(
        &db.url,
        &["tenant", "add", "--slug", "caja", "--name", "Caja"],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let listed = at_cut(&["jobs", "list"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let listed = stdout(&listed);
    assert!(
        listed.contains(
            "session_expiry  (system)  2026-12-08 06:15 (UTC+00:00)  2026-12-08 06:15 UTC  never"
        ),
        "{listed}"
    );
    // The tenant's period cut: 00:05 on its next cut day in Mexico City, 06:05 UTC.
    assert!(
        listed.contains(
            "period_cut      caja      2026-12-08 00:05 (UTC\u{2212}06:00)  2026-12-08 06:05 UTC  never"
        ),
        "{listed}"
    );

    for (args, expect) in [
        (
            vec!["jobs", "run", "backup_nightly"],
            "no job 'backup_nightly'",
        ),
        (
            vec!["jobs", "run", "session_expiry", "--tenant", "caja"],
            "not for a tenant",
        ),
    ] {
        assert_one_line_error(&credinet(&db.url, &args), expect);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", &db.url, "jobs", "list"])
        .env("CREDINET_SESSION_EXPIRY_SCHEDULE", "*/15 * * * *")
        .output()
        .unwrap();
    assert_one_line_error(&out, "names no time zone");
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", &db.url, "jobs", "list"])
        .env(
            "CREDINET_SESSION_EXPIRY_SCHEDULE",
            "CRON_TZ=America/Mexico_Cty */15 * * * *",
        )
        .output()
        .unwrap();
    assert_one_line_error(&out, "unknown time zone 'America/Mexico_Cty'");
    assert!(
        stdout(&credinet(&db.url, &["jobs", "list"])).contains("never"),
        "the refused runs recorded nothing"
    );

    let ran = at_cut(&["jobs", "run", "session_expiry"]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    assert!(stdout(&ran).contains("succeeded"), "{}", stdout(&ran));
    let listed = stdout(&at_cut(&["jobs", "list"]));
    assert!(
        listed.contains("succeeded 2026-12-08 06:04 UTC (due 2026-12-08 06:00 UTC)"),
        "{listed}"
    );
}
