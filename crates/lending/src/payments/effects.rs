//! Writing what a plan ([`super::plan`]) changes on a loan, shared by registering and reversing.

use super::plan::LoanState;
use crate::LendingError;
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use credinet_store::WriteTx;
use credinet_store::repo::audit::{self, Record};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::loans as loan_repo;

/// Writes what a payment or a reversal planned on one loan changes besides its own rows: the touched
/// installments, the loan's balances and status, and each audit entry with its event (the payment's or
/// reversal's, then the status change's, if any).
pub(super) async fn write(
    tx: &WriteTx,
    tenant: TenantId,
    state: &LoanState,
    entries: impl Iterator<Item = (Record, NewEvent)>,
    now: DateTime<Utc>,
) -> Result<(), LendingError> {
    loan_repo::set_paid(tx, tenant, state.loan().id, &state.installment_writes()).await?;
    let loan = state.loan_write();
    loan_repo::set_balances(
        tx,
        tenant,
        loan.id,
        loan.balances,
        &loan.status,
        loan.paid_at,
        now,
    )
    .await?;
    for (record, event) in entries {
        audit::append(tx, tenant, record, now).await?;
        events::append(tx, tenant, event, now).await?;
    }
    Ok(())
}
