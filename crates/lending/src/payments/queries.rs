//! Reading payments: one with its allocations, a page of them, the allocations of several.

use super::{
    AllocationLine, Payment, PaymentFilter, PaymentMethod, PaymentReceipt, line_to_domain,
    to_domain,
};
use crate::loans::Actor;
use crate::{LendingError, Page, PageRequest, loans};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{PaymentId, TenantId};
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::entities::payment;
use credinet_store::repo::audit::ActorKind;
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

fn query(filter: &PaymentFilter, page: PageRequest) -> PaymentQuery {
    PaymentQuery {
        loan: filter.loan,
        from: filter.from,
        to: filter.to,
        include_reversed: filter.include_reversed,
        registered_by: filter
            .registered_by
            .map(|user| (ActorKind::User.as_str().to_string(), user.get())),
        method: filter.method.map(|m| m.as_str().to_string()),
        offset: page.offset,
        limit: page.limit,
    }
}

/// What the payments of one method add up to (reversed ones left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub payments: u64,
    pub amount: Money,
}

/// The payments a filter names that stand (not reversed), per method, in one statement: a cashier's
/// cash count (corte de caja) for a day is this with her and the day as the filter.
pub async fn applied_totals(
    store: &Store,
    tenant: TenantId,
    filter: &PaymentFilter,
) -> Result<Vec<MethodTotal>, LendingError> {
    let rows =
        repo::applied_by_method(store.db(), tenant, &query(filter, PageRequest::default())).await?;
    rows.into_iter()
        .map(|(method, payments, amount)| {
            Ok(MethodTotal {
                method: PaymentMethod::parse(&method).ok_or_else(|| {
                    LendingError::Store(credinet_store::StoreError::Corrupt(format!(
                        "payment method '{method}'"
                    )))
                })?,
                payments: u64::try_from(payments).unwrap_or(0),
                amount: Money::from_centavos(amount),
            })
        })
        .collect()
}

/// A payment's receipt number: its loan's number and its place among the loan's payments
/// («000123-02»), unique in the tenant and the same every time it is printed (ADR 33).
pub async fn receipt_folio(
    store: &Store,
    tenant: TenantId,
    payment: &Payment,
    loan_number: &str,
) -> Result<String, LendingError> {
    let place = repo::place_in_loan(store.db(), tenant, payment.loan_id, payment.id).await?;
    Ok(format!("{loan_number}-{place:02}"))
}

/// Why, by whom and when a payment was reversed.
#[derive(Debug, Clone, PartialEq)]
pub struct ReversalNote {
    pub payment_id: PaymentId,
    pub reason: String,
    pub reversed_on: NaiveDate,
    pub reversed_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
}

/// The reversals of several payments, in one query.
pub async fn reversals_of(
    store: &Store,
    tenant: TenantId,
    payments: &[PaymentId],
) -> Result<Vec<ReversalNote>, LendingError> {
    let ids: Vec<i64> = payments.iter().map(|p| p.get()).collect();
    repo::reversals_of(store.db(), tenant, &ids)
        .await?
        .into_iter()
        .map(|r| {
            Ok(ReversalNote {
                payment_id: PaymentId::new(r.payment_id),
                reason: r.reason,
                reversed_on: r.reversed_on,
                reversed_by: Actor::from_columns(
                    r.reversed_by_kind,
                    r.reversed_by_id,
                    r.reversed_by_label,
                )?,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// One page of the tenant's payments, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &PaymentFilter,
    page: PageRequest,
) -> Result<Page<Payment>, LendingError> {
    let page = page.clamped();
    let query = query(filter, page);
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
