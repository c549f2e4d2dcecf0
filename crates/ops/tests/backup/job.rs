use crate::common::*;
use credinet_ops::backup::{self, Retention};
use credinet_ops::jobs::Backup;
use credinet_ops::{Registry, Scheduler, SchedulerSettings};
use credinet_store::ManualClock;
use credinet_store::repo::job_runs::RunStatus;
use credinet_store::testing::{Backend, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backup_job_backs_up_and_prunes_in_the_schedulers_run() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let clock = ManualClock::starting_at(at(2026, 12, 3, 8, 0));
    let store = migrated(&db).await.with_clock(clock.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut settings = settings(dir.path());
    settings.retention = Retention::new(1, 0, 0).unwrap();
    let schedule = SchedulerSettings::default().backup_schedule().unwrap();
    let job = Backup::new(schedule, target(&db), settings);
    let scheduler = Scheduler::new(store.clone(), Registry::new().with(job));

    let first = scheduler.run_now("backup", None).await.expect("run");
    assert_eq!(first.status, RunStatus::Succeeded, "{:?}", first.error);
    clock.advance(chrono::Duration::days(2));
    let second = scheduler.run_now("backup", None).await.expect("run");
    assert_eq!(second.status, RunStatus::Succeeded, "{:?}", second.error);
    let summary = second.summary.expect("a summary");
    assert_eq!(summary["pruned"], 1, "{summary}");
    let listed = backup::list(dir.path()).unwrap();
    assert_eq!(listed.len(), 1, "the older backup was pruned by the job");
    assert_eq!(summary["file"], listed[0].file_name().as_str());
    assert!(
        system_event_kinds(&store)
            .await
            .iter()
            .filter(|k| *k == "backup_completed")
            .count()
            == 2
    );
    // Closed here: a pool dropped with the runtime kept sqlx's maintenance task spinning on a busy
    // machine (the test's body had ended; its runtime never finished shutting down).
    store.close().await.ok();
}
