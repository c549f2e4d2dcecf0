//! The status changes of a loan that a person decides (submit, approve, reject, write off), and the
//! audit entry and event that every status change writes, whoever causes it (a disbursement, the payment
//! that pays a loan off, the reversal that reopens it).

use super::checker::same_person;
use super::{Loan, LoanStatus, snapshot, to_domain};
use crate::LendingError;
use crate::Refusal;
use crate::support::optional_text;
use chrono::{DateTime, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::text::Field;
use credinet_store::entities::loan;
use credinet_store::repo::audit::{self, Actor, Record, Requester};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::loans as repo;
use credinet_store::{Store, WriteTx};
use serde_json::json;

/// Sends a draft for approval. The submitter is recorded: they cannot approve it.
pub async fn submit(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    by: &Requester,
) -> Result<Loan, LendingError> {
    transition(
        store,
        tenant,
        id,
        LoanStatus::Submitted,
        by,
        async |_, row, now| {
            (
                row.submitted_by_kind,
                row.submitted_by_id,
                row.submitted_by_label,
            ) = by.actor.columns();
            row.submitted_at = Some(now);
            Ok(())
        },
    )
    .await
}

/// Approves a submitted loan. Maker–checker: the person who submitted it cannot approve it, with
/// whatever credential (their session, a key they created); see [`super::checker`].
pub async fn approve(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    by: &Requester,
) -> Result<Loan, LendingError> {
    transition(
        store,
        tenant,
        id,
        LoanStatus::Approved,
        by,
        async |tx, row, now| {
            let submitter = Actor::from_columns(
                row.submitted_by_kind.clone(),
                row.submitted_by_id,
                row.submitted_by_label.clone(),
            )?;
            if let Some(submitter) = submitter
                && same_person(tx, tenant, &submitter, &by.actor).await?
            {
                return Err(Refusal::OwnApplication.into());
            }
            (
                row.approved_by_kind,
                row.approved_by_id,
                row.approved_by_label,
            ) = by.actor.columns();
            row.approved_at = Some(now);
            Ok(())
        },
    )
    .await
}

/// Rejects a draft, submitted or approved (not yet disbursed) loan, with the reason.
pub async fn reject(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    reason: &str,
    by: &Requester,
) -> Result<Loan, LendingError> {
    let reason = reason_text(reason)?;
    transition(
        store,
        tenant,
        id,
        LoanStatus::Rejected,
        by,
        async |_, row, now| {
            (
                row.rejected_by_kind,
                row.rejected_by_id,
                row.rejected_by_label,
            ) = by.actor.columns();
            row.rejected_at = Some(now);
            row.rejection_reason = Some(reason);
            Ok(())
        },
    )
    .await
}

/// Writes off a disbursed loan (a manager's decision), with the reason. Its balances stay as they are;
/// later recoveries can still be registered as payments.
pub async fn write_off(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    reason: &str,
    by: &Requester,
) -> Result<Loan, LendingError> {
    let reason = reason_text(reason)?;
    transition(
        store,
        tenant,
        id,
        LoanStatus::WrittenOff,
        by,
        async |_, row, now| {
            (
                row.written_off_by_kind,
                row.written_off_by_id,
                row.written_off_by_label,
            ) = by.actor.columns();
            row.written_off_at = Some(now);
            row.write_off_reason = Some(reason);
            Ok(())
        },
    )
    .await
}

fn reason_text(reason: &str) -> Result<String, LendingError> {
    optional_text(Some(reason), Field::Reason, 1000)?.ok_or(Refusal::ReasonRequired.into())
}

fn event_of(status: LoanStatus) -> EventKind {
    match status {
        LoanStatus::Draft => EventKind::LoanCreated,
        LoanStatus::Submitted => EventKind::LoanSubmitted,
        LoanStatus::Approved => EventKind::LoanApproved,
        LoanStatus::Rejected => EventKind::LoanRejected,
        LoanStatus::Disbursed => EventKind::LoanDisbursed,
        LoanStatus::Paid => EventKind::LoanPaid,
        LoanStatus::WrittenOff => EventKind::LoanWrittenOff,
    }
}

async fn transition<F>(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    to: LoanStatus,
    by: &Requester,
    change: F,
) -> Result<Loan, LendingError>
where
    F: AsyncFnOnce(&WriteTx, &mut loan::Model, DateTime<Utc>) -> Result<(), LendingError>,
{
    let now = store.now();
    let tx = store.write().await?;
    let mut row = repo::get_locked(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    let before = to_domain(row.clone())?;
    check_transition(before.status, to)?;
    change(&tx, &mut row, now).await?;
    row.status = to.as_str().to_string();
    let after = to_domain(repo::save(&tx, tenant, row, now).await?)?;
    record_transition(&tx, tenant, by, &before, &after, now).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) fn check_transition(from: LoanStatus, to: LoanStatus) -> Result<(), LendingError> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(LendingError::InvalidTransition {
            from: from.as_str(),
            to: to.as_str(),
        })
    }
}

/// The audit entry and the domain event of a status change (no I/O: a payment's plan carries them).
pub(crate) fn transition_records(
    by: &Requester,
    before: &Loan,
    after: &Loan,
) -> (Record, NewEvent) {
    let kind = event_of(after.status);
    let record = Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action: kind.as_str(),
        entity: "loan",
        entity_id: Some(after.id.to_string()),
        before: Some(snapshot(before)),
        after: Some(snapshot(after)),
    };
    let payload = json!({
        "loan_id": after.id, "number": after.number, "client_id": after.client_id,
        "principal": after.principal, "outstanding": after.outstanding,
        "from": before.status, "to": after.status, "by": by.actor.label,
    });
    let event = NewEvent {
        kind,
        entity: "loan",
        entity_id: Some(after.id.to_string()),
        payload,
    };
    (record, event)
}

/// Writes the audit entry and the domain event of a status change in its transaction.
pub(crate) async fn record_transition(
    db: &WriteTx,
    tenant: TenantId,
    by: &Requester,
    before: &Loan,
    after: &Loan,
    now: DateTime<Utc>,
) -> Result<(), LendingError> {
    let (record, event) = transition_records(by, before, after);
    audit::append(db, tenant, record, now).await?;
    events::append(db, tenant, event, now).await?;
    Ok(())
}
