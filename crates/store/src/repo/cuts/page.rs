//! Reading one page of a cut: the cut row locked with its checkpoint, then the next loans after it with
//! their installments as of the cut date and the payments and reversals no statement has counted yet.
//! A page costs six statements whatever its size; nothing here is read per loan, and the installments
//! come one row per loan.

use super::eligible_loan;
use crate::StoreError;
use crate::entities::period_cut;
use crate::repo::portfolio::summed;
use crate::repo::tenant_is;
use chrono::NaiveDate;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::allocation::{Component, Components};
use credinet_core::money::Money;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect};
use std::collections::HashMap;

/// A loan of the page as the cut needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageLoan {
    pub id: LoanId,
    /// JSON snapshot of the product terms (late fee, IVA rate, rounding).
    pub terms: String,
    pub status: String,
    /// What the loan owes now (its cached outstanding), before the cut's charges.
    pub owed_now: Money,
    /// The closing of its previous statement; `None` before its first.
    pub statement_balance: Option<Money>,
    /// Payments and reversals dated before the cut date that no statement counted yet.
    pub payments: Money,
    pub reversals: Money,
    /// By number.
    pub installments: Vec<PageInstallment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageInstallment {
    pub id: i64,
    pub number: i32,
    pub due_date: NaiveDate,
    /// Due before this cut's charges.
    pub due: Components,
    /// Paid by payments dated before the cut date and not reversed before it.
    pub paid: Components,
    /// The cut that found it overdue and charged its late fee, if one did.
    pub overdue_cut_on: Option<NaiveDate>,
}

/// The cut row, locked until the transaction ends (`FOR UPDATE`; on SQLite the write transaction is
/// the lock): runners of one cut take pages one after another, never the same page twice.
pub async fn lock<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_id: i64,
) -> Result<period_cut::Model, StoreError> {
    period_cut::Entity::find()
        .filter(period_cut::Column::TenantId.eq(tenant.get()))
        .filter(period_cut::Column::Id.eq(cut_id))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("period cut {cut_id}")))
}

/// The next `limit` loans to cut on `cut_date` with ids above `after`, locked, in id order (the order
/// every writer of loans locks in), with all they need.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    cut_date: NaiveDate,
    after: i64,
    limit: u64,
) -> Result<Vec<PageLoan>, StoreError> {
    let mut select = Query::select();
    select
        .columns(["id", "terms", "status", "outstanding", "statement_balance"].map(|c| ("loan", c)))
        .from("loan")
        // The tenant as `tenant_id + 0`: SQLite (no statistics, ADR 6) otherwise walked every loan of
        // the tenant through a `(tenant_id, …)` index and sorted them for each page, which made the
        // cut quadratic in the book; this way each page reads the primary key from the checkpoint on.
        .and_where(tenant_is(("loan", "tenant_id"), tenant))
        .cond_where(eligible_loan(cut_date))
        .and_where(Expr::col(("loan", "id")).gt(after))
        .order_by(("loan", "id"), Order::Asc)
        .limit(limit)
        .lock_exclusive();
    let rows = db.query_all(&select).await?;
    let mut loans = Vec::with_capacity(rows.len());
    for r in &rows {
        loans.push(PageLoan {
            id: LoanId::new(r.try_get("", "id")?),
            terms: r
                .try_get::<Option<String>>("", "terms")?
                .unwrap_or_default(),
            status: r.try_get("", "status")?,
            owed_now: Money::from_centavos(r.try_get("", "outstanding")?),
            statement_balance: r
                .try_get::<Option<i64>>("", "statement_balance")?
                .map(Money::from_centavos),
            payments: Money::ZERO,
            reversals: Money::ZERO,
            installments: Vec::new(),
        });
    }
    if loans.is_empty() {
        return Ok(loans);
    }
    let ids: Vec<i64> = loans.iter().map(|l| l.id.get()).collect();
    let position: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();

    let mut installments = installments(db, tenant, &ids).await?;
    for (id, amount) in corrections(db, tenant, &ids, cut_date, Correction::PaidOnOrAfter).await? {
        adjust(&mut installments, id, amount, -1)?;
    }
    for (id, amount) in
        corrections(db, tenant, &ids, cut_date, Correction::ReversedOnOrAfter).await?
    {
        adjust(&mut installments, id, amount, 1)?;
    }
    for (loan_id, installment) in installments.into_values() {
        if let Some(i) = position.get(&loan_id) {
            loans[*i].installments.push(installment);
        }
    }
    for loan in &mut loans {
        loan.installments.sort_by_key(|i| i.number);
    }
    for (loan_id, amount) in uncounted(db, tenant, &ids, cut_date, "payment", "paid_on").await? {
        if let Some(i) = position.get(&loan_id) {
            loans[*i].payments = Money::from_centavos(amount);
        }
    }
    for (loan_id, amount) in uncounted(
        db,
        tenant,
        &ids,
        cut_date,
        "payment_reversal",
        "reversed_on",
    )
    .await?
    {
        if let Some(i) = position.get(&loan_id) {
            loans[*i].reversals = Money::from_centavos(amount);
        }
    }
    Ok(loans)
}

