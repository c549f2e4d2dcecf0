use crate::common::*;
use chrono::Duration;
use credinet_ops::backup::{self, BackupEntry, OffsiteSettings, Retention};
use credinet_store::ManualClock;
use credinet_store::testing::{Backend, TestDb};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `rclone serve webdav` of a directory on a loopback port: a real rclone remote.
struct WebDav {
    child: Child,
}

impl WebDav {
    async fn serve(root: &Path, port: u16) -> WebDav {
        let server = WebDav {
            child: Command::new("rclone")
                .args(["serve", "webdav"])
                .arg(root)
                .args(["--addr", &format!("127.0.0.1:{port}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("rclone is installed (Debian package rclone)"),
        };
        // Eventually it listens; generous, the machine may be busy.
        for _ in 0..600 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return server;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("rclone serve webdav did not listen on {port}");
    }
}

impl Drop for WebDav {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn sha256(path: &Path) -> String {
    hex::encode(Sha256::digest(std::fs::read(path).unwrap()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_reach_the_remote_intact_its_retention_follows_and_a_down_remote_is_retried() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let first = at(2026, 10, 1, 2, 0);
    let clock = ManualClock::starting_at(first);
    let store = migrated(&db).await.with_clock(clock.clone());
    let tenant = tenant(&store, "remota").await;
    append_entry(&store, &tenant, 1, "a row").await;
    let local = tempfile::tempdir().unwrap();
    let served = tempfile::tempdir().unwrap();
    let port = free_port();
    let offsite = OffsiteSettings {
        remote: Some(format!(":webdav,url='http://127.0.0.1:{port}':credinet")),
        rclone_config: None,
    };
    let retention = Retention::default();

    // Forty nights of backups, pruned locally, then one copy: the remote gets what local keeps.
    for night in 0..40 {
        clock.set(first + Duration::days(night));
        backup::run(&store, &target(&db), &settings(local.path()), quiet())
            .await
            .unwrap();
    }
    backup::prune(local.path(), retention, store.now(), false).unwrap();
    let server = WebDav::serve(served.path(), port).await;
    let report = backup::sync(&store, local.path(), &offsite, retention)
        .await
        .expect("sync");
    assert_eq!(report.remote_backups, 30);
    let remote_dir = served.path().join("credinet");
    assert_eq!(
        files(&remote_dir),
        files(local.path()),
        "the remote holds the local backups"
    );
    for entry in backup::list(local.path()).unwrap() {
        let BackupEntry::Complete { manifest, .. } = entry else {
            panic!("incomplete backup")
        };
        assert_eq!(
            sha256(&remote_dir.join(&manifest.file)),
            manifest.sha256,
            "{}",
            manifest.file
        );
    }

    // Ten nights later local retention drops ten; the remote drops the same ten.
    for night in 40..50 {
        clock.set(first + Duration::days(night));
        backup::run(&store, &target(&db), &settings(local.path()), quiet())
            .await
            .unwrap();
    }
    backup::prune(local.path(), retention, store.now(), false).unwrap();
    let report = backup::sync(&store, local.path(), &offsite, retention)
        .await
        .expect("sync");
    assert_eq!(
        report.removed.len(),
        20,
        "ten backups and their manifests: {:?}",
        report.removed
    );
    assert_eq!(files(&remote_dir), files(local.path()));

    // The remote goes down: the copy fails with an event; once it is back, the next run catches up.
    drop(server);
    clock.set(first + Duration::days(50));
    let taken = backup::run(&store, &target(&db), &settings(local.path()), quiet())
        .await
        .unwrap();
    backup::prune(local.path(), retention, store.now(), false).unwrap();
    let down = backup::sync(&store, local.path(), &offsite, retention).await;
    assert!(down.is_err(), "{down:?}");
    assert_eq!(
        system_event_kinds(&store).await.last().map(String::as_str),
        Some("offsite_sync_failed")
    );
    let _server = WebDav::serve(served.path(), port).await;
    backup::sync(&store, local.path(), &offsite, retention)
        .await
        .expect("the retry succeeds");
    assert_eq!(
        sha256(&remote_dir.join(&taken.manifest.file)),
        taken.manifest.sha256
    );
    assert_eq!(files(&remote_dir), files(local.path()));
    // Closed here: a pool dropped with the runtime kept sqlx's maintenance task spinning on a busy
    // machine (the test's body had ended; its runtime never finished shutting down).
    store.close().await.ok();
}
