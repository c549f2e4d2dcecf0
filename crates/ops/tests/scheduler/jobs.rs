//! The jobs themselves.

use super::common::{at, count_rows, migrated, tenant};
use chrono::Duration;
use credinet_core::ids::UserId;
use credinet_ops::jobs::SessionExpiry;
use credinet_ops::{Registry, Schedule, Scheduler};
use credinet_store::ManualClock;
use credinet_store::each_backend;
use credinet_store::repo::job_runs::{self, RunStatus};
use credinet_store::repo::sessions::{self, NewSession};
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::TestDb;

each_backend!(session_expiry_deletes_only_the_sessions_that_can_no_longer_be_used);

async fn session_expiry_deletes_only_the_sessions_that_can_no_longer_be_used(db: TestDb) {
    let clock = ManualClock::starting_at(at(2026, 12, 1, 9, 0));
    let store = migrated(&db, &clock).await;
    let caja = tenant(&store, "caja-sesiones").await;
    let user = credinet_store::repo::users::create(
        store.db(),
        caja.id,
        credinet_store::repo::users::NewUser {
            email: "ana@caja.mx".into(),
            full_name: "Ana Pérez".into(),
            role: credinet_core::role::Role::Cashier,
            password_hash: "not-a-real-hash".into(),
            must_change_password: false,
        },
        store.now(),
    )
    .await
    .unwrap();
    let session = |id: &'static str, expires_in: Duration| NewSession {
        id_hash: id,
        tenant: caja.id,
        user: UserId::new(user.id.get()),
        csrf_token: "csrf",
        expires_at: at(2026, 12, 1, 9, 0) + expires_in,
        ip: None,
        user_agent: None,
    };
    // Signed in on Dec 1st: one idle for good by 10:00, one kept alive; one signed in on Dec 7th.
    sessions::create(
        store.db(),
        session("idle", Duration::minutes(30)),
        store.now(),
    )
    .await
    .unwrap();
    sessions::create(store.db(), session("busy", Duration::days(30)), store.now())
        .await
        .unwrap();
    clock.set(at(2026, 12, 7, 9, 0));
    sessions::create(
        store.db(),
        session("fresh", Duration::days(30)),
        store.now(),
    )
    .await
    .unwrap();

    let expiry = SessionExpiry::new(
        Schedule::parse("CRON_TZ=UTC */15 * * * *").unwrap(),
        Duration::days(7),
    );
    let scheduler = Scheduler::new(store.clone(), Registry::new().with(expiry));
    clock.set(at(2026, 12, 8, 9, 1));
    let report = scheduler.tick().await.unwrap();
    assert_eq!(report.ran, 1, "one run however many occurrences passed");
    // "idle" had expired; "busy" was signed in more than 7 days ago; "fresh" stays.
    assert_eq!(count_rows(&store, "web_session").await, 1);
    let run = job_runs::recent(store.db(), "session_expiry", None, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(run.status, RunStatus::Succeeded);
    assert_eq!(run.scheduled_for, at(2026, 12, 8, 9, 0));
    assert_eq!(
        run.summary,
        Some(serde_json::json!({"deleted_sessions": 2}))
    );
    // A system job has no tenant: it is announced in the installation's events, not a tenant's outbox.
    assert_eq!(count_rows(&store, "domain_event").await, 0);
    let announced = store
        .db()
        .query_one_raw(Statement::from_string(
            store.backend(),
            "SELECT kind, entity, entity_id, payload FROM system_event",
        ))
        .await
        .unwrap()
        .expect("one system event");
    assert_eq!(
        announced.try_get::<String>("", "kind").unwrap(),
        "scheduler_executed"
    );
    assert_eq!(
        announced.try_get::<String>("", "entity").unwrap(),
        "job_run"
    );
    assert_eq!(
        announced
            .try_get::<Option<String>>("", "entity_id")
            .unwrap(),
        Some(run.id.to_string())
    );
    let payload: serde_json::Value =
        serde_json::from_str(&announced.try_get::<String>("", "payload").unwrap()).unwrap();
    assert_eq!(payload["job"], "session_expiry");
    assert_eq!(payload["due"], "2026-12-08T09:00:00Z");
    assert_eq!(
        payload["summary"],
        serde_json::json!({"deleted_sessions": 2})
    );
    assert_eq!(count_rows(&store, "system_event").await, 1);
}
