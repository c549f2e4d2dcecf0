//! The store on every backend: migrations, tenant scoping and the audit chain.

use chrono::Utc;
use credinet_core::ids::{AuditEntryId, TenantId, UserId};
use credinet_core::role::Role;
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_store::repo::audit::{self, Actor, Origin, Record};
use credinet_store::repo::{tenants, users};
use credinet_store::sea_orm::ConnectionTrait;
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};

mod assistant;
mod assistant_channels;
mod audit_chain;
mod bulk;
mod client_search;
mod key_listener;
mod outbox;
mod product_limits;
mod tenant_settings;

async fn migrated(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    store
}

async fn tenant(store: &Store, slug: &str) -> tenants::Tenant {
    let new = tenants::NewTenant {
        slug: TenantSlug::parse(slug).unwrap(),
        legal_name: format!("Financiera {slug} SA de CV"),
        zone: Zone::mexico_city(),
        currency: credinet_core::currency::Currency::MXN,
        settings: credinet_core::tenant_settings::TenantSettings::default(),
    };
    tenants::create(store.db(), new, store.now())
        .await
        .expect("create tenant")
}

fn new_user(email: &str) -> users::NewUser {
    users::NewUser {
        email: email.into(),
        full_name: "Ana Pérez".into(),
        role: Role::Cashier,
        password_hash: "not-a-real-hash".into(),
        must_change_password: false,
    }
}

fn record(action: &'static str, n: i64) -> Record {
    Record {
        actor: Actor::cli(),
        origin: Origin {
            ip: Some("127.0.0.1".into()),
            user_agent: Some("test".into()),
        },
        action,
        entity: "thing",
        entity_id: Some(n.to_string()),
        before: None,
        after: Some(serde_json::json!({"n": n, "amount": "1234.56"})),
    }
}

/// Appends `count` entries of `action` to `tenant`'s log in one committed transaction.
async fn appended(
    store: &Store,
    tenant: TenantId,
    action: &'static str,
    count: i64,
) -> Vec<AuditEntryId> {
    let tx = store.write().await.unwrap();
    let mut ids = Vec::new();
    for n in 0..count {
        ids.push(
            audit::append(&tx, tenant, record(action, n), store.now())
                .await
                .unwrap(),
        );
    }
    tx.commit_unsealed().await.unwrap();
    ids
}

each_backend!(
    migrations_are_idempotent,
    a_tenant_cannot_see_or_change_another_tenants_users,
    a_sealed_chain_verifies_and_a_tampered_row_is_found,
    a_deleted_audit_row_breaks_the_chain,
    instants_round_trip_to_the_microsecond,
    a_burst_larger_than_a_sealing_batch_is_chained_in_order,
);

async fn a_burst_larger_than_a_sealing_batch_is_chained_in_order(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    appended(&store, a.id, "payment_registered", 1_234).await;
    assert_eq!(audit::seal(&store, a.id).await.unwrap(), 1_234);
    let check = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!(
        (check.sealed, check.first_broken, check.stale_unsealed),
        (1_234, None, 0)
    );
    let newest = audit::list(store.db(), a.id, None, 1)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        newest.seq,
        Some(1_234),
        "ids and positions advance together"
    );
}

async fn migrations_are_idempotent(db: TestDb) {
    let store = Store::connect(&db.url).await.unwrap();
    let first = migrations::run(&store).await.unwrap();
    assert!(
        !first.applied.is_empty(),
        "{}: the first run applies the schema",
        db.backend
    );
    let second = migrations::run(&store).await.unwrap();
    assert!(
        second.applied.is_empty(),
        "{}: a second run applies nothing, got {:?}",
        db.backend,
        second.applied
    );
    assert_eq!(second.already_current, first.applied.len());
    assert!(migrations::pending(&store).await.unwrap().is_empty());
}

async fn a_tenant_cannot_see_or_change_another_tenants_users(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let b = tenant(&store, "caja-b").await;
    let ana = users::create(store.db(), a.id, new_user("ana@a.mx"), store.now())
        .await
        .unwrap();

    assert!(
        users::get(store.db(), b.id, ana.id)
            .await
            .unwrap()
            .is_none(),
        "B reads A's user by id"
    );
    assert!(
        users::list(store.db(), b.id).await.unwrap().is_empty(),
        "B lists A's users"
    );
    let change = users::UserChange {
        role: Some(Role::Admin),
        ..Default::default()
    };
    assert!(
        users::update(store.db(), b.id, ana.id, change, store.now())
            .await
            .unwrap()
            .is_none(),
        "B changes A's user"
    );
    assert_eq!(
        users::get(store.db(), a.id, ana.id)
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Cashier
    );
    assert!(
        users::credentials(store.db(), b.id, "ana@a.mx")
            .await
            .unwrap()
            .is_none()
    );

    // The same email may exist in both tenants, but not twice in one.
    users::create(store.db(), b.id, new_user("ANA@a.mx"), store.now())
        .await
        .unwrap();
    let duplicate = users::create(store.db(), a.id, new_user(" Ana@A.mx "), store.now())
        .await
        .unwrap_err();
    assert!(duplicate.is_unique_violation(), "{duplicate}");
    assert!(
        users::get(store.db(), a.id, UserId::new(999_999))
            .await
            .unwrap()
            .is_none()
    );
}

