use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub loan_id: i64,
    pub amount: i64,
    /// Local date in the tenant's zone.
    pub paid_on: Date,
    pub method: String,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    /// SHA-256 of the request body's canonical form: a retry with the same key must match it.
    pub request_hash: String,
    pub registered_by_kind: Option<String>,
    pub registered_by_id: Option<i64>,
    pub registered_by_label: Option<String>,
    pub created_at: DateTimeUtc,
    pub reversed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
