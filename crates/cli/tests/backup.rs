//! `credinet backup …` as an operator runs it, and the production guard on every destructive command:
//! refused without `--confirm <database name>`, done with it.

use credinet_store::testing::{Backend, TestDb};
use std::path::Path;
use std::process::{Command, Output};

fn credinet(db_url: &str, backups: &Path, production: bool, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_credinet"));
    command
        .args(["--database-url", db_url])
        .args(args)
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .env("CREDINET_BACKUP_DIR", backups);
    if production {
        command.env("CREDINET_ENV", "production");
    } else {
        command.env_remove("CREDINET_ENV");
    }
    command.output().expect("run credinet")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_refused(o: &Output, database: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{}", text(o));
    assert!(
        err.contains("CREDINET_ENV=production") && err.contains(&format!("--confirm {database}")),
        "the refusal names the database to confirm: {err}"
    );
}

fn database_file_name(url: &str) -> String {
    Path::new(url.trim_start_matches("sqlite://"))
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[tokio::test]
async fn run_list_verify_prune_and_a_restore_guarded_in_production() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let backups = tempfile::tempdir().unwrap();
    let dir = backups.path();
    let migrate = credinet(&db.url, dir, false, &["migrate"]);
    assert!(migrate.status.success(), "{}", text(&migrate));

    let run = credinet(&db.url, dir, false, &["backup", "run"]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(text(&run).contains("backup credinet-"), "{}", text(&run));

    let list = credinet(&db.url, dir, false, &["backup", "list"]);
    assert!(list.status.success(), "{}", text(&list));
    assert_eq!(
        String::from_utf8_lossy(&list.stdout).lines().count(),
        1,
        "{}",
        text(&list)
    );

    let verify = credinet(&db.url, dir, false, &["backup", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(text(&verify).contains(": OK"), "{}", text(&verify));

    let dry = credinet(&db.url, dir, false, &["backup", "prune", "--dry-run"]);
    assert!(
        text(&dry).contains("1 kept, 0 would delete"),
        "{}",
        text(&dry)
    );

    let name = database_file_name(&db.url);
    let refused = credinet(&db.url, dir, true, &["backup", "restore", "latest"]);
    assert_refused(&refused, &name);
    let wrong = credinet(
        &db.url,
        dir,
        true,
        &["backup", "restore", "latest", "--confirm", "other.db"],
    );
    assert_refused(&wrong, &name);
    assert_eq!(
        credinet(&db.url, dir, false, &["backup", "list"])
            .stdout
            .len(),
        list.stdout.len(),
        "a refused restore takes no safety backup"
    );

    let restored = credinet(
        &db.url,
        dir,
        true,
        &["backup", "restore", "latest", "--confirm", &name],
    );
    assert!(restored.status.success(), "{}", text(&restored));
    assert!(
        text(&restored).contains("the database as it was is in"),
        "{}",
        text(&restored)
    );
    let after = credinet(&db.url, dir, false, &["backup", "list"]);
    assert_eq!(
        String::from_utf8_lossy(&after.stdout).lines().count(),
        2,
        "the safety backup is listed"
    );
}

#[tokio::test]
async fn demo_data_is_refused_in_production_without_the_database_name() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let backups = tempfile::tempdir().unwrap();
    let name = database_file_name(&db.url);
    let refused = credinet(&db.url, backups.path(), true, &["demo"]);
    assert_refused(&refused, &name);
    let done = credinet(&db.url, backups.path(), true, &["demo", "--confirm", &name]);
    assert!(done.status.success(), "{}", text(&done));
}

#[tokio::test]
async fn serve_with_demo_data_is_refused_in_production_without_the_database_name() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let name = database_file_name(&db.url);
    let mut child = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--demo",
            "--bind",
            "127.0.0.1:0",
        ])
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .env("CREDINET_ENV", "production")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run credinet serve");
    // It must stop by itself; a server that started would run until killed.
    let mut waited = 0;
    while child.try_wait().unwrap().is_none() && waited < 1200 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    if child.try_wait().unwrap().is_none() {
        child.kill().ok();
        panic!("serve --demo started in production without --confirm");
    }
    let out = child.wait_with_output().unwrap();
    assert_refused(&out, &name);
}
