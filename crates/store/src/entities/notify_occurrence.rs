use sea_orm::entity::prelude::*;

/// One event routed to one channel's group, waiting to be flushed into a message.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_occurrence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub group_id: i64,
    /// `domain_event` or `system_event`.
    pub source: String,
    pub source_id: i64,
    pub kind: String,
    /// What makes two occurrences "the same condition" (kind and entity).
    pub fingerprint: String,
    /// JSON: the event's data, for the template.
    pub payload: String,
    pub occurred_at: DateTimeUtc,
    pub flushed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
