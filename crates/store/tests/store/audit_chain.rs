//! The audit log is written once: sealing adds to `audit_seal` and never touches an entry; entries that
//! commit out of id order are still chained; entries written around the log are reported; and chains
//! sealed before the log became write-once carry over unchanged.

use super::{appended, migrated, record, tenant};
use chrono::{DateTime, Utc};
use credinet_store::entities::{audit_entry, audit_pending, audit_seal};
use credinet_store::repo::audit;
use credinet_store::repo::tenants::GENESIS_HASH;
use credinet_store::sea_orm::sea_query::{Expr, ExprTrait, Query};
use credinet_store::sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryOrder,
};
use credinet_store::testing::{Backend, TestDb};
use credinet_store::{Store, each_backend, migrations};
use sha2::{Digest, Sha256};

each_backend!(
    sealing_appends_to_the_chain_and_never_rewrites_an_entry,
    an_entry_written_around_the_log_is_reported,
    a_queue_row_into_another_tenants_log_is_an_error_not_a_seal,
    chains_sealed_before_the_log_became_write_once_carry_over,
    verify_never_reports_tampering_while_entries_are_written_and_sealed,
);

async fn sealing_appends_to_the_chain_and_never_rewrites_an_entry(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    appended(&store, a.id, "payment_registered", 3).await;
    let entries = || async {
        audit_entry::Entity::find()
            .order_by_asc(audit_entry::Column::Id)
            .all(store.db())
            .await
            .unwrap()
    };
    let written = entries().await;
    assert_eq!(
        audit_pending::Entity::find()
            .count(store.db())
            .await
            .unwrap(),
        3,
        "each entry is queued with it"
    );

    assert_eq!(audit::seal(&store, a.id).await.unwrap(), 3);
    assert_eq!(entries().await, written, "sealing changed an entry");
    assert_eq!(
        audit_pending::Entity::find()
            .count(store.db())
            .await
            .unwrap(),
        0
    );
    let links = audit_seal::Entity::find()
        .order_by_asc(audit_seal::Column::Seq)
        .all(store.db())
        .await
        .unwrap();
    assert_eq!(
        links
            .iter()
            .map(|l| (l.seq, l.entry_id))
            .collect::<Vec<_>>(),
        written
            .iter()
            .zip(1..)
            .map(|(e, seq)| (seq, e.id))
            .collect::<Vec<_>>()
    );
    assert_eq!(links[0].prev_hash, GENESIS_HASH);
    assert_eq!(links[1].prev_hash, links[0].hash);
}

async fn an_entry_written_around_the_log_is_reported(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    appended(&store, a.id, "loan_approved", 1).await;
    audit::seal(&store, a.id).await.unwrap();

    // An entry inserted straight into the table, without its queue row.
    audit_entry::ActiveModel {
        id: NotSet,
        tenant_id: Set(a.id.get()),
        at: Set(store.now()),
        actor_kind: Set("user".into()),
        actor_id: Set(None),
        actor_label: Set("someone".into()),
        action: Set("payment_reversed".into()),
        entity: Set("payment".into()),
        entity_id: Set(Some("1".into())),
        ip: Set(None),
        user_agent: Set(None),
        before_json: Set(None),
        after_json: Set(None),
    }
    .insert(store.db())
    .await
    .unwrap();
    assert_eq!(
        audit::seal(&store, a.id).await.unwrap(),
        0,
        "not queued, not chained"
    );
    let check = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!(
        (check.sealed, check.first_broken, check.unqueued),
        (1, None, 1)
    );
}

async fn a_queue_row_into_another_tenants_log_is_an_error_not_a_seal(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let b = tenant(&store, "caja-b").await;
    let bs = appended(&store, b.id, "user_login", 1).await[0];
    audit_pending::ActiveModel {
        tenant_id: Set(a.id.get()),
        entry_id: Set(bs.get()),
    }
    .insert(store.db())
    .await
    .unwrap();

    let error = audit::seal(&store, a.id).await.unwrap_err();
    assert!(error.to_string().contains("outside its log"), "{error}");
    assert_eq!(
        audit_seal::Entity::find().count(store.db()).await.unwrap(),
        0,
        "nothing of B's went into A's chain"
    );
    assert_eq!(audit::seal(&store, b.id).await.unwrap(), 1);
}

