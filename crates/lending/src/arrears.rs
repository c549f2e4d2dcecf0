//! Arrears of the active portfolio on a day, between cuts: days past due, amount overdue and bucket of
//! each late loan, and the portfolio by bucket with PAR15/PAR30. The rule is the cut's
//! (`credinet_core::lending::delinquency::arrears_as_of`, the one the loan page uses); the store reads
//! what is owed set-based, one statement for any number of loans (ADR 33).

use crate::LendingError;
use crate::reports::par::BasisPoints;
use chrono::{Days, NaiveDate};
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::delinquency::{Arrears, DelinquencyBucket, arrears_as_of};
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::repo::arrears as repo;
use credinet_store::repo::holidays as holiday_repo;
use std::collections::{BTreeSet, HashMap};

/// A due date before `today` can move past it over a run of weekend days and holidays: the holidays
/// read reach this far beyond today (the loan page reads as far).
const HOLIDAY_REACH: Days = Days::new(31);

/// The late loans among the tenant's disbursed loans on `today` (only those in `loans` when given): a
/// loan absent from the map is current. Two statements whatever the number of loans: what is owed on
/// installments already due, and the tenant's holidays over those dates.
pub async fn late_loans(
    store: &Store,
    tenant: TenantId,
    today: NaiveDate,
    loans: Option<&[LoanId]>,
) -> Result<HashMap<LoanId, Arrears>, LendingError> {
    let ids: Option<Vec<i64>> = loans.map(|l| l.iter().map(|id| id.get()).collect());
    let owed = repo::owed_due_before(store.db(), tenant, today, ids.as_deref()).await?;
    let Some(first) = owed.iter().map(|o| o.due_date).min() else {
        return Ok(HashMap::new());
    };
    // Read as stored, without seeding missing years (`holidays::between` would open a write
    // transaction on every list and dashboard view): a disbursement already seeded every year its
    // schedule reaches.
    let holidays: BTreeSet<NaiveDate> =
        holiday_repo::between(store.db(), tenant, first, today + HOLIDAY_REACH)
            .await?
            .into_iter()
            .map(|h| h.date)
            .collect();
    let mut late = HashMap::new();
    // Rows come ordered by loan: each run of one loan's installments is one call of the rule.
    for run in owed.chunk_by(|a, b| a.loan_id == b.loan_id) {
        let installments = run
            .iter()
            .map(|o| (o.due_date, Money::from_centavos(o.owed)));
        let arrears = arrears_as_of(installments, &holidays, today).ok_or_else(|| {
            LendingError::Invalid(format!("loan {}: arrears overflow", run[0].loan_id))
        })?;
        if arrears.bucket != DelinquencyBucket::Current {
            late.insert(LoanId::new(run[0].loan_id), arrears);
        }
    }
    Ok(late)
}

/// One bucket of the active portfolio.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketLine {
    pub bucket: DelinquencyBucket,
    pub loans: u64,
    pub principal_owed: Money,
    pub overdue: Money,
}

/// The active portfolio by delinquency bucket on a day, with PAR15 and PAR30 on principal still owed
/// (as the cut's summary computes them).
#[derive(Debug, Clone, PartialEq)]
pub struct BucketReport {
    /// Every bucket, current first, zeros included.
    pub buckets: Vec<BucketLine>,
    pub principal_owed: Money,
    pub par15: BasisPoints,
    pub par30: BasisPoints,
}

pub async fn by_bucket(
    store: &Store,
    tenant: TenantId,
    today: NaiveDate,
    active_loans: u64,
) -> Result<BucketReport, LendingError> {
    let late = late_loans(store, tenant, today, None).await?;
    let (per_loan, total) = repo::principal_owed(store.db(), tenant, today).await?;
    let per_loan: HashMap<i64, i64> = per_loan.into_iter().collect();
    let mut buckets: Vec<BucketLine> = DelinquencyBucket::ALL
        .iter()
        .map(|b| BucketLine {
            bucket: *b,
            loans: 0,
            principal_owed: Money::ZERO,
            overdue: Money::ZERO,
        })
        .collect();
    let overflow = || LendingError::Invalid("portfolio by bucket: amount overflow".into());
    let (mut par15, mut par30, mut late_principal) = (0i64, 0i64, 0i64);
    for (id, a) in &late {
        let principal = per_loan.get(&id.get()).copied().unwrap_or(0);
        let line = buckets
            .iter_mut()
            .find(|l| l.bucket == a.bucket)
            .ok_or_else(overflow)?;
        line.loans += 1;
        line.principal_owed = line
            .principal_owed
            .checked_add(Money::from_centavos(principal))
            .ok_or_else(overflow)?;
        line.overdue = line.overdue.checked_add(a.overdue).ok_or_else(overflow)?;
        late_principal = late_principal.checked_add(principal).ok_or_else(overflow)?;
        if a.days_past_due > 15 {
            par15 = par15.checked_add(principal).ok_or_else(overflow)?;
        }
        if a.days_past_due > 30 {
            par30 = par30.checked_add(principal).ok_or_else(overflow)?;
        }
    }
    let current = &mut buckets[0];
    current.loans = active_loans.saturating_sub(late.len() as u64);
    current.principal_owed = Money::from_centavos(total.saturating_sub(late_principal));
    Ok(BucketReport {
        buckets,
        principal_owed: Money::from_centavos(total),
        par15: BasisPoints::share(par15, total),
        par30: BasisPoints::share(par30, total),
    })
}
