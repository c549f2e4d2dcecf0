use sea_orm::entity::prelude::*;

/// An event of the installation rather than of a tenant (`service_down`, `error_500`, `backup_failed`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "system_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// JSON.
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// When the notifier turned it into occurrences; NULL until then.
    pub routed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
