use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_reversal")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub payment_id: i64,
    pub loan_id: i64,
    pub amount: i64,
    /// Local date in the tenant's zone.
    pub reversed_on: Date,
    pub reason: String,
    pub reversed_by_kind: Option<String>,
    pub reversed_by_id: Option<i64>,
    pub reversed_by_label: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
