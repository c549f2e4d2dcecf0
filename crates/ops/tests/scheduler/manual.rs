//! Runs by hand: refused with nothing written when the job, the tenant or the scope is wrong.

use super::common::{Recorder, at, count_rows, migrated, tenant};
use credinet_ops::jobs::SessionExpiry;
use credinet_ops::{Registry, Schedule, Scheduler, SchedulerError};
use credinet_store::ManualClock;
use credinet_store::each_backend;
use credinet_store::repo::job_runs::{RunStatus, RunTrigger};
use credinet_store::testing::TestDb;

each_backend!(
    a_run_by_hand_does_the_latest_occurrence_and_is_recorded_as_manual,
    bad_runs_by_hand_are_refused_and_write_nothing,
);

async fn scheduler(db: &TestDb, clock: &ManualClock, recorder: &Recorder) -> Scheduler {
    let store = migrated(db, clock).await;
    let expiry = SessionExpiry::new(
        Schedule::parse("CRON_TZ=UTC */15 * * * *").unwrap(),
        chrono::Duration::days(7),
    );
    Scheduler::new(store, Registry::new().with(recorder.clone()).with(expiry))
}

async fn a_run_by_hand_does_the_latest_occurrence_and_is_recorded_as_manual(db: TestDb) {
    let clock = ManualClock::starting_at(at(2026, 12, 1, 0, 0));
    let recorder = Recorder::default();
    let scheduler = scheduler(&db, &clock, &recorder).await;
    let caja = tenant(scheduler.store(), "caja-mano").await;
    clock.set(at(2026, 12, 20, 15, 0));
    let run = scheduler
        .run_now("recorder", Some("caja-mano"))
        .await
        .unwrap();
    assert_eq!(run.trigger, RunTrigger::Manual);
    assert_eq!(run.status, RunStatus::Succeeded);
    assert_eq!(run.tenant, Some(caja.id));
    assert_eq!(recorder.seen(), vec![(caja.id, at(2026, 12, 8, 6, 5))]);
    // Twice by hand is two runs.
    scheduler
        .run_now("recorder", Some("caja-mano"))
        .await
        .unwrap();
    assert_eq!(recorder.seen().len(), 2);
    let system = scheduler.run_now("session_expiry", None).await.unwrap();
    assert_eq!(system.tenant, None);
    assert_eq!(
        system.summary,
        Some(serde_json::json!({"deleted_sessions": 0}))
    );
}

async fn bad_runs_by_hand_are_refused_and_write_nothing(db: TestDb) {
    let clock = ManualClock::starting_at(at(2026, 12, 1, 0, 0));
    let recorder = Recorder::default();
    let scheduler = scheduler(&db, &clock, &recorder).await;
    tenant(scheduler.store(), "caja-real").await;
    let refusals = [
        ("nonexistent", None, "no job 'nonexistent'"),
        (
            "recorder",
            Some("caja-fantasma"),
            "no tenant 'caja-fantasma'",
        ),
        ("recorder", None, "runs per tenant"),
        ("session_expiry", Some("caja-real"), "whole installation"),
    ];
    for (job, tenant, expected) in refusals {
        let err = scheduler.run_now(job, tenant).await.unwrap_err();
        assert!(
            err.to_string().contains(expected),
            "{job} {tenant:?}: {err}"
        );
        assert!(!err.to_string().contains('\n'), "one line: {err}");
    }
    assert!(matches!(
        scheduler.run_now("nonexistent", None).await,
        Err(SchedulerError::UnknownJob { .. })
    ));
    assert_eq!(count_rows(scheduler.store(), "job_run").await, 0);
    assert_eq!(count_rows(scheduler.store(), "job_lease").await, 0);
    assert_eq!(count_rows(scheduler.store(), "domain_event").await, 0);
    assert!(recorder.seen().is_empty());
}