/// The hash of an entry, computed here independently of the store: if the store's definition changes,
/// every chain already sealed stops verifying, so this pins it.
fn expected_hash(tenant: i64, seq: i64, at: DateTime<Utc>, n: i64, prev: &str) -> String {
    let canonical = serde_json::json!([
        tenant,
        seq,
        at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        "cli",
        null,
        "cli",
        "payment_registered",
        "thing",
        n.to_string(),
        "127.0.0.1",
        "test",
        null,
        format!("{{\"amount\":\"1234.56\",\"n\":{n}}}"),
        prev,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

async fn chains_sealed_before_the_log_became_write_once_carry_over(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    migrations::run_until(&store, 2).await.unwrap();
    let a = tenant(&store, "caja-a").await;
    let at = DateTime::parse_from_rfc3339("2026-03-07T12:00:00.250000Z")
        .unwrap()
        .with_timezone(&Utc);
    // Version 2 kept the chain in the entry itself: two entries sealed in place, the third waiting.
    let mut prev = GENESIS_HASH.to_string();
    for n in 1..=3_i64 {
        let sealed = n <= 2;
        let hash = expected_hash(a.id.get(), n, at, n, &prev);
        let insert = Query::insert()
            .into_table("audit_entry")
            .columns([
                "tenant_id",
                "seq",
                "at",
                "actor_kind",
                "actor_label",
                "action",
                "entity",
                "entity_id",
                "ip",
                "user_agent",
                "after_json",
                "prev_hash",
                "hash",
            ])
            .values_panic([
                a.id.get().into(),
                sealed.then_some(n).into(),
                at.into(),
                "cli".into(),
                "cli".into(),
                "payment_registered".into(),
                "thing".into(),
                n.to_string().into(),
                "127.0.0.1".into(),
                "test".into(),
                format!("{{\"amount\":\"1234.56\",\"n\":{n}}}").into(),
                sealed.then(|| prev.clone()).into(),
                sealed.then(|| hash.clone()).into(),
            ])
            .to_owned();
        store.db().execute(&insert).await.unwrap();
        if sealed {
            let head = Query::update()
                .table("audit_chain")
                .value("last_seq", n)
                .value("last_hash", hash.clone())
                .and_where(Expr::col("tenant_id").eq(a.id.get()))
                .to_owned();
            store.db().execute(&head).await.unwrap();
            prev = hash;
        }
    }

    let report = migrations::run_until(&store, 3).await.unwrap();
    assert_eq!(report.applied, vec![(3, "audit_seal")]);
    let carried = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!(
        (carried.sealed, carried.first_broken, carried.unqueued),
        (2, None, 0),
        "{}: the sealed entries keep their positions and hashes",
        db.backend
    );
    assert_eq!(
        audit::seal(&store, a.id).await.unwrap(),
        1,
        "the waiting one is queued"
    );
    let listed: Vec<_> = audit::list(store.db(), a.id, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(listed, vec![Some(3), Some(2), Some(1)]);
    let after = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!((after.sealed, after.first_broken), (3, None));
}

/// A transaction that took a smaller entry id but commits after a larger one was sealed: the queue still
/// holds its entry, so the next sealing chains it after the one that passed it. SQLite cannot show this
/// (its writers take turns), so it runs on the servers.
async fn a_late_commit_is_chained_after_the_entries_that_passed_it(backend: Backend) {
    let Some(db) = TestDb::create(backend).await else {
        return;
    };
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let slow = store.write().await.unwrap();
    let first = audit::append(&slow, a.id, record("payment_registered", 1), store.now())
        .await
        .unwrap();
    let fast = store.write().await.unwrap();
    let second = audit::append(&fast, a.id, record("payment_registered", 2), store.now())
        .await
        .unwrap();
    fast.commit_unsealed().await.unwrap();
    assert!(first.get() < second.get());

    assert_eq!(audit::seal(&store, a.id).await.unwrap(), 1);
    slow.commit_unsealed().await.unwrap();
    assert_eq!(audit::seal(&store, a.id).await.unwrap(), 1);

    let position = |id| {
        let store = &store;
        async move { audit::get(store.db(), a.id, id).await.unwrap().unwrap().seq }
    };
    assert_eq!(
        (position(second).await, position(first).await),
        (Some(1), Some(2))
    );
    let check = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!(
        (check.sealed, check.first_broken, check.unqueued),
        (2, None, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_commit_is_chained_after_the_entries_that_passed_it_on_postgres() {
    a_late_commit_is_chained_after_the_entries_that_passed_it(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_commit_is_chained_after_the_entries_that_passed_it_on_mysql() {
    a_late_commit_is_chained_after_the_entries_that_passed_it(Backend::MySql).await;
}

/// `audit verify` runs from cron while the server writes: entries committed and sealed between two of
/// its reads must not look like a broken chain or like entries outside it (it reported BROKEN in about
/// 3 of 40 runs when each count was its own statement).
async fn verify_never_reports_tampering_while_entries_are_written_and_sealed(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let tx = store.write().await.unwrap();
                    for _ in 0..3 {
                        n += 1;
                        audit::append(
                            &tx,
                            a.id,
                            record("payment_registered", w * 1_000_000 + n),
                            store.now(),
                        )
                        .await
                        .unwrap();
                    }
                    // Each commit seals, so seals land between the verifier's reads too.
                    tx.commit().await.unwrap();
                }
                n
            })
        })
        .collect();
    for run in 0..40 {
        let check = audit::verify_consistent(&store, a.id).await.unwrap();
        assert_eq!(
            (check.first_broken.as_ref(), check.unqueued),
            (None, 0),
            "run {run} reported tampering that did not happen: {check:?}"
        );
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut written = 0;
    for writer in writers {
        written += writer.await.unwrap();
    }
    let last = audit::verify_consistent(&store, a.id).await.unwrap();
    assert_eq!((last.first_broken, last.unqueued), (None, 0));
    assert_eq!(
        last.sealed, written as u64,
        "every entry written was chained"
    );
}
