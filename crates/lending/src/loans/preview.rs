//! What a loan would be before anyone commits to it: the schedule, commission, net amount and CAT of an
//! application as typed (nothing stored), and of a stored application if it were disbursed today. The
//! checks are those of [`create_draft`](super::create_draft), from one function, so a preview never
//! shows a loan the application would refuse.

use super::{Loan, LoanInput};
use crate::products::{self, Product};
use crate::{LendingError, Refusal};
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use credinet_core::lending::schedule::{Schedule, build_schedule};
use credinet_core::lending::terms::{CutDays, ProductTerms};
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::repo::tenants;

/// The terms a loan of `principal` over `term` periods (the product's own when `None`) takes from
/// `product`, or why the product does not lend it.
pub(crate) fn terms_for(
    product: &Product,
    principal: Money,
    term: Option<u32>,
) -> Result<ProductTerms, LendingError> {
    if !principal.is_positive() {
        return Err(Refusal::NonPositivePrincipal(principal).into());
    }
    if !product.active {
        return Err(Refusal::ProductRetired(product.name.clone()).into());
    }
    let term = term.unwrap_or(product.terms.term_periods());
    product
        .limits
        .admit(principal, term)
        .map_err(Refusal::Limits)?;
    // The loan copies the product's terms over the term it asked for.
    Ok(product
        .terms
        .clone()
        .with_term_periods(term)
        .map_err(Refusal::Terms)?)
}

/// A loan as it would be if disbursed on `on`.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub on: NaiveDate,
    pub term_periods: u32,
    pub schedule: Schedule,
}

/// The tenant's cut days and today's date in its zone.
async fn calendar(store: &Store, tenant: TenantId) -> Result<(CutDays, NaiveDate), LendingError> {
    let owner = tenants::by_id(store.db(), tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?;
    Ok((
        owner.settings.cut_days.clone(),
        owner.zone.local_date(store.now()),
    ))
}

fn preview(
    terms: &ProductTerms,
    principal: Money,
    cut_days: &CutDays,
    on: NaiveDate,
) -> Result<Preview, LendingError> {
    let schedule = build_schedule(terms, principal, on, cut_days).map_err(Refusal::Schedule)?;
    Ok(Preview {
        on,
        term_periods: terms.term_periods(),
        schedule,
    })
}

/// An application as typed, disbursed today: refused exactly as applying would refuse it (a product
/// that does not lend that amount or term, a principal that leaves nothing to disburse).
pub async fn preview_application(
    store: &Store,
    tenant: TenantId,
    input: &LoanInput,
) -> Result<Preview, LendingError> {
    let product = products::get(store, tenant, input.product).await?;
    let terms = terms_for(&product, input.principal, input.term)?;
    let (cut_days, today) = calendar(store, tenant).await?;
    preview(&terms, input.principal, &cut_days, today)
}

/// A stored loan under its own terms, as if disbursed today (what the approver and the person who
/// disburses see before they act).
pub async fn preview_loan(
    store: &Store,
    tenant: TenantId,
    loan: &Loan,
) -> Result<Preview, LendingError> {
    let (cut_days, today) = calendar(store, tenant).await?;
    preview(&loan.terms, loan.principal, &cut_days, today)
}
