use sea_orm::entity::prelude::*;

/// Who may run a job for one scope until when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "job_lease")]
pub struct Model {
    /// `job` for a system job, `job/tenant id` for a per-tenant one.
    #[sea_orm(primary_key, auto_increment = false)]
    pub lease_key: String,
    /// A random token per acquisition, so two tasks of one process are two holders.
    pub holder: String,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
