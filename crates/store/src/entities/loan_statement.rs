use sea_orm::entity::prelude::*;

/// A loan's statement at one cut (SPEC §3); `closing = opening + charges − payments + reversals`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_statement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub cut_id: i64,
    pub loan_id: i64,
    pub cut_date: Date,
    pub opening: i64,
    pub late_fee: i64,
    pub late_fee_iva: i64,
    /// `late_fee + late_fee_iva`.
    pub charges: i64,
    pub payments: i64,
    pub reversals: i64,
    pub closing: i64,
    pub billed: i64,
    pub overdue: i64,
    pub overdue_installments: i32,
    pub days_past_due: i32,
    /// A `DelinquencyBucket` in snake_case (`d1_to15`).
    pub bucket: String,
    pub outstanding_principal: i64,
    pub next_due_date: Option<Date>,
    pub next_due_amount: i64,
    /// The loan's status once the cut was done (`disbursed` or `paid`).
    pub loan_status: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
