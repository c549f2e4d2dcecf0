use sea_orm::entity::prelude::*;

/// One period cut of a tenant: claimed once per cut date, checkpointed page by page, summarised when done.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "period_cut")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub cut_date: Date,
    /// The tenant's cut day before `cut_date`: the period is `[period_start, cut_date)`.
    pub period_start: Date,
    /// `running` or `done`.
    pub status: String,
    /// Loans to cut, counted when the cut was claimed (progress only).
    pub loans_total: i64,
    pub loans_done: i64,
    pub pages_done: i64,
    /// The checkpoint: every eligible loan up to this id has its statement.
    pub last_loan_id: i64,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// The summary (centavos and counts), zero until done.
    pub statements: i64,
    pub billed: i64,
    pub collected: i64,
    pub reversed: i64,
    pub charged: i64,
    pub overdue: i64,
    pub overdue_loans: i64,
    pub outstanding: i64,
    pub outstanding_principal: i64,
    pub par15_principal: i64,
    pub par30_principal: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
