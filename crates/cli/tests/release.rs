//! `credinet release` end to end, on each backend, in a temporary release root with two builds of the
//! binary: `credinet` itself, and the release drill (`examples/release_drill.rs`, built here with
//! `cargo build --example release_drill`: one more compile of this crate's code and a link, 19 s on
//! the 2-core build machine, no dependency rebuilt), whose `migrate` renames a table `serve` needs at start.
//!
//! The service is real: a small init script (stop/start, a pid file) runs `current/credinet serve`,
//! and the release command stops and starts it through that script as it would through systemctl.
//!
//! A good release switches `current` and the new binary serves; the drill migrates, cannot start,
//! `/readyz` never answers, and the release rolls back: the previous binary serves again, on the
//! database restored from the pre-release backup (the renamed table is back with its row), and the
//! failed build is gone. A third release keeps the two newest releases only.

use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::TestDb;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const SERVICE_SCRIPT: &str = r#"#!/bin/sh
# Starts and stops `current/credinet serve` the way an init script does: a pid file, SIGTERM, and
# waiting until the process is gone (a zombie counts as gone: nothing here reaps it).
dir=$(dirname "$0")
pidfile="$dir/service.pid"
case "$1" in
start)
    "$dir/current/credinet" serve >>"$dir/service.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    ;;
stop)
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
            sleep 0.1
        done
        rm -f "$pidfile"
    fi
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
"#;

/// The drill build, made once per test process (cargo's lock serialises the three backends' builds;
/// after the first, the others find it fresh).
fn drill_binary() -> &'static Path {
    static DRILL: OnceLock<PathBuf> = OnceLock::new();
    DRILL.get_or_init(|| {
        let credinet = PathBuf::from(env!("CARGO_BIN_EXE_credinet"));
        let profile_dir = credinet.parent().expect("target/<profile>");
        let target_dir = profile_dir.parent().expect("target");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut build = Command::new(cargo);
        build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "-p",
                "credinet-cli",
                "--example",
                "release_drill",
            ])
            .arg("--target-dir")
            .arg(target_dir);
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let out = build
            .output()
            .expect("run cargo build --example release_drill");
        assert!(
            out.status.success(),
            "building the release drill failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let drill = profile_dir.join("examples/release_drill");
        assert!(drill.is_file(), "{} was not built", drill.display());
        drill
    })
}

