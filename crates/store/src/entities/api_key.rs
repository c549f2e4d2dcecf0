use credinet_core::masked::Masked;
use sea_orm::entity::prelude::*;

/// An API key row; `Debug` never prints the key's hash (it identifies the key, as a password hash does).
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_key")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    /// The first characters of the key, shown in lists so a person can tell keys apart.
    pub prefix: String,
    /// SHA-256 of the whole key; the key itself is shown once and never stored.
    pub key_hash: String,
    pub role: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("api_key::Model")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("name", &self.name)
            .field("prefix", &self.prefix)
            .field("key_hash", &Masked::new(()))
            .field("role", &self.role)
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("last_used_at", &self.last_used_at)
            .field("revoked_at", &self.revoked_at)
            .finish()
    }
}
