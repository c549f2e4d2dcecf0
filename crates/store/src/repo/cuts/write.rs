//! Writing one page of a cut, in the page's transaction: the statements, the late fees charged, the
//! marks on installments, payments, reversals and loans, the loans that became paid (or owe again), and
//! the checkpoint. Each is one set-based statement for the whole page (the charges one per distinct fee).

use super::super::{micros, tenant_is};
use crate::StoreError;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::money::Money;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, Value};

/// A statement row to insert (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatement {
    pub loan_id: LoanId,
    pub opening: i64,
    pub late_fee: i64,
    pub late_fee_iva: i64,
    pub payments: i64,
    pub reversals: i64,
    pub closing: i64,
    pub billed: i64,
    pub overdue: i64,
    pub overdue_installments: i32,
    pub days_past_due: i32,
    pub bucket: String,
    pub outstanding_principal: i64,
    pub next_due_date: Option<NaiveDate>,
    pub next_due_amount: i64,
    pub loan_status: String,
}

/// The same late fee and IVA charged to several newly overdue installments (ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub fee: Money,
    pub iva: Money,
    pub installments: Vec<i64>,
}

/// Everything one page writes.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub statements: Vec<NewStatement>,
    pub charges: Vec<Charge>,
    /// Loans that owe nothing once the cut is done and were not `paid` yet.
    pub paid_off: Vec<LoanId>,
    /// Loans that were `paid` and owe again (a late fee for a date before their payoff was booked).
    pub reopened: Vec<LoanId>,
    /// The last loan of the page: the new checkpoint.
    pub last_loan_id: i64,
}

/// Rows per INSERT: 21 values each, under SQLite's 32,766 bound parameters.
const STATEMENT_BATCH: usize = 1_000;

/// Writes `page` of the cut `cut_id` on `cut_date`, and moves its checkpoint from `checkpoint`. Fails
/// (and the caller rolls back) if the checkpoint moved meanwhile, which the cut row's lock prevents.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
    cut_date: NaiveDate,
    checkpoint: i64,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = micros(now);
    let loans: Vec<i64> = page.statements.iter().map(|s| s.loan_id.get()).collect();
    insert_statements(db, tenant, cut_id, cut_date, &page.statements).await?;
    for charge in &page.charges {
        let update = Query::update()
            .table("installment")
            .value("late_fee", Expr::col("late_fee").add(charge.fee.centavos()))
            .value(
                "late_fee_iva",
                Expr::col("late_fee_iva").add(charge.iva.centavos()),
            )
            .value("overdue_cut_on", cut_date)
            .and_where(tenant_is("tenant_id", tenant))
            .and_where(Expr::col("id").is_in(charge.installments.iter().copied()))
            .to_owned();
        db.execute(&update).await?;
    }
    for (table, date_col) in [("payment", "paid_on"), ("payment_reversal", "reversed_on")] {
        let update = Query::update()
            .table(table)
            .value("cut_on", cut_date)
            .and_where(Expr::col("tenant_id").eq(tenant.get()))
            .and_where(Expr::col("loan_id").is_in(loans.iter().copied()))
            .and_where(Expr::col("cut_on").is_null())
            .and_where(super::page::before(Expr::col(date_col), cut_date))
            .to_owned();
        db.execute(&update).await?;
    }
    mark_loans(db, tenant, cut_date, &loans, now).await?;
    for (ids, status, paid_at) in [
        (&page.paid_off, "paid", Some(now)),
        (&page.reopened, "disbursed", None),
    ] {
        if ids.is_empty() {
            continue;
        }
        let update = Query::update()
            .table("loan")
            .value("status", status)
            .value("paid_at", paid_at)
            .and_where(tenant_is("tenant_id", tenant))
            .and_where(Expr::col("id").is_in(ids.iter().map(|id| id.get())))
            .to_owned();
        db.execute(&update).await?;
    }
    let advance = Query::update()
        .table("period_cut")
        .value("last_loan_id", page.last_loan_id)
        .value(
            "loans_done",
            Expr::col("loans_done").add(loans.len() as i64),
        )
        .value("pages_done", Expr::col("pages_done").add(1))
        .and_where(Expr::col("tenant_id").eq(tenant.get()))
        .and_where(Expr::col("id").eq(cut_id))
        .and_where(Expr::col("last_loan_id").eq(checkpoint))
        .to_owned();
    let moved = db.execute(&advance).await?;
    if moved.rows_affected() != 1 {
        return Err(StoreError::Corrupt(format!(
            "period cut {cut_id}: its checkpoint moved from {checkpoint} while a page was cut"
        )));
    }
    Ok(())
}

async fn insert_statements<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
    cut_date: NaiveDate,
    statements: &[NewStatement],
) -> Result<(), StoreError> {
    for chunk in statements.chunks(STATEMENT_BATCH) {
        let mut insert = Query::insert();
        insert.into_table("loan_statement").columns([
            "tenant_id",
            "cut_id",
            "loan_id",
            "cut_date",
            "opening",
            "late_fee",
            "late_fee_iva",
            "charges",
            "payments",
            "reversals",
            "closing",
            "billed",
            "overdue",
            "overdue_installments",
            "days_past_due",
            "bucket",
            "outstanding_principal",
            "next_due_date",
            "next_due_amount",
            "loan_status",
        ]);
        for s in chunk {
            let values: [Value; 20] = [
                tenant.get().into(),
                cut_id.into(),
                s.loan_id.get().into(),
                cut_date.into(),
                s.opening.into(),
                s.late_fee.into(),
                s.late_fee_iva.into(),
                (s.late_fee + s.late_fee_iva).into(),
                s.payments.into(),
                s.reversals.into(),
                s.closing.into(),
                s.billed.into(),
                s.overdue.into(),
                s.overdue_installments.into(),
                s.days_past_due.into(),
                s.bucket.clone().into(),
                s.outstanding_principal.into(),
                s.next_due_date.into(),
                s.next_due_amount.into(),
                s.loan_status.clone().into(),
            ];
            insert
                .values(values.map(Expr::val))
                .map_err(|e| StoreError::Corrupt(format!("statement row: {e}")))?;
        }
        db.execute(&insert).await?;
    }
    Ok(())
}

/// Marks the page's loans cut on `cut_date` and carries each statement onto its loan: the closing is
/// the next statement's opening, the charges raise what is due and owed. Read back from the statements
/// just inserted, so one statement updates every loan of the page with its own amounts.
async fn mark_loans<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_date: NaiveDate,
    loans: &[i64],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let of_statement = |column: &'static str| {
        Expr::from(
            Query::select()
                .column(("loan_statement", column))
                .from("loan_statement")
                .and_where(Expr::col(("loan_statement", "tenant_id")).eq(tenant.get()))
                .and_where(Expr::col(("loan_statement", "loan_id")).equals(("loan", "id")))
                .and_where(Expr::col(("loan_statement", "cut_date")).eq(cut_date))
                .to_owned(),
        )
    };
    let update = Query::update()
        .table("loan")
        .value("last_cut_on", cut_date)
        .value("statement_balance", of_statement("closing"))
        .value(
            "total_due",
            Expr::col(("loan", "total_due")).add(of_statement("charges")),
        )
        .value(
            "outstanding",
            Expr::col(("loan", "outstanding")).add(of_statement("charges")),
        )
        .value("version", Expr::col(("loan", "version")).add(1))
        .value("updated_at", now)
        .and_where(tenant_is(("loan", "tenant_id"), tenant))
        .and_where(Expr::col(("loan", "id")).is_in(loans.iter().copied()))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}
