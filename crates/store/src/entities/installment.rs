use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "installment")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub loan_id: i64,
    pub number: i32,
    pub due_date: Date,
    pub principal: i64,
    pub interest: i64,
    pub interest_iva: i64,
    /// Charged by a period cut; 0 until then.
    pub late_fee: i64,
    pub late_fee_iva: i64,
    pub paid_principal: i64,
    pub paid_interest: i64,
    pub paid_interest_iva: i64,
    pub paid_late_fee: i64,
    pub paid_late_fee_iva: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
