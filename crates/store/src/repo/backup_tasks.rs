//! The backups page's tasks (`backup_task`): a backup or a verification started by an operator, its
//! progress while it runs and how it ended. Installation-wide rows (a backup holds every tenant); who
//! may see them is the page's rule (ADR 32), and one task at a time is the job lease, not this table.

use super::micros;
use crate::entities::backup_task;
use crate::{Store, StoreError, WriteTx};
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAction {
    Run,
    Verify,
}

impl TaskAction {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskAction::Run => "run",
            TaskAction::Verify => "verify",
        }
    }

    fn parse(raw: &str) -> Option<TaskAction> {
        [TaskAction::Run, TaskAction::Verify]
            .into_iter()
            .find(|a| a.as_str() == raw)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Running,
    Succeeded,
    Failed,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Running => "running",
            TaskStatus::Succeeded => "succeeded",
            TaskStatus::Failed => "failed",
        }
    }

    fn parse(raw: &str) -> Option<TaskStatus> {
        [
            TaskStatus::Running,
            TaskStatus::Succeeded,
            TaskStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.as_str() == raw)
    }
}

/// A task as the page reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupTask {
    pub id: i64,
    pub action: TaskAction,
    pub file: Option<String>,
    pub status: TaskStatus,
    pub stage: Option<String>,
    pub done_bytes: u64,
    pub total_bytes: Option<u64>,
    pub requested_by: String,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub detail: Option<String>,
}

/// Records a task as started, inside the transaction that audits the request.
pub async fn start(
    tx: &WriteTx,
    action: TaskAction,
    file: Option<&str>,
    tenant: TenantId,
    requested_by: &str,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let now = micros(now);
    let row = backup_task::ActiveModel {
        id: NotSet,
        action: Set(action.as_str().to_string()),
        file: Set(file.map(str::to_string)),
        status: Set(TaskStatus::Running.as_str().to_string()),
        stage: Set(None),
        done_bytes: Set(0),
        total_bytes: Set(None),
        requested_by_tenant: Set(tenant.get()),
        requested_by: Set(requested_by.chars().take(254).collect()),
        started_at: Set(now),
        updated_at: Set(now),
        ended_at: Set(None),
        detail: Set(None),
    }
    .insert(tx)
    .await?;
    Ok(row.id)
}

/// How far a running task got. Also its heartbeat: `updated_at` moves even when the bytes do not.
pub async fn progress(
    store: &Store,
    id: i64,
    stage: Option<&str>,
    done_bytes: u64,
    total_bytes: Option<u64>,
) -> Result<(), StoreError> {
    let tx = store.write().await?;
    backup_task::Entity::update_many()
        .col_expr(backup_task::Column::Stage, stage.map(str::to_string).into())
        .col_expr(backup_task::Column::DoneBytes, bytes(done_bytes).into())
        .col_expr(
            backup_task::Column::TotalBytes,
            total_bytes.map(bytes).into(),
        )
        .col_expr(backup_task::Column::UpdatedAt, store.now().into())
        .filter(backup_task::Column::Id.eq(id))
        .filter(backup_task::Column::Status.eq(TaskStatus::Running.as_str()))
        .exec(&tx)
        .await?;
    tx.commit().await
}

/// Records how a task ended: `file` is the backup it produced or verified, `detail` what it found.
pub async fn finish(
    store: &Store,
    id: i64,
    status: TaskStatus,
    file: Option<&str>,
    detail: Option<&str>,
) -> Result<(), StoreError> {
    let now = store.now();
    let tx = store.write().await?;
    let mut update = backup_task::Entity::update_many()
        .col_expr(backup_task::Column::Status, status.as_str().into())
        .col_expr(backup_task::Column::UpdatedAt, now.into())
        .col_expr(backup_task::Column::EndedAt, Some(now).into())
        .col_expr(
            backup_task::Column::Detail,
            detail.map(str::to_string).into(),
        );
    if let Some(file) = file {
        update = update.col_expr(backup_task::Column::File, Some(file.to_string()).into());
    }
    update
        .filter(backup_task::Column::Id.eq(id))
        .exec(&tx)
        .await?;
    tx.commit().await
}

/// The newest tasks, newest first.
pub async fn recent<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<BackupTask>, StoreError> {
    backup_task::Entity::find()
        .order_by_desc(backup_task::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(task)
        .collect()
}

pub async fn by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<BackupTask>, StoreError> {
    backup_task::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(task)
        .transpose()
}

fn bytes(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn task(row: backup_task::Model) -> Result<BackupTask, StoreError> {
    let corrupt =
        |field: &str| StoreError::Corrupt(format!("backup_task {} has an unknown {field}", row.id));
    Ok(BackupTask {
        id: row.id,
        action: TaskAction::parse(&row.action).ok_or_else(|| corrupt("action"))?,
        status: TaskStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
        file: row.file,
        stage: row.stage,
        done_bytes: u64::try_from(row.done_bytes).unwrap_or(0),
        total_bytes: row.total_bytes.and_then(|t| u64::try_from(t).ok()),
        requested_by: row.requested_by,
        started_at: row.started_at,
        updated_at: row.updated_at,
        ended_at: row.ended_at,
        detail: row.detail,
    })
}