async fn a_sealed_chain_verifies_and_a_tampered_row_is_found(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let b = tenant(&store, "caja-b").await;
    let tx = store.write().await.unwrap();
    for n in 0..7 {
        audit::append(&tx, a.id, record("payment_registered", n), store.now())
            .await
            .unwrap();
        audit::append(&tx, b.id, record("user_login", n), store.now())
            .await
            .unwrap();
    }
    tx.commit_unsealed().await.unwrap();
    assert_eq!(audit::seal(&store, a.id).await.unwrap(), 7);
    assert_eq!(
        audit::seal(&store, a.id).await.unwrap(),
        0,
        "sealing again seals nothing"
    );
    let ok = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    assert_eq!((ok.sealed, ok.first_broken.clone()), (7, None));

    // B's entries are not in A's chain or listing, and are still unsealed.
    assert!(
        audit::list(store.db(), a.id, None, 100)
            .await
            .unwrap()
            .iter()
            .all(|e| e.action == "payment_registered")
    );
    let b_entry = audit::list(store.db(), b.id, None, 1).await.unwrap()[0].id;
    assert!(
        audit::get(store.db(), a.id, b_entry)
            .await
            .unwrap()
            .is_none()
    );

    // Someone edits the amount of the fourth entry directly in the database.
    store
        .db()
        .execute_unprepared(&format!(
            "UPDATE audit_entry SET after_json = '{{\"n\":3,\"amount\":\"9999.99\"}}' \
             WHERE id = (SELECT entry_id FROM audit_seal WHERE tenant_id = {} AND seq = 4)",
            a.id
        ))
        .await
        .unwrap();
    let broken = audit::verify(store.db(), a.id, store.now()).await.unwrap();
    let link = broken.first_broken.expect("the tampered row is found");
    assert_eq!(link.seq, 4);
    assert!(link.reason.contains("content"), "{}", link.reason);
    assert_eq!(
        audit::verify(store.db(), b.id, store.now())
            .await
            .unwrap()
            .sealed,
        0
    );
    let _ = TenantId::new(0);
}

async fn a_deleted_audit_row_breaks_the_chain(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    appended(&store, a.id, "loan_approved", 5).await;
    audit::seal(&store, a.id).await.unwrap();
    let second = audit::list(store.db(), a.id, None, 5).await.unwrap()[3].clone();
    assert_eq!(second.seq, Some(2));
    for statement in [
        format!(
            "DELETE FROM audit_seal WHERE tenant_id = {} AND seq = 2",
            a.id
        ),
        format!("DELETE FROM audit_entry WHERE id = {}", second.id),
    ] {
        store.db().execute_unprepared(&statement).await.unwrap();
    }
    let link = audit::verify(store.db(), a.id, store.now())
        .await
        .unwrap()
        .first_broken
        .expect("a gap is found");
    assert_eq!(link.seq, 2);
    assert!(link.reason.contains("missing"), "{}", link.reason);
}

async fn instants_round_trip_to_the_microsecond(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let at = chrono::DateTime::parse_from_rfc3339("2026-03-07T23:59:59.123456-06:00")
        .unwrap()
        .with_timezone(&Utc);
    let tx = store.write().await.unwrap();
    let id = audit::append(&tx, a.id, record("x", 1), at).await.unwrap();
    tx.commit().await.unwrap();
    let entry = audit::get(store.db(), a.id, id).await.unwrap().unwrap();
    assert_eq!(
        entry.at, at,
        "{}: instants must not shift or lose precision",
        db.backend
    );
}

