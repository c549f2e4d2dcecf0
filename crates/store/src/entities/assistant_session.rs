use sea_orm::entity::prelude::*;

/// A WhatsApp conversation: one per (tenant, channel, sender); its row is the lock that keeps its
/// messages in order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_session")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub channel: String,
    pub sender_key: String,
    pub client_id: Option<i64>,
    pub awaiting: String,
    pub candidate_client_id: Option<i64>,
    pub failed_attempts: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub handoff_until: Option<DateTimeUtc>,
    pub opted_out: bool,
    pub verified_at: Option<DateTimeUtc>,
    pub last_message_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
