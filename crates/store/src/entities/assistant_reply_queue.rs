use sea_orm::entity::prelude::*;

/// A Cloud API reply on its way to the Graph API (migration 13): tried at `send_after`, `NULL` once it
/// was sent or given up (the reply's `status` on `assistant_message` says which).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assistant_reply_queue")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub message_id: i64,
    pub session_id: i64,
    pub attempts: i32,
    pub send_after: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