/// The server takes over SQLite's WAL checkpoints (so no commit pays for one): the log then grows past
/// SQLite's own threshold of 1,000 pages until the background checkpoint copies all of it.
#[tokio::test]
async fn sqlite_checkpoints_move_off_the_writer_and_still_copy_everything() {
    let db = TestDb::create(credinet_store::testing::Backend::Sqlite)
        .await
        .unwrap();
    let store = migrated(&db).await;
    assert!(store.checkpoint_wal_elsewhere().await.unwrap());
    let a = tenant(&store, "caja-wal").await;
    let big = "x".repeat(4_000);
    for chunk in 0..4 {
        let tx = store.write().await.unwrap();
        let records = (0..1_000)
            .map(|n| {
                let mut r = record("payment_registered", chunk * 1_000 + n);
                r.before = Some(serde_json::json!({ "padding": big }));
                r
            })
            .collect();
        audit::append_many(&tx, a.id, records, store.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let path = db.url.trim_start_matches("sqlite://");
    let wal = std::fs::metadata(format!("{path}-wal")).unwrap().len();
    assert!(
        wal > 8 * 1024 * 1024,
        "the writer did not checkpoint (log of {wal} bytes)"
    );
    assert_eq!(store.checkpoint_wal().await.unwrap(), 0, "all of it copied");
    let since = store.now() - chrono::Duration::hours(1);
    assert_eq!(
        audit::count_since(store.db(), a.id, since).await.unwrap(),
        4_000
    );

    let other = Store::connect("sqlite::memory:").await.unwrap();
    assert_eq!(other.checkpoint_wal().await.unwrap(), 0);
}

/// A passive checkpoint never lets the log start over while a reader is inside it, and under steady
/// load one always is: the log only grew (69 → 871 MB in two minutes, issue 16). Past the store's
/// limit the next checkpoint empties it, whatever readers came and went while it grew; closing the
/// store empties it too.
#[tokio::test]
async fn sqlite_wal_past_its_limit_is_emptied_by_the_next_checkpoint_and_at_close() {
    let db = TestDb::create(credinet_store::testing::Backend::Sqlite)
        .await
        .unwrap();
    let limit_mib = 2;
    let store = Store::open(&credinet_store::StoreSettings {
        database_url: db.url.clone(),
        sqlite_wal_limit_mib: limit_mib,
        ..Default::default()
    })
    .await
    .unwrap();
    assert!(store.checkpoint_wal_elsewhere().await.unwrap());
    let a = tenant(&store, "caja-wal-limite").await;
    let wal = format!("{}-wal", db.url.trim_start_matches("sqlite://"));
    let wal_bytes = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let limit_bytes = limit_mib * 1024 * 1024;
    let big = "x".repeat(4_000);
    for round in 0..3 {
        // A reader in the log while it grows, as a request reading a key or a loan would be.
        let reader = store.snapshot().await.unwrap();
        let before = audit::count_since(&reader, a.id, store.now() - chrono::Duration::hours(1))
            .await
            .unwrap();
        let tx = store.write().await.unwrap();
        let records = (0..1_000)
            .map(|n| {
                let mut r = record("payment_registered", round * 1_000 + n);
                r.before = Some(serde_json::json!({ "padding": big }));
                r
            })
            .collect();
        audit::append_many(&tx, a.id, records, store.now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        reader.commit().await.unwrap();
        assert_eq!(before, round as u64 * 1_000);
        assert!(
            wal_bytes() > limit_bytes,
            "round {round}: the log should have passed the limit ({} bytes)",
            wal_bytes()
        );

        assert_eq!(store.checkpoint_wal().await.unwrap(), 0, "all of it copied");
        assert!(
            wal_bytes() <= limit_bytes,
            "round {round}: the log is still {} bytes after a checkpoint, above the limit of {limit_bytes}",
            wal_bytes()
        );
    }
    let since = store.now() - chrono::Duration::hours(1);
    assert_eq!(
        audit::count_since(store.db(), a.id, since).await.unwrap(),
        3_000,
        "nothing was lost by emptying the log"
    );

    let tx = store.write().await.unwrap();
    audit::append(&tx, a.id, record("payment_registered", 9_999), store.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(wal_bytes() > 0);
    store.close().await.unwrap();
    assert_eq!(
        wal_bytes(),
        0,
        "closing the store leaves no log to read at the next start"
    );
    let reopened = migrated(&db).await;
    assert_eq!(
        audit::count_since(reopened.db(), a.id, since)
            .await
            .unwrap(),
        3_001
    );
}

/// PostgreSQL: the tables every payment updates leave room on their pages, so the update of a loan's
/// balance or an installment's paid amounts stays on its page and touches no index (migration 4).
#[tokio::test]
async fn postgres_leaves_room_for_the_updates_of_each_payment() {
    let Some(db) = TestDb::create(credinet_store::testing::Backend::Postgres).await else {
        return;
    };
    let store = migrated(&db).await;
    for table in ["loan", "installment"] {
        let row = store
            .db()
            .query_one_raw(credinet_store::sea_orm::Statement::from_string(
                credinet_store::sea_orm::DbBackend::Postgres,
                format!("SELECT array_to_string(reloptions, ',') AS options FROM pg_class WHERE relname = '{table}'"),
            ))
            .await
            .unwrap()
            .unwrap();
        let options: Option<String> = row.try_get("", "options").unwrap();
        assert_eq!(options.as_deref(), Some("fillfactor=85"), "{table}");
    }
}
