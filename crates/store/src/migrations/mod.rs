//! Schema migrations: one ordered list, written once with SeaQuery for all three backends.
//!
//! Applied versions are rows of `schema_migration`. Running the migrator again applies nothing
//! (idempotent); `/readyz` reports not ready while a version is pending.

mod columns;
mod m0001_foundation;
mod m0002_lending;
mod m0003_audit_seal;
mod m0004_room_for_updates;
mod m0005_outbox_claims;
mod m0006_period_cut;
mod m0007_job_runs;
mod m0008_server_secrets;
mod m0009_notifications;
mod m0010_client_search_name;
mod m0011_product_limits;
mod m0012_exact_keys;
mod m0013_assistant_reply_outbox;
mod m0014_backup_tasks;
mod m0015_assistant;
mod m0016_assistant_channels;

use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{ColumnDef, Expr, ExprTrait, Query, Table};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use std::future::Future;
use std::pin::Pin;

pub(crate) type Step = fn(DbBackend) -> Vec<Statement>;

/// Data a migration rewrites after its statements, in the same transaction, with code of the domain
/// (a backfill that must compute exactly what the application writes, e.g. a folded name).
pub(crate) type Backfill =
    for<'a> fn(
        &'a DatabaseTransaction,
    ) -> Pin<Box<dyn Future<Output = Result<(), sea_orm::DbErr>> + Send + 'a>>;

/// A migration: its version, a name for humans, the statements it runs and the data it rewrites.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    statements: Step,
    backfill: Option<Backfill>,
}

fn all() -> Vec<Migration> {
    vec![
        Migration {
            version: 1,
            name: "foundation",
            statements: m0001_foundation::statements,
            backfill: None,
        },
        Migration {
            version: 2,
            name: "lending",
            statements: m0002_lending::statements,
            backfill: None,
        },
        Migration {
            version: 3,
            name: "audit_seal",
            statements: m0003_audit_seal::statements,
            backfill: None,
        },
        Migration {
            version: 4,
            name: "room_for_updates",
            statements: m0004_room_for_updates::statements,
            backfill: None,
        },
        Migration {
            version: 5,
            name: "outbox_claims",
            statements: m0005_outbox_claims::statements,
            backfill: None,
        },
        Migration {
            version: 6,
            name: "period_cut",
            statements: m0006_period_cut::statements,
            backfill: None,
        },
        Migration {
            version: 7,
            name: "job_runs",
            statements: m0007_job_runs::statements,
            backfill: None,
        },
        Migration {
            version: 8,
            name: "server_secrets",
            statements: m0008_server_secrets::statements,
            backfill: None,
        },
        Migration {
            version: 9,
            name: "notifications",
            statements: m0009_notifications::statements,
            backfill: None,
        },
        Migration {
            version: 10,
            name: "client_search_name",
            statements: m0010_client_search_name::statements,
            backfill: Some(|tx| Box::pin(m0010_client_search_name::backfill(tx))),
        },
        Migration {
            version: 11,
            name: "product_limits",
            statements: m0011_product_limits::statements,
            backfill: None,
        },
        Migration {
            version: 12,
            name: "exact_keys",
            statements: m0012_exact_keys::statements,
            backfill: None,
        },
        Migration {
            version: 13,
            name: "assistant_reply_outbox",
            statements: m0013_assistant_reply_outbox::statements,
            backfill: None,
        },
        Migration {
            version: 14,
            name: "backup_tasks",
            statements: m0014_backup_tasks::statements,
            backfill: None,
        },
        Migration {
            version: 15,
            name: "assistant",
            statements: m0015_assistant::statements,
            backfill: None,
        },
        Migration {
            version: 16,
            name: "assistant_channels",
            statements: m0016_assistant_channels::statements,
            backfill: None,
        },
    ]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub applied: Vec<(i64, &'static str)>,
    pub already_current: usize,
}

/// Applies every pending migration in order. Each runs in its own transaction where the backend allows
/// DDL in transactions (SQLite, PostgreSQL); on MySQL a failed migration is reported with its version.
pub async fn run(store: &Store) -> Result<MigrationReport, StoreError> {
    run_until(store, i64::MAX).await
}

/// Applies the pending migrations up to version `last`: a migration's tests use it to build the schema
/// that came before it.
pub async fn run_until(store: &Store, last: i64) -> Result<MigrationReport, StoreError> {
    ensure_ledger(store).await?;
    let done = applied_versions(store).await?;
    let backend = store.backend();
    let mut report = MigrationReport {
        applied: Vec::new(),
        already_current: 0,
    };
    for migration in all().into_iter().filter(|m| m.version <= last) {
        if done.contains(&migration.version) {
            report.already_current += 1;
            continue;
        }
        let tx = store.write().await?;
        apply(&tx, backend, &migration, store.now())
            .await
            .map_err(|source| StoreError::Migration {
                version: migration.version,
                name: migration.name,
                source,
            })?;
        tx.commit().await?;
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "migration applied"
        );
        report.applied.push((migration.version, migration.name));
    }
    Ok(report)
}

/// Versions this binary knows that the database has not applied yet.
pub async fn pending(store: &Store) -> Result<Vec<i64>, StoreError> {
    ensure_ledger(store).await?;
    let done = applied_versions(store).await?;
    Ok(all()
        .into_iter()
        .map(|m| m.version)
        .filter(|v| !done.contains(v))
        .collect())
}

/// Versions the database has applied, ascending (what a backup's manifest records as its schema).
pub async fn applied(store: &Store) -> Result<Vec<i64>, StoreError> {
    ensure_ledger(store).await?;
    let mut done = applied_versions(store).await?;
    done.sort_unstable();
    Ok(done)
}

/// The newest migration this binary knows.
pub fn latest_known() -> i64 {
    all().iter().map(|m| m.version).max().unwrap_or(0)
}

async fn apply(
    tx: &DatabaseTransaction,
    backend: DbBackend,
    migration: &Migration,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    for statement in (migration.statements)(backend) {
        tx.execute_raw(statement).await?;
    }
    if let Some(backfill) = migration.backfill {
        backfill(tx).await?;
    }
    let insert = Query::insert()
        .into_table("schema_migration")
        .columns(["version", "name", "applied_at"])
        .values_panic([migration.version.into(), migration.name.into(), now.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

async fn ensure_ledger(store: &Store) -> Result<(), StoreError> {
    let backend = store.backend();
    let create = Table::create()
        .table("schema_migration")
        .if_not_exists()
        .col(
            ColumnDef::new("version")
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(ColumnDef::new("name").string_len(100).not_null())
        .col(columns::instant(backend, "applied_at").not_null())
        .to_owned();
    store.db().execute(&create).await?;
    Ok(())
}

async fn applied_versions(store: &Store) -> Result<Vec<i64>, StoreError> {
    let select = Query::select()
        .column("version")
        .from("schema_migration")
        .and_where(Expr::col("version").gt(0))
        .to_owned();
    let rows = store.db().query_all(&select).await?;
    rows.iter()
        .map(|r| r.try_get::<i64>("", "version").map_err(StoreError::from))
        .collect()
}
