//! A new loan starts as a draft under a product's current terms.

use super::preview::terms_for;
use super::{Loan, LoanInput, snapshot, to_domain};
use crate::Refusal;
use crate::support::audit;
use crate::{LendingError, products, support};
use chrono::NaiveDate;
use credinet_core::events::EventKind;
use credinet_core::ids::TenantId;
use credinet_core::lending::schedule::build_schedule;
use credinet_core::lending::terms::CutDays;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans::{self as repo, NewLoan};
use credinet_store::repo::{clients as client_repo, counters, products as product_repo};

/// Creates a draft loan for a client under a product's current terms.
pub async fn create_draft(
    store: &Store,
    tenant: TenantId,
    input: LoanInput,
    by: &Requester,
) -> Result<Loan, LendingError> {
    // Before any read: a principal that is not one is refused whatever the client or product.
    if !input.principal.is_positive() {
        return Err(Refusal::NonPositivePrincipal(input.principal).into());
    }
    let now = store.now();
    let tx = store.write().await?;
    client_repo::get(&tx, tenant, input.client)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    let product = product_repo::get(&tx, tenant, input.product)
        .await?
        .ok_or(LendingError::NotFound("product"))?;
    let product = products::to_domain(product)?;
    let terms = terms_for(&product, input.principal, input.term)?;
    // Refuse now what disbursement would refuse later (a commission that leaves nothing, a principal too
    // small to split): the dates do not change that.
    let probe_date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    build_schedule(&terms, input.principal, probe_date, &CutDays::default())
        .map_err(Refusal::Schedule)?;
    let number = format!("{:06}", counters::next(&tx, tenant, "loan").await?);
    let terms = serde_json::to_string(&terms)
        .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;
    let new = NewLoan {
        number,
        client_id: input.client.get(),
        product_id: input.product.get(),
        principal: input.principal.centavos(),
        terms,
    };
    let loan = to_domain(repo::insert_draft(&tx, tenant, new, now).await?)?;
    audit(
        &tx,
        tenant,
        by,
        EventKind::LoanCreated.as_str(),
        "loan",
        loan.id,
        None,
        Some(snapshot(&loan)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(loan)
}
