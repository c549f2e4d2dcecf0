use sea_orm::entity::prelude::*;

/// Occurrences of one event kind on one channel, flushed together (Alertmanager's group).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_group")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub channel_id: i64,
    pub group_key: String,
    /// The last time its pending occurrences were taken (sent or absorbed as a repeat).
    pub last_flush_at: Option<DateTimeUtc>,
    /// The last time a flush produced a message.
    pub last_sent_at: Option<DateTimeUtc>,
    /// What the last message announced (a hash of its distinct fingerprints).
    pub last_signature: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
