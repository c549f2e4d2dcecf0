use sea_orm::entity::prelude::*;

/// One run of a scheduled job (or an occurrence recorded as missed).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub job: String,
    /// NULL for a system job.
    pub tenant_id: Option<i64>,
    pub scheduled_for: DateTimeUtc,
    /// `schedule` or `manual`.
    pub run_trigger: String,
    /// `running`, `succeeded`, `failed` or `missed`.
    pub status: String,
    /// `job/scope/instant` for a scheduled run (unique); NULL for a manual one.
    pub occurrence: Option<String>,
    pub attempts: i64,
    pub started_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    /// JSON.
    pub summary: Option<String>,
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
