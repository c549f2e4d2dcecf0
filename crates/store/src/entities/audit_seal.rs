use sea_orm::entity::prelude::*;

/// An entry's place in its tenant's hash chain, written once by the sealer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_seal")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    /// Position in the tenant chain, from 1 with no gaps.
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub entry_id: i64,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