/// An installment's columns in the order [`installments`] packs them: id, number, due date, the five
/// components due, the five paid, and the cut that charged its late fee.
const INSTALLMENT_COLUMNS: [&str; 14] = [
    "id",
    "number",
    "due_date",
    "principal",
    "interest",
    "interest_iva",
    "late_fee",
    "late_fee_iva",
    "paid_principal",
    "paid_interest",
    "paid_interest_iva",
    "paid_late_fee",
    "paid_late_fee_iva",
    "overdue_cut_on",
];

/// One installment as packed by [`installments`] (see [`INSTALLMENT_COLUMNS`]).
type PackedInstallment = (i64, i32, NaiveDate, [i64; 5], [i64; 5], Option<NaiveDate>);

/// The installments of `loans` as stored now, by id, with their loan.
///
/// Read as one row per loan, its installments packed into a JSON array by the database: a page has
/// about ten installments per loan, and on SQLite each row crosses from the database thread to the
/// runtime one at a time, which cost more than the query itself (`perf` of a 100,000-loan cut).
async fn installments<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loans: &[i64],
) -> Result<HashMap<i64, (i64, PageInstallment)>, StoreError> {
    let b = db.get_database_backend();
    let (array, aggregate) = match b {
        DbBackend::Postgres => ("json_build_array", "json_agg"),
        DbBackend::MySql => ("JSON_ARRAY", "JSON_ARRAYAGG"),
        _ => ("json_array", "json_group_array"),
    };
    // Components as nested arrays, so the packed row reads straight into `PackedInstallment`.
    let col = |c: &'static str| Expr::col(c);
    let group = |cols: &[&'static str]| {
        Expr::from(Func::cust(Alias::new(array)).args(cols.iter().map(|c| col(c))))
    };
    let packed = Func::cust(Alias::new(array)).args([
        col("id"),
        col("number"),
        col("due_date"),
        group(&INSTALLMENT_COLUMNS[3..8]),
        group(&INSTALLMENT_COLUMNS[8..13]),
        col("overdue_cut_on"),
    ]);
    let mut all = Expr::from(Func::cust(Alias::new(aggregate)).arg(packed));
    if b == DbBackend::Postgres {
        all = Func::cast_as(all, Alias::new("text")).into();
    }
    let select = Query::select()
        .column("loan_id")
        .expr_as(all, Alias::new("installments"))
        .from("installment")
        .and_where(Expr::col("tenant_id").eq(tenant.get()))
        .and_where(Expr::col("loan_id").is_in(loans.iter().copied()))
        .group_by_col("loan_id")
        .to_owned();
    let rows = db.query_all(&select).await?;
    let mut out = HashMap::with_capacity(rows.len() * 12);
    for r in &rows {
        let loan_id: i64 = r.try_get("", "loan_id")?;
        let text: String = r.try_get("", "installments")?;
        let packed: Vec<PackedInstallment> = serde_json::from_str(&text).map_err(|e| {
            StoreError::Corrupt(format!("installments of loan {loan_id} as read: {e}"))
        })?;
        for (id, number, due_date, due, paid, overdue_cut_on) in packed {
            let components = |c: [i64; 5]| Components {
                principal: Money::from_centavos(c[0]),
                interest: Money::from_centavos(c[1]),
                interest_iva: Money::from_centavos(c[2]),
                late_fee: Money::from_centavos(c[3]),
                late_fee_iva: Money::from_centavos(c[4]),
            };
            let installment = PageInstallment {
                id,
                number,
                due_date,
                due: components(due),
                paid: components(paid),
                overdue_cut_on,
            };
            out.insert(id, (loan_id, installment));
        }
    }
    Ok(out)
}

/// Allocations that make what is paid now differ from what was paid as of the cut date.
#[derive(Clone, Copy)]
enum Correction {
    /// Of payments dated on or after the cut date, still standing: not paid yet as of the cut.
    PaidOnOrAfter,
    /// Of payments dated before the cut date but reversed on or after it: still paid as of the cut.
    ReversedOnOrAfter,
}

