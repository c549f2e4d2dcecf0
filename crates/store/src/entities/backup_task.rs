use sea_orm::entity::prelude::*;

/// A backup or verification started from the backups page, with its progress.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "backup_task")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `run` or `verify`.
    pub action: String,
    pub file: Option<String>,
    /// `running`, `succeeded` or `failed`.
    pub status: String,
    pub stage: Option<String>,
    pub done_bytes: i64,
    pub total_bytes: Option<i64>,
    pub requested_by_tenant: i64,
    pub requested_by: String,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
