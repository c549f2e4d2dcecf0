use crate::common::*;
use chrono::Duration;
use credinet_ops::backup::{self, BackupEntry, Retention};
use credinet_store::ManualClock;
use credinet_store::testing::{Backend, TestDb};

/// Sixty nights of `backup run` then `backup prune` (default: keep 30 days) on a moving clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nightly_backups_over_sixty_days_keep_exactly_the_last_thirty() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let first = at(2026, 10, 1, 2, 0);
    let clock = ManualClock::starting_at(first);
    let store = migrated(&db).await.with_clock(clock.clone());
    let dir = tempfile::tempdir().unwrap();
    let settings = settings(dir.path());
    for night in 0..60 {
        clock.set(first + Duration::days(night));
        backup::run(&store, &target(&db), &settings, quiet())
            .await
            .expect("nightly backup");
        let dry = backup::prune(dir.path(), Retention::default(), store.now(), true).unwrap();
        let listed_before = backup::list(dir.path()).unwrap().len();
        let report = backup::prune(dir.path(), Retention::default(), store.now(), false).unwrap();
        assert_eq!(
            dry.removed, report.removed,
            "--dry-run shows what prune removes"
        );
        assert_eq!(
            backup::list(dir.path()).unwrap().len(),
            listed_before - report.removed.len()
        );
        assert_eq!(
            report.kept.len(),
            (night as usize + 1).min(30),
            "night {night}"
        );
    }
    let kept: Vec<_> = backup::list(dir.path())
        .unwrap()
        .into_iter()
        .map(|e| match e {
            BackupEntry::Complete { manifest, .. } => manifest.created_at,
            BackupEntry::Incomplete { path, reason, .. } => panic!("{path:?}: {reason}"),
        })
        .collect();
    let expected: Vec<_> = (30..60).map(|n| first + Duration::days(n)).collect();
    assert_eq!(kept, expected);
    assert_eq!(
        files(dir.path()).len(),
        60,
        "30 backups and their manifests"
    );
    // Closed here: a pool dropped with the runtime kept sqlx's maintenance task spinning on a busy
    // machine (the test's body had ended; its runtime never finished shutting down).
    store.close().await.ok();
}
