//! Reading cuts and statements back.

use super::error::CutError;
use super::{Cut, CutStatus, Statement, StatementLine};
use crate::loans::LoanStatus;
use crate::page::{Page, PageRequest};
use crate::support::parse_enum;
use chrono::NaiveDate;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::money::Money;
use credinet_store::entities::{loan_statement, period_cut};
use credinet_store::repo::cuts;
use credinet_store::{Store, StoreError};

/// The tenant's cut of `date`, if there is one.
pub async fn get(
    store: &Store,
    tenant: TenantId,
    date: NaiveDate,
) -> Result<Option<Cut>, CutError> {
    cuts::by_date(store.db(), tenant, date)
        .await?
        .map(to_cut)
        .transpose()
}

/// The tenant's latest cut, running or done.
pub async fn latest(store: &Store, tenant: TenantId) -> Result<Option<Cut>, CutError> {
    cuts::latest(store.db(), tenant)
        .await?
        .map(to_cut)
        .transpose()
}

/// The tenant's cuts, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    page: PageRequest,
) -> Result<Page<Cut>, CutError> {
    let page = page.clamped();
    let (rows, total) = cuts::list(store.db(), tenant, page.offset, page.limit).await?;
    Ok(Page {
        items: rows.into_iter().map(to_cut).collect::<Result<_, _>>()?,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

/// The statements of the tenant's cut of `date`, by loan; `None` when there is no such cut.
pub async fn statements_of_cut(
    store: &Store,
    tenant: TenantId,
    date: NaiveDate,
    page: PageRequest,
) -> Result<Option<Page<Statement>>, CutError> {
    let Some(cut) = cuts::by_date(store.db(), tenant, date).await? else {
        return Ok(None);
    };
    let page = page.clamped();
    let (rows, total) =
        cuts::statements_of_cut(store.db(), tenant, cut.id, page.offset, page.limit).await?;
    Ok(Some(Page {
        items: rows
            .into_iter()
            .map(to_statement)
            .collect::<Result<_, _>>()?,
        total,
        offset: page.offset,
        limit: page.limit,
    }))
}

/// Every statement of one loan of the tenant, oldest first (none for another tenant's loan).
pub async fn statements_of_loan(
    store: &Store,
    tenant: TenantId,
    loan: LoanId,
) -> Result<Vec<Statement>, CutError> {
    cuts::statements_of_loan(store.db(), tenant, loan)
        .await?
        .into_iter()
        .map(to_statement)
        .collect()
}

pub(super) async fn row(
    store: &Store,
    tenant: TenantId,
    cut_id: i64,
) -> Result<period_cut::Model, CutError> {
    use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    period_cut::Entity::find()
        .filter(period_cut::Column::TenantId.eq(tenant.get()))
        .filter(period_cut::Column::Id.eq(cut_id))
        .one(store.db())
        .await?
        .ok_or_else(|| CutError::Store(StoreError::NotFound(format!("period cut {cut_id}"))))
}

pub(super) fn to_cut(row: period_cut::Model) -> Result<Cut, CutError> {
    let status = match row.status.as_str() {
        cuts::RUNNING => CutStatus::Running,
        cuts::DONE => CutStatus::Done,
        other => {
            return Err(CutError::Store(StoreError::Corrupt(format!(
                "period cut {}: status '{other}'",
                row.id
            ))));
        }
    };
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(Cut {
        id: row.id,
        cut_date: row.cut_date,
        period_start: row.period_start,
        status,
        loans_total: count(row.loans_total),
        loans_done: count(row.loans_done),
        pages_done: count(row.pages_done),
        started_at: row.started_at,
        finished_at: row.finished_at,
        summary: (status == CutStatus::Done).then(|| cuts::summary_of(&row)),
    })
}

fn to_statement(row: loan_statement::Model) -> Result<Statement, CutError> {
    let corrupt = |what: String| {
        CutError::Store(StoreError::Corrupt(format!("statement {}: {what}", row.id)))
    };
    let money = Money::from_centavos;
    let count = |n: i32, what: &str| u32::try_from(n).map_err(|_| corrupt(format!("{what} {n}")));
    let bucket =
        parse_enum(&row.bucket, "delinquency bucket").map_err(|e| corrupt(e.to_string()))?;
    let loan_status = LoanStatus::parse(&row.loan_status)
        .ok_or_else(|| corrupt(format!("loan status '{}'", row.loan_status)))?;
    Ok(Statement {
        cut_id: row.cut_id,
        loan_id: LoanId::new(row.loan_id),
        cut_date: row.cut_date,
        line: StatementLine {
            opening: money(row.opening),
            late_fee: money(row.late_fee),
            late_fee_iva: money(row.late_fee_iva),
            payments: money(row.payments),
            reversals: money(row.reversals),
            closing: money(row.closing),
            billed: money(row.billed),
            overdue: money(row.overdue),
            overdue_installments: count(row.overdue_installments, "overdue installments")?,
            days_past_due: count(row.days_past_due, "days past due")?,
            bucket,
            outstanding_principal: money(row.outstanding_principal),
            next_due_date: row.next_due_date,
            next_due_amount: money(row.next_due_amount),
        },
        loan_status,
    })
}
