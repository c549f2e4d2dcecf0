//! The scheduler on every backend, with the store's clock moved by hand: catching up, missing, leases,
//! runs by hand, events. `common` holds a job that only records what it was asked to do, so these tests
//! see the scheduler's decisions; the jobs themselves are tested in `jobs.rs`.

mod common;
mod jobs;
mod leases;
mod manual;
mod period_cut;

use chrono::Duration;
use common::{at, count_rows, runs, scheduler_at, tenant};
use credinet_core::events::EventKind;
use credinet_ops::Registry;
use credinet_store::each_backend;
use credinet_store::repo::events;
use credinet_store::repo::job_runs::{self, RunStatus, RunTrigger};
use credinet_store::testing::TestDb;

each_backend!(
    a_cut_time_fires_once_at_0605_utc_for_mexico_city,
    a_run_missed_while_down_is_caught_up_once,
    a_run_missed_beyond_the_grace_window_is_recorded_as_missed_not_run,
    two_schedulers_on_one_database_run_each_occurrence_once,
    a_run_left_running_by_a_dead_server_is_resumed_once,
    a_run_left_running_beyond_its_grace_is_ended_as_failed_and_announced,
    a_failing_job_is_recorded_failed_and_announced,
);

async fn a_cut_time_fires_once_at_0605_utc_for_mexico_city(db: TestDb) {
    // The tenant exists from the evening of Dec 7th local (Dec 8th 01:00 UTC).
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 8, 1, 0)).await;
    let caja = tenant(scheduler.store(), "caja-norte").await;
    clock.set(at(2026, 12, 8, 6, 4));
    assert!(
        scheduler.tick().await.unwrap().is_empty(),
        "00:04 local: not yet"
    );
    assert!(recorder.seen().is_empty());
    clock.set(at(2026, 12, 8, 6, 5));
    let report = scheduler.tick().await.unwrap();
    assert_eq!(report.ran, 1);
    assert_eq!(recorder.seen(), vec![(caja.id, at(2026, 12, 8, 6, 5))]);
    clock.set(at(2026, 12, 8, 6, 6));
    assert!(scheduler.tick().await.unwrap().is_empty(), "it ran once");
    let recorded = runs(scheduler.store(), caja.id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].status, RunStatus::Succeeded);
    assert_eq!(recorded[0].trigger, RunTrigger::Schedule);
    assert_eq!(recorded[0].scheduled_for, at(2026, 12, 8, 6, 5));
    assert_eq!(
        recorded[0].summary,
        Some(serde_json::json!({"recorded": 1}))
    );
    let announced = events::list(
        scheduler.store().db(),
        caja.id,
        Some(EventKind::SchedulerExecuted),
        10,
    )
    .await
    .unwrap();
    assert_eq!(announced.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&announced[0].payload).unwrap();
    assert_eq!(payload["job"], "recorder");
    assert_eq!(payload["summary"], serde_json::json!({"recorded": 1}));
    assert_eq!(payload["due_local"], "2026-12-08 00:05 (UTC\u{2212}06:00)");
}

async fn a_run_missed_while_down_is_caught_up_once(db: TestDb) {
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    let caja = tenant(scheduler.store(), "caja-sur").await;
    clock.set(at(2026, 12, 8, 6, 5));
    scheduler.tick().await.unwrap();
    // Down from just after the cut of the 8th to two days after the cut of the 23rd (within 72 h).
    clock.set(at(2026, 12, 25, 6, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.missed), (1, 0));
    clock.advance(Duration::minutes(1));
    assert!(scheduler.tick().await.unwrap().is_empty());
    assert_eq!(
        recorder.seen(),
        vec![
            (caja.id, at(2026, 12, 8, 6, 5)),
            (caja.id, at(2026, 12, 23, 6, 5))
        ]
    );
    assert_eq!(runs(scheduler.store(), caja.id).await.len(), 2);
}

async fn a_run_missed_beyond_the_grace_window_is_recorded_as_missed_not_run(db: TestDb) {
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    let caja = tenant(scheduler.store(), "caja-este").await;
    clock.set(at(2026, 12, 8, 6, 5));
    scheduler.tick().await.unwrap();
    // Down until four days after the 23rd: past the 72 h grace. Nothing runs; the 23rd is recorded
    // as missed, once.
    clock.set(at(2026, 12, 27, 7, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.missed), (0, 1));
    assert!(scheduler.tick().await.unwrap().is_empty());
    assert_eq!(recorder.seen(), vec![(caja.id, at(2026, 12, 8, 6, 5))]);
    let recorded = runs(scheduler.store(), caja.id).await;
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0].status, RunStatus::Missed);
    assert_eq!(recorded[0].scheduled_for, at(2026, 12, 23, 6, 5));
    assert_eq!(recorded[0].started_at, None, "a missed run never started");
}

