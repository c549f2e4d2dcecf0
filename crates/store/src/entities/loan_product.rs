use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan_product")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    pub periodicity: String,
    pub term_periods: i32,
    pub interest_method: String,
    /// Decimal fraction as text, e.g. `0.05`.
    pub rate_per_period: String,
    pub opening_commission_rate: String,
    pub iva_rate: String,
    /// Centavos.
    pub late_fee: i64,
    pub min_days_to_first_due: i32,
    /// Comma-separated components, e.g. `late_fee,late_fee_iva,interest_iva,interest,principal`.
    pub allocation_order: String,
    pub rounding: String,
    pub active: bool,
    /// Centavos: the smallest principal an application may ask for (migration 11).
    pub min_principal: i64,
    /// Centavos: the largest principal an application may ask for.
    pub max_principal: i64,
    pub min_term_periods: i32,
    pub max_term_periods: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
