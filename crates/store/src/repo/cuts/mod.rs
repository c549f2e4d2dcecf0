//! The period cut's rows (SPEC §3; migration 6 says what each column and mark is for).
//!
//! A cut is claimed once per (tenant, cut date) by inserting its `period_cut` row ([`claim`]). It then
//! goes through the tenant's loans in id order, one page per transaction: [`page::lock`] locks the cut
//! row and reads its checkpoint, [`page::load`] reads the next page of loans with everything the rules
//! need in a fixed number of set-based statements, and [`write::page`] stores the page's statements,
//! charges and marks and moves the checkpoint, all in that one transaction. Two runners of the same cut
//! queue on the cut row, so each page is cut once; a runner that dies leaves its page uncommitted and the
//! next run starts after the last committed one. [`finish`] sums the statements into the summary.

pub mod page;
pub mod write;

use super::{micros, portfolio::summed};
use crate::entities::{loan_statement, period_cut};
use crate::{StoreError, error::is_unique_violation};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::cut::CutSummary;
use credinet_core::money::Money;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

pub const RUNNING: &str = "running";
pub const DONE: &str = "done";

/// Loans of the tenant a cut on `cut_date` gives a statement to ([`eligible_loan`]).
pub(crate) fn eligible(tenant: TenantId, cut_date: NaiveDate) -> sea_orm::sea_query::Condition {
    sea_orm::sea_query::Condition::all()
        .add(Expr::col(("loan", "tenant_id")).eq(tenant.get()))
        .add(eligible_loan(cut_date))
}

/// Loans a cut on `cut_date` gives a statement to, whatever their tenant: disbursed before the cut
/// date, not cut on it yet, and either active (`disbursed`) or paid since their last statement (`paid`
/// with no statement yet or a last statement that still owed something). Written-off loans are out of
/// the cut.
pub(crate) fn eligible_loan(cut_date: NaiveDate) -> sea_orm::sea_query::Condition {
    use sea_orm::sea_query::Condition;
    let col = |c: &'static str| Expr::col(("loan", c));
    Condition::all()
        .add(col("disbursed_on").lt(cut_date))
        .add(
            Condition::any()
                .add(col("last_cut_on").is_null())
                .add(col("last_cut_on").lt(cut_date)),
        )
        .add(
            Condition::any().add(col("status").eq("disbursed")).add(
                Condition::all().add(col("status").eq("paid")).add(
                    Condition::any()
                        .add(col("statement_balance").is_null())
                        .add(col("statement_balance").ne(0i64)),
                ),
            ),
        )
}

/// How many loans a cut on `cut_date` has left to cut.
pub async fn eligible_count<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_date: NaiveDate,
) -> Result<i64, StoreError> {
    let select = Query::select()
        .expr_as(Func::count(Expr::col(("loan", "id"))), Alias::new("n"))
        .from("loan")
        .cond_where(eligible(tenant, cut_date))
        .to_owned();
    let row = db.query_one(&select).await?;
    Ok(row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// Claims the cut of `cut_date`: inserts its row as running, or returns the row already there (running
/// or done) when another run claimed it first. `loans_total` is the progress bar's end.
pub async fn claim<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_date: NaiveDate,
    period_start: NaiveDate,
    loans_total: i64,
    now: DateTime<Utc>,
) -> Result<(period_cut::Model, bool), StoreError> {
    if let Some(existing) = by_date(db, tenant, cut_date).await? {
        return Ok((existing, false));
    }
    let row = period_cut::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        cut_date: Set(cut_date),
        period_start: Set(period_start),
        status: Set(RUNNING.into()),
        loans_total: Set(loans_total),
        loans_done: Set(0),
        pages_done: Set(0),
        last_loan_id: Set(0),
        started_at: Set(micros(now)),
        finished_at: Set(None),
        statements: Set(0),
        billed: Set(0),
        collected: Set(0),
        reversed: Set(0),
        charged: Set(0),
        overdue: Set(0),
        overdue_loans: Set(0),
        outstanding: Set(0),
        outstanding_principal: Set(0),
        par15_principal: Set(0),
        par30_principal: Set(0),
    };
    match row.insert(db).await {
        Ok(row) => Ok((row, true)),
        Err(e) if is_unique_violation(&e) => {
            let existing = by_date(db, tenant, cut_date).await?.ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "period cut of {cut_date} vanished after a conflict"
                ))
            })?;
            Ok((existing, false))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn by_date<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_date: NaiveDate,
) -> Result<Option<period_cut::Model>, StoreError> {
    Ok(period_cut::Entity::find()
        .filter(period_cut::Column::TenantId.eq(tenant.get()))
        .filter(period_cut::Column::CutDate.eq(cut_date))
        .one(db)
        .await?)
}