/// A release root with its service; the service is stopped when the test ends, passing or not.
struct Installation {
    root: PathBuf,
    db_url: String,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Installation {
    fn new(db: &TestDb) -> Installation {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let script = root.join("service.sh");
        std::fs::write(&script, SERVICE_SCRIPT).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Installation {
            root,
            db_url: db.url.clone(),
            port,
            _dir: dir,
        }
    }

    /// A credinet command with the installation's settings in its environment, as systemd's
    /// EnvironmentFile would give them (inherited by the script and the server it starts).
    fn credinet(&self, binary: &Path) -> Command {
        let mut command = Command::new(binary);
        command
            .env_remove("CREDINET_ENV")
            .env_remove("CREDINET_SECRET_KEY")
            .env("DATABASE_URL", &self.db_url)
            .env("CREDINET_BIND", format!("127.0.0.1:{}", self.port))
            .env("CREDINET_BACKUP_DIR", self.root.join("backups"))
            .env("CREDINET_SCHEDULER_ENABLED", "false")
            .env("CREDINET_LOG", "warn");
        command
    }

    fn current_binary(&self) -> PathBuf {
        self.root.join("current/credinet")
    }

    fn service(&self, verb: &str) {
        let out = self
            .credinet(Path::new("sh"))
            .arg(self.root.join("service.sh"))
            .arg(verb)
            .output()
            .unwrap();
        assert!(out.status.success(), "service {verb}: {}", text(&out));
    }

    /// `current/credinet release BINARY --name NAME …`, stopping and starting through the script.
    fn release(&self, binary: &Path, name: &str, ready_timeout_seconds: u64) -> Output {
        let script = self.root.join("service.sh");
        self.credinet(&self.current_binary())
            .arg("release")
            .arg(binary)
            .arg("--root")
            .arg(&self.root)
            .args(["--name", name, "--keep", "2"])
            .args([
                "--ready-timeout-seconds",
                &ready_timeout_seconds.to_string(),
            ])
            .args(["--rollback-ready-timeout-seconds", "600"])
            .arg("--stop-command")
            .arg(format!("sh {} stop", script.display()))
            .arg("--start-command")
            .arg(format!("sh {} start", script.display()))
            .output()
            .unwrap()
    }

    fn current(&self) -> String {
        std::fs::read_link(self.root.join("current"))
            .unwrap()
            .display()
            .to_string()
    }

    fn releases(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root.join("releases"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// The executable of the process the pid file names: which build serves.
    fn serving_binary(&self) -> PathBuf {
        let pid = std::fs::read_to_string(self.root.join("service.pid")).unwrap();
        std::fs::read_link(format!("/proc/{}/exe", pid.trim())).unwrap()
    }

    /// Waits for /readyz to answer 200 (the first start of the service, by the test).
    async fn wait_ready(&self) {
        let url = format!("http://127.0.0.1:{}/readyz", self.port);
        let client = reqwest::Client::new();
        for _ in 0..1200 {
            if let Ok(answer) = client.get(&url).send().await
                && answer.status().is_success()
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!(
            "the service did not become ready; its log:\n{}",
            std::fs::read_to_string(self.root.join("service.log")).unwrap_or_default()
        );
    }

    async fn readyz_status(&self) -> u16 {
        reqwest::get(format!("http://127.0.0.1:{}/readyz", self.port))
            .await
            .map(|a| a.status().as_u16())
            .unwrap_or(0)
    }
}

impl Drop for Installation {
    fn drop(&mut self) {
        let _ = self
            .credinet(Path::new("sh"))
            .arg(self.root.join("service.sh"))
            .arg("stop")
            .output();
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The login secret `serve` created at its first start, and the tenants: what must survive releases.
async fn kept_state(db_url: &str) -> (String, i64) {
    let store = Store::connect(db_url).await.unwrap();
    let db = store.db();
    let one = |sql: &str| Statement::from_string(db.get_database_backend(), sql.to_string());
    let secret: String = db
        .query_one_raw(one(
            "SELECT value FROM server_secret WHERE name = 'login_csrf'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let tenants: i64 = db
        .query_one_raw(one("SELECT COUNT(*) FROM tenant"))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap();
    let drill_table = db
        .query_one_raw(one("SELECT COUNT(*) FROM server_secret_drill"))
        .await;
    assert!(
        drill_table.is_err(),
        "the drill's renamed table is not in the database"
    );
    store.close().await.unwrap();
    (secret, tenants)
}

/// The releases of the `release_rolled_back` events.
async fn rolled_back_events(db_url: &str) -> Vec<String> {
    let store = Store::connect(db_url).await.unwrap();
    let db = store.db();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT entity_id FROM system_event WHERE kind = 'release_rolled_back' ORDER BY id"
                .to_string(),
        ))
        .await
        .unwrap();
    let events = rows
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect();
    store.close().await.unwrap();
    events
}

async fn a_release_switches_and_a_broken_one_rolls_back(db: TestDb) {
    let drill = drill_binary();
    let credinet = PathBuf::from(env!("CARGO_BIN_EXE_credinet"));
    let site = Installation::new(&db);

    // The first release is installed by hand, as docs/operations.md says.
    let v1 = site.root.join("releases/v1");
    std::fs::create_dir_all(&v1).unwrap();
    std::fs::copy(&credinet, v1.join("credinet")).unwrap();
    std::os::unix::fs::symlink("releases/v1", site.root.join("current")).unwrap();
    let migrate = site
        .credinet(&site.current_binary())
        .arg("migrate")
        .output()
        .unwrap();
    assert!(migrate.status.success(), "{}", text(&migrate));
    let add = site
        .credinet(&site.current_binary())
        .args(["tenant", "add", "--slug", "caja", "--name", "Caja Popular"])
        .output()
        .unwrap();
    assert!(add.status.success(), "{}", text(&add));
    site.service("start");
    site.wait_ready().await;
    let before = kept_state(&db.url).await;
    assert_eq!(before.1, 1);

    // A good release: backed up, migrated, switched, restarted, ready.
    let good = site.release(&credinet, "v2", 600);
    assert!(good.status.success(), "{}", text(&good));
    assert!(
        text(&good).contains("release v2 serves (was v1)"),
        "{}",
        text(&good)
    );
    assert_eq!(site.current(), "releases/v2");
    assert_eq!(
        site.serving_binary(),
        site.root.join("releases/v2/credinet")
    );
    assert_eq!(site.readyz_status().await, 200);
    assert_eq!(kept_state(&db.url).await, before);

    // The drill: its migration succeeds, its serve cannot start, /readyz never answers.
    let broken = site.release(drill, "v3", 15);
    assert_eq!(broken.status.code(), Some(2), "{}", text(&broken));
    let said = text(&broken);
    assert!(said.contains("drill: renamed server_secret"), "{said}");
    assert!(
        said.contains("release v3 failed: not ready within 15 s"),
        "{said}"
    );
    assert!(said.contains("rolled back: v2 serves again"), "{said}");
    assert_eq!(site.current(), "releases/v2", "current points back");
    assert_eq!(
        site.serving_binary(),
        site.root.join("releases/v2/credinet"),
        "the previous binary serves"
    );
    assert_eq!(site.readyz_status().await, 200, "the service answers again");
    assert_eq!(
        kept_state(&db.url).await,
        before,
        "the database is the pre-release backup: the renamed table is back with its row"
    );
    assert_eq!(site.releases(), ["v1", "v2"], "the failed build is gone");
    assert_eq!(
        rolled_back_events(&db.url).await,
        ["v3"],
        "the rollback is announced once, as an installation event"
    );
    let stdout = String::from_utf8_lossy(&broken.stdout);
    let safety = stdout
        .rsplit("the database as the failed release left it is in ")
        .next()
        .unwrap()
        .trim();
    assert!(
        Path::new(safety).is_file(),
        "the safety backup {safety} exists"
    );

    // Another good release keeps the two newest: v1 goes.
    let next = site.release(&credinet, "v4", 600);
    assert!(next.status.success(), "{}", text(&next));
    assert!(
        text(&next).contains("removed release v1"),
        "{}",
        text(&next)
    );
    assert_eq!(site.releases(), ["v2", "v4"]);
    assert_eq!(
        site.serving_binary(),
        site.root.join("releases/v4/credinet")
    );
    assert_eq!(kept_state(&db.url).await, before);
}

each_backend!(a_release_switches_and_a_broken_one_rolls_back);

#[test]
fn a_release_without_a_current_one_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .args(["--database-url"])
        .arg(format!("sqlite://{}", dir.path().join("x.db").display()))
        .arg("release")
        .arg(env!("CARGO_BIN_EXE_credinet"))
        .arg("--root")
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("install the first one by hand"),
        "{}",
        text(&out)
    );
    assert!(
        !dir.path().join("releases").exists(),
        "nothing was installed"
    );
}
