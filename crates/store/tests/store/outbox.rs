//! The outbox's claims: two deliverers never take one event, and a dead deliverer's events come back.

use super::{migrated, tenant};
use chrono::{Duration, TimeZone, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::EventId;
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend, migrations};
use std::collections::BTreeSet;

fn event(n: usize) -> NewEvent {
    NewEvent {
        kind: EventKind::PaymentRegistered,
        entity: "payment",
        entity_id: Some(n.to_string()),
        payload: serde_json::json!({ "n": n }),
    }
}

/// Appends `count` events and returns their ids.
async fn appended(store: &Store, count: usize) -> BTreeSet<i64> {
    let t = tenant(store, "caja-outbox").await;
    let tx = store.write().await.unwrap();
    events::append_many(&tx, t.id, (0..count).map(event).collect(), store.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    events::undelivered(store.db(), 10_000)
        .await
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect()
}

/// Claims batches until none is left, marking each delivered; returns every id it got.
async fn deliver_all(store: Store, batch: u64) -> Vec<i64> {
    let mut got = Vec::new();
    loop {
        let claimed = events::claim(&store, batch, Duration::minutes(5))
            .await
            .unwrap();
        if claimed.events.is_empty() {
            return got;
        }
        let ids: Vec<EventId> = claimed.events.iter().map(|e| EventId::new(e.id)).collect();
        got.extend(claimed.events.iter().map(|e| e.id));
        // Let the other claimer in between batches, as a real delivery would.
        tokio::task::yield_now().await;
        events::mark_delivered(store.db(), &ids, store.now())
            .await
            .unwrap();
    }
}

async fn two_deliverers_claim_every_event_exactly_once(db: TestDb) {
    let first = migrated(&db).await;
    let all = appended(&first, 120).await;
    assert_eq!(all.len(), 120);
    let second = Store::connect(&db.url).await.unwrap();
    let a = tokio::spawn(deliver_all(first.clone(), 7));
    let b = tokio::spawn(deliver_all(second, 7));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    let (set_a, set_b): (BTreeSet<i64>, BTreeSet<i64>) =
        (a.iter().copied().collect(), b.iter().copied().collect());
    assert_eq!(
        set_a.len() + set_b.len(),
        a.len() + b.len(),
        "no claimer got an event twice"
    );
    let both: Vec<_> = set_a.intersection(&set_b).collect();
    assert!(
        both.is_empty(),
        "events claimed by both deliverers: {both:?}"
    );
    let union: BTreeSet<i64> = set_a.union(&set_b).copied().collect();
    assert_eq!(union, all, "every event was claimed");
    assert!(
        events::undelivered(first.db(), 10)
            .await
            .unwrap()
            .is_empty(),
        "every claimed event was marked delivered"
    );
}

async fn a_claim_whose_lease_ended_is_claimed_again(db: TestDb) {
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 8, 0, 5, 0).unwrap());
    let store = migrated(&db).await.with_clock(clock.clone());
    let all = appended(&store, 5).await;
    let lease = Duration::minutes(1);

    let first = events::claim(&store, 3, lease).await.unwrap();
    let first_ids: Vec<i64> = first.events.iter().map(|e| e.id).collect();
    assert_eq!(
        first_ids,
        all.iter().copied().take(3).collect::<Vec<_>>(),
        "oldest first"
    );
    assert_eq!(first.until, store.now() + lease);
    let rest = events::claim(&store, 10, lease).await.unwrap();
    assert_eq!(rest.events.len(), 2, "held events are not claimed again");
    assert!(
        events::claim(&store, 10, lease)
            .await
            .unwrap()
            .events
            .is_empty()
    );

    // The first deliverer dies; its lease ends (so has the second's, which delivers in time).
    clock.advance(lease);
    let rest_ids: Vec<EventId> = rest.events.iter().map(|e| EventId::new(e.id)).collect();
    events::mark_delivered(store.db(), &rest_ids, store.now())
        .await
        .unwrap();
    let again = events::claim(&store, 10, lease).await.unwrap();
    let again_ids: Vec<i64> = again.events.iter().map(|e| e.id).collect();
    assert_eq!(
        again_ids, first_ids,
        "the dead deliverer's events come back, and only those"
    );
    assert_eq!(again.events[0].claimed_until, Some(store.now() + lease));
    let again_ids: Vec<EventId> = again_ids.into_iter().map(EventId::new).collect();
    events::mark_delivered(store.db(), &again_ids, store.now())
        .await
        .unwrap();
    clock.advance(Duration::hours(1));
    assert!(
        events::claim(&store, 10, lease)
            .await
            .unwrap()
            .events
            .is_empty(),
        "a delivered event is never claimed again"
    );
}

async fn events_written_before_the_claims_migration_are_claimable(db: TestDb) {
    use credinet_store::sea_orm::ConnectionTrait;
    use credinet_store::sea_orm::sea_query::Query;
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run_until(&store, 4).await.unwrap();
    let t = tenant(&store, "caja-vieja").await;
    // A row as version 4 wrote it: no claimed_until column yet.
    let insert = Query::insert()
        .into_table("domain_event")
        .columns(["tenant_id", "kind", "entity", "payload", "created_at"])
        .values_panic([
            t.id.get().into(),
            "loan_approved".into(),
            "loan".into(),
            "{}".into(),
            store.now().into(),
        ])
        .to_owned();
    store.db().execute(&insert).await.unwrap();
    migrations::run(&store).await.unwrap();
    let claimed = events::claim(&store, 10, Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(claimed.events.len(), 1);
    assert_eq!(claimed.events[0].kind, "loan_approved");
}

each_backend!(
    two_deliverers_claim_every_event_exactly_once,
    a_claim_whose_lease_ended_is_claimed_again,
    events_written_before_the_claims_migration_are_claimable,
);
