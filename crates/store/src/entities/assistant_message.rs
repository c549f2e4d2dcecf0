use sea_orm::entity::prelude::*;

/// A message of a WhatsApp conversation, either way.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub session_id: i64,
    pub channel: String,
    pub direction: String,
    pub channel_message_id: Option<String>,
    pub body: String,
    pub intent: Option<String>,
    pub confidence_pct: Option<i32>,
    pub template: Option<String>,
    pub template_version: Option<i32>,
    pub status: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
