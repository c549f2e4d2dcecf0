//! Reading payments: one with its allocations, a page of them, the allocations of several.

use super::{AllocationLine, Payment, PaymentFilter, PaymentReceipt, line_to_domain, to_domain};
use crate::{LendingError, Page, PageRequest, loans};
use credinet_core::ids::{PaymentId, TenantId};
use credinet_store::Store;
use credinet_store::entities::payment;
use credinet_store::repo::payments::{self as repo, PaymentQuery};

/// A payment with its allocations and the loan's current balance.
pub async fn get(
    store: &Store,
    tenant: TenantId,
    id: PaymentId,
) -> Result<PaymentReceipt, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    receipt(store, tenant, row).await
}

/// One page of the tenant's payments, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &PaymentFilter,
    page: PageRequest,
) -> Result<Page<Payment>, LendingError> {
    let page = page.clamped();
    let query = PaymentQuery {
        loan: filter.loan,
        from: filter.from,
        to: filter.to,
        include_reversed: filter.include_reversed,
        offset: page.offset,
        limit: page.limit,
    };
    let (rows, total) = repo::list(store.db(), tenant, &query).await?;
    Ok(Page {
        items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

/// The allocations of several payments, in one query (the loan page lists them per payment).
pub async fn allocations_of(
    store: &Store,
    tenant: TenantId,
    payments: &[PaymentId],
) -> Result<Vec<(PaymentId, AllocationLine)>, LendingError> {
    let ids: Vec<i64> = payments.iter().map(|p| p.get()).collect();
    repo::allocations_of(store.db(), tenant, &ids)
        .await?
        .into_iter()
        .map(|row| Ok((PaymentId::new(row.payment_id), line_to_domain(row)?)))
        .collect()
}

/// A stored payment as its receipt: its allocations and the loan's balance now.
pub(super) async fn receipt(
    store: &Store,
    tenant: TenantId,
    row: payment::Model,
) -> Result<PaymentReceipt, LendingError> {
    let payment = to_domain(row)?;
    let loan = loans::get(store, tenant, payment.loan_id).await?;
    let allocations = repo::allocations(store.db(), tenant, payment.id)
        .await?
        .into_iter()
        .map(line_to_domain)
        .collect::<Result<_, _>>()?;
    Ok(PaymentReceipt {
        payment,
        allocations,
        loan_number: loan.number,
        loan_outstanding: loan.outstanding,
        loan_status: loan.status,
        replayed: false,
    })
}
