use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_chain")]
pub struct Model {
    /// One row per tenant: the head of its audit hash chain.
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub last_seq: i64,
    pub last_hash: String,
    pub sealed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
