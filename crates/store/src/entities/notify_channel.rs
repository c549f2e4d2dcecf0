use sea_orm::entity::prelude::*;

/// A place notifications go: a Telegram bot and its chats, a Discord webhook, an SMTP mailbox or an
/// HTTP webhook. `tenant_id` NULL: the installation's own channel (for events of no tenant).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notify_channel")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: Option<i64>,
    pub name: String,
    pub kind: String,
    /// JSON with the channel's secrets: never printed (see the Debug below).
    pub config: String,
    pub enabled: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("notify_channel::Model")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("config", &"***")
            .field("enabled", &self.enabled)
            .finish()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