async fn two_schedulers_on_one_database_run_each_occurrence_once(db: TestDb) {
    let (first, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    for n in 0..4 {
        tenant(first.store(), &format!("caja-{n}")).await;
    }
    // A second server: its own pools, the same database, the same clock and the same kind of job.
    let second_store = credinet_store::Store::connect(&db.url)
        .await
        .unwrap()
        .with_clock(clock.clone());
    let second = credinet_ops::Scheduler::new(second_store, Registry::new().with(recorder.clone()));
    for day in [8, 23] {
        clock.set(at(2026, 12, day, 6, 5));
        let (a, b) = tokio::join!(first.tick(), second.tick());
        let (a, b) = (a.unwrap(), b.unwrap());
        assert!(a.ran + b.ran <= 4, "{a:?} {b:?}");
        // What one did not get to (the other held the lease), the next tick finishes.
        clock.advance(Duration::minutes(1));
        let (c, d) = tokio::join!(first.tick(), second.tick());
        assert_eq!(a.ran + b.ran + c.unwrap().ran + d.unwrap().ran, 4);
    }
    let mut seen = recorder.seen();
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(
        (total, seen.len()),
        (8, 8),
        "every occurrence ran exactly once"
    );
    assert_eq!(count_rows(first.store(), "job_run").await, 8);
}

async fn a_run_left_running_by_a_dead_server_is_resumed_once(db: TestDb) {
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    let caja = tenant(scheduler.store(), "caja-oeste").await;
    // A server recorded the cut of the 8th as started, then died (no lease is held any more).
    let due = at(2026, 12, 8, 6, 5);
    let started =
        job_runs::start_scheduled(scheduler.store().db(), "recorder", Some(caja.id), due, due)
            .await
            .unwrap()
            .unwrap();
    clock.set(at(2026, 12, 8, 9, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!(report.ran, 1);
    assert!(scheduler.tick().await.unwrap().is_empty());
    assert_eq!(recorder.seen(), vec![(caja.id, due)]);
    let recorded = runs(scheduler.store(), caja.id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].id, started);
    assert_eq!(recorded[0].status, RunStatus::Succeeded);
    assert_eq!(recorded[0].attempts, 2);
}

async fn a_failing_job_is_recorded_failed_and_announced(db: TestDb) {
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    let caja = tenant(scheduler.store(), "caja-falla").await;
    recorder.fail_next("the ledger is closed");
    clock.set(at(2026, 12, 8, 6, 5));
    let report = scheduler.tick().await.unwrap();
    assert_eq!(report.failed, 1);
    let recorded = runs(scheduler.store(), caja.id).await;
    assert_eq!(recorded[0].status, RunStatus::Failed);
    assert_eq!(recorded[0].error.as_deref(), Some("the ledger is closed"));
    assert!(recorded[0].ended_at.is_some());
    let failed = events::list(
        scheduler.store().db(),
        caja.id,
        Some(EventKind::SchedulerFailed),
        10,
    )
    .await
    .unwrap();
    assert_eq!(failed.len(), 1);
    // A failed occurrence is not retried by the schedule (its run is recorded); a person runs it by hand.
    clock.advance(Duration::minutes(5));
    assert!(scheduler.tick().await.unwrap().is_empty());
}

async fn a_run_left_running_beyond_its_grace_is_ended_as_failed_and_announced(db: TestDb) {
    let (scheduler, clock, recorder) = scheduler_at(&db, at(2026, 12, 1, 0, 0)).await;
    let caja = tenant(scheduler.store(), "caja-caida").await;
    // A server started the cut of the 8th and died; none came back until four days later (past 72 h).
    let due = at(2026, 12, 8, 6, 5);
    let started =
        job_runs::start_scheduled(scheduler.store().db(), "recorder", Some(caja.id), due, due)
            .await
            .unwrap()
            .unwrap();
    clock.set(at(2026, 12, 12, 7, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.failed), (0, 1));
    assert!(recorder.seen().is_empty(), "not resumed");
    let recorded = runs(scheduler.store(), caja.id).await;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].id, started);
    assert_eq!(recorded[0].status, RunStatus::Failed);
    assert_eq!(
        recorded[0].error.as_deref(),
        Some("interrupted: the server running it stopped")
    );
    let failed = events::list(
        scheduler.store().db(),
        caja.id,
        Some(EventKind::SchedulerFailed),
        10,
    )
    .await
    .unwrap();
    assert_eq!(failed.len(), 1, "a person hears of it");
    let payload: serde_json::Value = serde_json::from_str(&failed[0].payload).unwrap();
    assert_eq!(
        payload["error"],
        "interrupted: the server running it stopped"
    );
    assert_eq!(payload["due_local"], "2026-12-08 00:05 (UTC\u{2212}06:00)");
}