/// The tenant's latest cut (by date), running or done.
pub async fn latest<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Option<period_cut::Model>, StoreError> {
    Ok(period_cut::Entity::find()
        .filter(period_cut::Column::TenantId.eq(tenant.get()))
        .order_by_desc(period_cut::Column::CutDate)
        .one(db)
        .await?)
}

/// The tenant's cuts, newest first, and how many there are.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    offset: u64,
    limit: u64,
) -> Result<(Vec<period_cut::Model>, u64), StoreError> {
    let select = period_cut::Entity::find().filter(period_cut::Column::TenantId.eq(tenant.get()));
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(period_cut::Column::CutDate)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The statements of one cut, by loan id, and how many there are.
pub async fn statements_of_cut<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
    offset: u64,
    limit: u64,
) -> Result<(Vec<loan_statement::Model>, u64), StoreError> {
    let select = loan_statement::Entity::find()
        .filter(loan_statement::Column::TenantId.eq(tenant.get()))
        .filter(loan_statement::Column::CutId.eq(cut_id));
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(loan_statement::Column::LoanId)
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Every statement of one loan, oldest cut first.
pub async fn statements_of_loan<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
) -> Result<Vec<loan_statement::Model>, StoreError> {
    Ok(loan_statement::Entity::find()
        .filter(loan_statement::Column::TenantId.eq(tenant.get()))
        .filter(loan_statement::Column::LoanId.eq(loan.get()))
        .order_by_asc(loan_statement::Column::CutDate)
        .all(db)
        .await?)
}

/// Sums the cut's statements into its summary and marks it done, in `db`'s transaction. One aggregate
/// statement over `loan_statement`: the summary is whatever the statements say, never a running total
/// that a resumed run could count twice.
pub async fn finish<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
    now: DateTime<Utc>,
) -> Result<CutSummary, StoreError> {
    let b = db.get_database_backend();
    let s = |c: &'static str| Expr::col(("loan_statement", c));
    let late_by = |days: i32| {
        Expr::case(s("days_past_due").gt(days), s("outstanding_principal")).finally(0i64)
    };
    let sums: [(&str, Expr); 10] = [
        ("billed", s("billed")),
        ("collected", s("payments")),
        ("reversed", s("reversals")),
        ("charged", s("charges")),
        ("overdue", s("overdue")),
        (
            "overdue_loans",
            Expr::case(s("overdue_installments").gt(0), 1i64)
                .finally(0i64)
                .into(),
        ),
        ("outstanding", s("closing")),
        ("outstanding_principal", s("outstanding_principal")),
        ("par15_principal", late_by(15).into()),
        ("par30_principal", late_by(30).into()),
    ];
    let mut select = Query::select();
    select
        .expr_as(Func::count(s("id")), Alias::new("statements"))
        .from("loan_statement")
        .and_where(s("tenant_id").eq(tenant.get()))
        .and_where(s("cut_id").eq(cut_id));
    for (name, expr) in sums.iter().cloned() {
        select.expr_as(summed(b, expr), Alias::new(name));
    }
    let row = db
        .query_one(&select)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("no totals for period cut {cut_id}")))?;
    let get = |name: &str| row.try_get::<i64>("", name);
    let money = |name: &str| get(name).map(Money::from_centavos);
    let count = |name: &str| get(name).map(|n| u64::try_from(n).unwrap_or(0));
    let summary = CutSummary {
        loans: count("statements")?,
        billed: money("billed")?,
        collected: money("collected")?,
        reversed: money("reversed")?,
        charged: money("charged")?,
        overdue: money("overdue")?,
        overdue_loans: count("overdue_loans")?,
        outstanding: money("outstanding")?,
        outstanding_principal: money("outstanding_principal")?,
        par15_principal: money("par15_principal")?,
        par30_principal: money("par30_principal")?,
    };
    let mut update = Query::update();
    update
        .table("period_cut")
        .value("status", DONE)
        .value("finished_at", micros(now))
        .and_where(Expr::col("tenant_id").eq(tenant.get()))
        .and_where(Expr::col("id").eq(cut_id));
    for (name, _) in &sums {
        update.value(*name, get(name)?);
    }
    update.value("statements", get("statements")?);
    db.execute(&update).await?;
    Ok(summary)
}

/// The summary stored on a done cut's row.
pub fn summary_of(row: &period_cut::Model) -> CutSummary {
    let money = Money::from_centavos;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    CutSummary {
        loans: count(row.statements),
        billed: money(row.billed),
        collected: money(row.collected),
        reversed: money(row.reversed),
        charged: money(row.charged),
        overdue: money(row.overdue),
        overdue_loans: count(row.overdue_loans),
        outstanding: money(row.outstanding),
        outstanding_principal: money(row.outstanding_principal),
        par15_principal: money(row.par15_principal),
        par30_principal: money(row.par30_principal),
    }
}