async fn corrections<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loans: &[i64],
    cut_date: NaiveDate,
    which: Correction,
) -> Result<Vec<((i64, Component), i64)>, StoreError> {
    let b = db.get_database_backend();
    let a = |c: &'static str| Expr::col(("payment_allocation", c));
    let p = |c: &'static str| Expr::col(("payment", c));
    // The page's payments that need a correction, as a subquery the allocations are looked up from.
    // Written as a join, SQLite (no statistics, ADR 6) took `payment_allocation (tenant_id, …)` as the
    // outer loop and walked every allocation of the tenant for each page: quadratic in the book.
    let mut payments: SelectStatement = Query::select()
        .column(("payment", "id"))
        .from("payment")
        .and_where(p("tenant_id").eq(tenant.get()))
        .and_where(p("loan_id").is_in(loans.iter().copied()))
        .to_owned();
    match which {
        Correction::PaidOnOrAfter => {
            payments
                .and_where(not_before(p("paid_on"), cut_date))
                .and_where(p("reversed").eq(false));
        }
        Correction::ReversedOnOrAfter => {
            let r = |c: &'static str| Expr::col(("payment_reversal", c));
            // Looked up per payment of the page through the reversal's unique key, never a walk of
            // every reversal of the tenant.
            let reversed_on_or_after = Query::select()
                .expr(Expr::val(1))
                .from("payment_reversal")
                .and_where(r("tenant_id").equals(("payment", "tenant_id")))
                .and_where(r("payment_id").equals(("payment", "id")))
                .and_where(r("reversed_on").gte(cut_date))
                .to_owned();
            payments
                .and_where(before(p("paid_on"), cut_date))
                .and_where(p("reversed").eq(true))
                .and_where(Expr::exists(reversed_on_or_after));
        }
    }
    let select: SelectStatement = Query::select()
        .expr_as(a("installment_id"), Alias::new("installment_id"))
        .expr_as(a("component"), Alias::new("component"))
        .expr_as(summed(b, a("amount")), Alias::new("amount"))
        .from("payment_allocation")
        .and_where(a("tenant_id").eq(tenant.get()))
        .and_where(a("payment_id").in_subquery(payments))
        .group_by_col(("payment_allocation", "installment_id"))
        .group_by_col(("payment_allocation", "component"))
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            let raw: String = r.try_get("", "component")?;
            let component = component(&raw)
                .ok_or_else(|| StoreError::Corrupt(format!("allocation component '{raw}'")))?;
            Ok((
                (r.try_get("", "installment_id")?, component),
                r.try_get("", "amount")?,
            ))
        })
        .collect()
}

fn component(raw: &str) -> Option<Component> {
    Component::ALL.into_iter().find(|c| {
        serde_json::to_value(c)
            .ok()
            .and_then(|v| v.as_str().map(|s| s == raw))
            == Some(true)
    })
}

/// Moves `amount` of a component's paid amount in `direction` (−1: not paid yet; +1: still paid).
fn adjust(
    installments: &mut HashMap<i64, (i64, PageInstallment)>,
    (id, component): (i64, Component),
    amount: i64,
    direction: i64,
) -> Result<(), StoreError> {
    let (_, installment) = installments
        .get_mut(&id)
        .ok_or_else(|| StoreError::Corrupt(format!("allocation to missing installment {id}")))?;
    let paid = &mut installment.paid;
    let slot = match component {
        Component::LateFee => &mut paid.late_fee,
        Component::LateFeeIva => &mut paid.late_fee_iva,
        Component::InterestIva => &mut paid.interest_iva,
        Component::Interest => &mut paid.interest,
        Component::Principal => &mut paid.principal,
    };
    let moved = slot
        .centavos()
        .checked_add(direction * amount)
        .ok_or_else(|| StoreError::Corrupt(format!("installment {id}: paid amount overflows")))?;
    *slot = Money::from_centavos(moved);
    Ok(())
}

/// Σ amount per loan of the rows of `table` dated (`date_col`) before the cut date that no cut counted.
async fn uncounted<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loans: &[i64],
    cut_date: NaiveDate,
    table: &'static str,
    date_col: &'static str,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let b = db.get_database_backend();
    let select = Query::select()
        .column("loan_id")
        .expr_as(summed(b, Expr::col("amount")), Alias::new("amount"))
        .from(table)
        .and_where(Expr::col("tenant_id").eq(tenant.get()))
        .and_where(Expr::col("loan_id").is_in(loans.iter().copied()))
        .and_where(Expr::col("cut_on").is_null())
        .and_where(before(Expr::col(date_col), cut_date))
        .group_by_col("loan_id")
        .to_owned();
    let rows = db.query_all(&select).await?;
    rows.iter()
        .map(|r| Ok((r.try_get("", "loan_id")?, r.try_get("", "amount")?)))
        .collect()
}

/// `date < cut_date`, written `NOT (date >= cut_date)` (the same for a column that is never NULL) so it
/// cannot be an index range: the page's rows are found through `(tenant_id, loan_id, …)`. SQLite,
/// without statistics (ADR 6), took `(tenant_id, paid_on)` for a range of a few rows and walked every
/// payment before the cut date for each page, which made the cut quadratic in the book.
pub(crate) fn before(date: Expr, cut_date: NaiveDate) -> Expr {
    date.gte(cut_date).not()
}

/// `date >= cut_date`, likewise kept off the `(tenant_id, paid_on)` index: a back-filled cut would walk
/// every payment after its date for each page.
fn not_before(date: Expr, cut_date: NaiveDate) -> Expr {
    date.lt(cut_date).not()
}
