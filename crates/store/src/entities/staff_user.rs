use credinet_core::masked::Masked;
use sea_orm::entity::prelude::*;

/// A staff user row; `Debug` never prints the password hash.
#[derive(Clone, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub full_name: String,
    pub role: String,
    pub password_hash: String,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("staff_user::Model")
            .field("id", &self.id)
            .field("tenant_id", &self.tenant_id)
            .field("email", &self.email)
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .field("password_hash", &Masked::new(()))
            .field("active", &self.active)
            .field("must_change_password", &self.must_change_password)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}
