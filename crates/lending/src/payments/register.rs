//! Registering one payment in a transaction of its own: the path of payments with an idempotency key,
//! of MySQL/MariaDB, and of a batch that failed as a whole.

use super::PaymentInput;
use super::PaymentReceipt;
use super::effects;
use super::plan::{self, LoanState, Request};
use super::queries::receipt;
use crate::{LendingError, loans};
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::TenantId;
use credinet_store::Store;
use credinet_store::entities::payment;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans as loan_repo;
use credinet_store::repo::payments as repo;

/// Registers a payment. See the module documentation for what it writes; refuses an amount above the
/// payoff (the error carries the payoff), a loan that is not disbursed, a date in the future or before
/// the disbursement.
pub async fn register(
    store: &Store,
    tenant: TenantId,
    input: PaymentInput,
    by: &Requester,
) -> Result<PaymentReceipt, LendingError> {
    let (input, hash) = plan::normalize(input)?;
    let key = input.idempotency_key.clone();
    let now = store.now();
    let today = store
        .tenant(tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?
        .zone
        .local_date(now);
    let paid_on = plan::booking_date(&input, today)?;
    let request = Request {
        input,
        hash,
        paid_on,
        by: by.clone(),
    };

    let tx = store.write().await?;
    // Lock first, always: concurrent payments of one loan queue here, and every writer takes the loan
    // before its installments, so they never deadlock.
    let loan_row = loan_repo::get_locked(&tx, tenant, request.input.loan)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    if let Some(key) = &key
        && let Some(first) = repo::by_idempotency_key(&tx, tenant, key.as_str()).await?
    {
        tx.rollback().await?;
        return replay(store, tenant, first, &request.hash).await;
    }
    let loan = loans::to_domain(loan_row)?;
    // Refuse before reading the installments: the plan checks again, for the batch's sake.
    plan::check_loan(&loan, request.paid_on)?;
    let rows = loan_repo::installments(&tx, tenant, loan.id).await?;
    let mut state = LoanState::load(loan, rows)?;
    let hash = request.hash.clone();
    let planned = state.pay(request, now)?;

    let payment_id = match repo::insert(&tx, tenant, planned.row(), now).await {
        Ok(id) => id,
        // A concurrent request with the same key (for another loan, or one that committed between our
        // read and insert) won: this transaction is void; answer with the first payment.
        Err(e) if e.is_unique_violation() && key.is_some() => {
            tx.rollback().await?;
            let key = key.map(IdempotencyKey::into_string).unwrap_or_default();
            let first = repo::by_idempotency_key(store.db(), tenant, &key)
                .await?
                .ok_or(LendingError::Store(e))?;
            return replay(store, tenant, first, &hash).await;
        }
        Err(e) => return Err(e.into()),
    };
    repo::insert_allocations(&tx, tenant, payment_id, planned.allocation_rows()?).await?;
    let records = planned.records(payment_id, now);
    let entries = std::iter::once(records.entry).chain(records.transition);
    effects::write(&tx, tenant, &state, entries, now).await?;
    tx.commit().await?;
    Ok(records.receipt)
}

/// The answer to a retried request: the first payment if the body is the same, a refusal if not.
async fn replay(
    store: &Store,
    tenant: TenantId,
    first: payment::Model,
    hash: &str,
) -> Result<PaymentReceipt, LendingError> {
    if first.request_hash != hash {
        return Err(LendingError::IdempotencyMismatch);
    }
    let mut receipt = receipt(store, tenant, first).await?;
    receipt.replayed = true;
    Ok(receipt)
}
