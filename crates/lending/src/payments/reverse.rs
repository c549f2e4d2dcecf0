//! Reversing a payment: exactly its allocations are undone, once.

use super::effects;
use super::plan::{self, LoanState};
use super::{Reversal, to_domain};
use crate::LendingError;
use crate::Refusal;
use crate::loans::{self, Actor};
use crate::support::{optional_text, parse_enum};
use credinet_core::ids::{LoanId, PaymentId, ReversalId, TenantId};
use credinet_core::lending::allocation::Allocation;
use credinet_core::money::Money;
use credinet_core::text::Field;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans as loan_repo;
use credinet_store::repo::payments as repo;

/// Reverses a payment: undoes exactly its allocations, marks it reversed, and puts a paid loan back to
/// active. A payment is reversed at most once.
pub async fn reverse(
    store: &Store,
    tenant: TenantId,
    id: PaymentId,
    reason: &str,
    by: &Requester,
) -> Result<Reversal, LendingError> {
    let reason =
        optional_text(Some(reason), Field::Reason, 1000)?.ok_or(Refusal::ReasonRequired)?;
    let now = store.now();
    let today = store
        .tenant(tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?
        .zone
        .local_date(now);
    let tx = store.write().await?;
    let first_read = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    let loan_row = loan_repo::get_locked(&tx, tenant, LoanId::new(first_read.loan_id))
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    // Read again under the loan's lock: a concurrent reversal may have committed meanwhile.
    let row = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    if row.reversed {
        return Err(Refusal::AlreadyReversed(id).into());
    }
    let loan = loans::to_domain(loan_row)?;
    let allocations: Vec<Allocation> = repo::allocations(&tx, tenant, id)
        .await?
        .iter()
        .map(|a| {
            Ok(Allocation {
                installment: crate::support::stored_number(
                    a.installment_number,
                    format_args!("allocation {}", a.id),
                )?,
                component: parse_enum(&a.component, "component")?,
                amount: Money::from_centavos(a.amount),
            })
        })
        .collect::<Result<_, LendingError>>()?;
    let rows = loan_repo::installments(&tx, tenant, loan.id).await?;
    let mut state = LoanState::load(loan, rows)?;
    let payment = to_domain(row)?;
    let planned = plan::reversal(&mut state, &payment, &allocations, reason, today, by, now)?;

    let reversal = match repo::insert_reversal(&tx, tenant, planned.row, now).await {
        Ok(r) => r,
        Err(e) if e.is_unique_violation() => {
            return Err(Refusal::AlreadyReversed(id).into());
        }
        Err(e) => return Err(e.into()),
    };
    let entries = std::iter::once(planned.entry).chain(planned.transition);
    effects::write(&tx, tenant, &state, entries, now).await?;
    tx.commit().await?;
    Ok(Reversal {
        id: ReversalId::new(reversal.id),
        payment_id: id,
        loan_id: planned.after.id,
        amount: payment.amount,
        reversed_on: reversal.reversed_on,
        reason: reversal.reason,
        reversed_by: Actor::from_columns(
            reversal.reversed_by_kind,
            reversal.reversed_by_id,
            reversal.reversed_by_label,
        )?,
        created_at: reversal.created_at,
        loan_outstanding: planned.after.outstanding,
        loan_status: planned.after.status,
    })
}
