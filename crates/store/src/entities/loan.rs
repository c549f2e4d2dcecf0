use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "loan")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// The human loan number, unique per tenant.
    pub number: String,
    pub client_id: i64,
    pub product_id: i64,
    pub principal: i64,
    /// JSON snapshot of the product terms taken when the loan was created: a later change of the product
    /// never changes a loan already requested.
    pub terms: Option<String>,
    pub status: String,
    /// Incremented by every change of the row.
    pub version: i64,
    pub submitted_by_kind: Option<String>,
    pub submitted_by_id: Option<i64>,
    pub submitted_by_label: Option<String>,
    pub approved_by_kind: Option<String>,
    pub approved_by_id: Option<i64>,
    pub approved_by_label: Option<String>,
    pub rejected_by_kind: Option<String>,
    pub rejected_by_id: Option<i64>,
    pub rejected_by_label: Option<String>,
    pub written_off_by_kind: Option<String>,
    pub written_off_by_id: Option<i64>,
    pub written_off_by_label: Option<String>,
    pub rejection_reason: Option<String>,
    pub write_off_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub submitted_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub rejected_at: Option<DateTimeUtc>,
    pub disbursed_at: Option<DateTimeUtc>,
    pub paid_at: Option<DateTimeUtc>,
    pub written_off_at: Option<DateTimeUtc>,
    /// Local date of disbursement in the tenant's zone.
    pub disbursed_on: Option<Date>,
    pub opening_commission: Option<i64>,
    pub commission_iva: Option<i64>,
    pub net_disbursed: Option<i64>,
    /// CAT percentage with one decimal, as text.
    pub cat: Option<String>,
    /// Cached Σ of every installment component due (0 before disbursement).
    pub total_due: i64,
    /// Cached Σ paid over every installment component.
    pub total_paid: i64,
    /// Cached total_due − total_paid: always Σ installment outstanding.
    pub outstanding: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
