//! A migrated database with a tenant whose audit log a writer keeps appending to, and helpers to read
//! back what a database holds.

use chrono::{DateTime, TimeZone, Utc};
use credinet_core::currency::Currency;
use credinet_core::slug::TenantSlug;
use credinet_core::tenant_settings::TenantSettings;
use credinet_core::zone::Zone;
use credinet_ops::backup::{BackupSettings, DatabaseTarget, NoProgress, Progress, Retention};
use credinet_store::entities::{audit_entry, tenant};
use credinet_store::repo::audit::{self, Actor, Origin, Record};
use credinet_store::repo::tenants::{self, Tenant};
use credinet_store::sea_orm::{ConnectionTrait, EntityTrait, QueryOrder, Statement};
use credinet_store::testing::TestDb;
use credinet_store::{Store, migrations};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

pub fn quiet() -> Arc<dyn Progress> {
    Arc::new(NoProgress)
}

pub fn settings(dir: &Path) -> BackupSettings {
    BackupSettings {
        dir: dir.to_path_buf(),
        retention: Retention::default(),
        offsite: Default::default(),
    }
}

pub async fn migrated(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    store
}

pub fn target(db: &TestDb) -> DatabaseTarget {
    DatabaseTarget::parse(&db.url).expect("test database URL")
}

pub async fn tenant(store: &Store, slug: &str) -> Tenant {
    let new = tenants::NewTenant {
        slug: TenantSlug::parse(slug).unwrap(),
        legal_name: format!("Financiera {slug} SA de CV"),
        zone: Zone::mexico_city(),
        currency: Currency::MXN,
        settings: TenantSettings::default(),
    };
    tenants::create(store.db(), new, store.now())
        .await
        .expect("create tenant")
}

/// Appends one audited entry for `tenant` in its own write transaction; returns its entity id.
pub async fn append_entry(store: &Store, tenant: &Tenant, n: u64, note: &str) -> String {
    append(store, tenant, "backup_test.tick", n, note).await
}

async fn append(
    store: &Store,
    tenant: &Tenant,
    action: &'static str,
    n: u64,
    note: &str,
) -> String {
    let tx = store.write().await.expect("begin");
    let entity_id = format!("{n}");
    audit::append(
        &tx,
        tenant.id,
        Record {
            actor: Actor::system(),
            origin: Origin::default(),
            action,
            entity: "tick",
            entity_id: Some(entity_id.clone()),
            before: None,
            after: Some(serde_json::json!({ "n": n, "note": note })),
        },
        store.now(),
    )
    .await
    .expect("append");
    tx.commit().await.expect("commit");
    entity_id
}

const WRITER: &str = "backup_test.writer";

/// Appends entries one after another until told to stop; `committed` holds, in order, the entity id of
/// every entry whose transaction committed.
pub struct Writer {
    pub committed: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    handle: tokio::task::JoinHandle<()>,
}

impl Writer {
    pub fn start(store: Store, tenant: Tenant) -> Writer {
        let committed = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (committed.clone(), stop.clone());
        let handle = tokio::spawn(async move {
            let mut n = 0;
            while !s.load(Ordering::Relaxed) {
                n += 1;
                let id = append(&store, &tenant, WRITER, n, "while backing up").await;
                c.lock().unwrap().push(id);
            }
        });
        Writer {
            committed,
            stop,
            handle,
        }
    }

    pub fn count(&self) -> usize {
        self.committed.lock().unwrap().len()
    }

    pub async fn stop(self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.await.expect("writer");
        self.committed.lock().unwrap().clone()
    }
}

/// The writer's entries in a database, in id order.
pub async fn ticks(store: &Store) -> Vec<String> {
    rows(
        store,
        &format!("SELECT entity_id FROM audit_entry WHERE action = '{WRITER}' ORDER BY id"),
    )
    .await
}

/// Every audit entry and every tenant, whole rows in id order: the content a restore must bring back.
pub async fn content(store: &Store) -> (Vec<audit_entry::Model>, Vec<tenant::Model>) {
    let entries = audit_entry::Entity::find()
        .order_by_asc(audit_entry::Column::Id)
        .all(store.db())
        .await
        .expect("audit entries");
    let tenants = tenant::Entity::find()
        .order_by_asc(tenant::Column::Id)
        .all(store.db())
        .await
        .expect("tenants");
    (entries, tenants)
}

pub async fn rows(store: &Store, sql: &str) -> Vec<String> {
    store
        .db()
        .query_all_raw(Statement::from_string(store.backend(), sql.to_string()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            r.try_get_by_index::<String>(0)
                .or_else(|_| r.try_get_by_index::<i64>(0).map(|n| n.to_string()))
                .expect("a text or integer column")
        })
        .collect()
}

pub async fn count(store: &Store, table: &str) -> i64 {
    let row = store
        .db()
        .query_one_raw(Statement::from_string(
            store.backend(),
            format!("SELECT COUNT(*) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// The kinds of the installation events, oldest first.
pub async fn system_event_kinds(store: &Store) -> Vec<String> {
    rows(store, "SELECT kind FROM system_event ORDER BY id").await
}

/// Files in `dir`, hidden ones included, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
