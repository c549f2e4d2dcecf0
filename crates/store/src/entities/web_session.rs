use credinet_core::masked::Masked;
use sea_orm::entity::prelude::*;

/// A browser session row; `Debug` prints neither the token digest nor the CSRF token.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "web_session")]
pub struct Model {
    /// SHA-256 of the cookie token: a leaked table does not hand out sessions.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub tenant_id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("web_session::Model")
            .field("id", &Masked::new(()))
            .field("tenant_id", &self.tenant_id)
            .field("user_id", &self.user_id)
            .field("csrf_token", &Masked::new(()))
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("ip", &self.ip)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}
