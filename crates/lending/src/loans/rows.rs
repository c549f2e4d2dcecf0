//! Stored rows to domain values (and a loan's audit snapshot), refusing a stored state that breaks a
//! rule instead of carrying it on.

use super::{Actor, Installment, Loan, LoanStatus};
use crate::{LendingError, support};
use credinet_core::ids::{ClientId, InstallmentId, LoanId, ProductId};
use credinet_core::lending::allocation::{Components, InstallmentBalance};
use credinet_core::lending::terms::ProductTerms;
use credinet_core::money::Money;
use credinet_store::entities::{installment, loan};
use rust_decimal::Decimal;
use serde_json::json;

/// What the audit log keeps of a loan before and after a change.
pub(crate) fn snapshot(l: &Loan) -> serde_json::Value {
    json!({
        "number": l.number, "status": l.status, "principal": l.principal,
        "client_id": l.client_id, "product_id": l.product_id,
        "disbursed_on": l.disbursed_on, "net_disbursed": l.net_disbursed, "cat": l.cat,
        "total_due": l.total_due, "total_paid": l.total_paid, "outstanding": l.outstanding,
        "rejection_reason": l.rejection_reason, "write_off_reason": l.write_off_reason,
    })
}

pub(crate) fn to_domain(row: loan::Model) -> Result<Loan, LendingError> {
    let corrupt =
        |what: String| LendingError::Store(support::corrupt(format!("loan {}: {what}", row.id)));
    let status = LoanStatus::parse(&row.status)
        .ok_or_else(|| corrupt(format!("status '{}'", row.status)))?;
    let terms: ProductTerms = serde_json::from_str(row.terms.as_deref().unwrap_or_default())
        .map_err(|e| corrupt(format!("terms: {e}")))?;
    let cat = row
        .cat
        .as_deref()
        .map(str::parse::<Decimal>)
        .transpose()
        .map_err(|e| corrupt(format!("cat: {e}")))?
        .map(|mut cat| {
            // Loans disbursed before the CAT kept its scale were stored as "0" or "12": shown as "0.0".
            cat.rescale(1);
            cat
        });
    let money = Money::from_centavos;
    Ok(Loan {
        id: LoanId::new(row.id),
        number: row.number,
        client_id: ClientId::new(row.client_id),
        product_id: ProductId::new(row.product_id),
        principal: money(row.principal),
        terms,
        status,
        version: row.version,
        submitted_by: Actor::from_columns(
            row.submitted_by_kind,
            row.submitted_by_id,
            row.submitted_by_label,
        )?,
        approved_by: Actor::from_columns(
            row.approved_by_kind,
            row.approved_by_id,
            row.approved_by_label,
        )?,
        rejected_by: Actor::from_columns(
            row.rejected_by_kind,
            row.rejected_by_id,
            row.rejected_by_label,
        )?,
        written_off_by: Actor::from_columns(
            row.written_off_by_kind,
            row.written_off_by_id,
            row.written_off_by_label,
        )?,
        rejection_reason: row.rejection_reason,
        write_off_reason: row.write_off_reason,
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        approved_at: row.approved_at,
        rejected_at: row.rejected_at,
        disbursed_at: row.disbursed_at,
        paid_at: row.paid_at,
        written_off_at: row.written_off_at,
        disbursed_on: row.disbursed_on,
        opening_commission: row.opening_commission.map(money),
        commission_iva: row.commission_iva.map(money),
        net_disbursed: row.net_disbursed.map(money),
        cat,
        total_due: money(row.total_due),
        total_paid: money(row.total_paid),
        outstanding: money(row.outstanding),
    })
}

pub(crate) fn components_due(row: &installment::Model) -> Components {
    let m = Money::from_centavos;
    Components {
        late_fee: m(row.late_fee),
        late_fee_iva: m(row.late_fee_iva),
        interest_iva: m(row.interest_iva),
        interest: m(row.interest),
        principal: m(row.principal),
    }
}

pub(crate) fn components_paid(row: &installment::Model) -> Components {
    let m = Money::from_centavos;
    Components {
        late_fee: m(row.paid_late_fee),
        late_fee_iva: m(row.paid_late_fee_iva),
        interest_iva: m(row.paid_interest_iva),
        interest: m(row.paid_interest),
        principal: m(row.paid_principal),
    }
}

/// The core's view of a stored installment, refusing a stored state that breaks `0 <= paid <= due`.
pub(crate) fn balance(row: &installment::Model) -> Result<InstallmentBalance, LendingError> {
    InstallmentBalance::restore(
        crate::support::stored_number(row.number, format_args!("installment {}", row.id))?,
        components_due(row),
        components_paid(row),
    )
    .map_err(|e| {
        LendingError::Store(support::corrupt(format!(
            "installment {} of loan {}: {e}",
            row.number, row.loan_id
        )))
    })
}

pub(crate) fn installment_to_domain(row: installment::Model) -> Result<Installment, LendingError> {
    let b = balance(&row)?;
    Ok(Installment {
        id: InstallmentId::new(row.id),
        number: b.number(),
        due_date: row.due_date,
        due: *b.due(),
        paid: *b.paid(),
        total_due: b
            .due()
            .total()
            .ok_or(LendingError::Invalid("amounts too large".into()))?,
        outstanding: b.outstanding(),
    })
}
