use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "client")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub full_name: String,
    /// E.164, e.g. `+525512345678`.
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<Date>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Argon2id hash of the PIN staff set for the assistant's verification.
    pub pin_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
