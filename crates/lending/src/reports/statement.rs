//! A loan's statement at one cut as a printable document: the figures the cut recorded, and the
//! movements it counted (its late-fee charges, and the payments and reversals it marked with its date).
//! The page and the PDF are both drawn from this one value, so they cannot disagree.

use crate::LendingError;
use crate::cuts::{self, CutError};
use crate::loans;
use chrono::NaiveDate;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::money::Money;
use credinet_documents::{LineKind, Statement, StatementLine};
use credinet_store::Store;
use credinet_store::repo::cut_reports;

/// The statement of `loan` at the cut of `cut_date`, or `None` when that cut has no statement for it
/// (no such cut, a cut before the loan, another tenant's loan).
pub async fn statement(
    store: &Store,
    tenant: TenantId,
    lender: &str,
    loan: LoanId,
    cut_date: NaiveDate,
) -> Result<Option<Statement>, LendingError> {
    let detail = loans::get(store, tenant, loan).await?;
    let Some(cut) = cuts::get(store, tenant, cut_date).await.map_err(from_cut)? else {
        return Ok(None);
    };
    let Some(row) = cuts::statements_of_loan(store, tenant, loan)
        .await
        .map_err(from_cut)?
        .into_iter()
        .find(|s| s.cut_date == cut_date)
    else {
        return Ok(None);
    };
    let client = loans::client_of(store, tenant, &detail).await?;
    let line = &row.line;
    let mut lines = Vec::new();
    for (kind, amount) in [
        (LineKind::LateFee, line.late_fee),
        (LineKind::LateFeeIva, line.late_fee_iva),
    ] {
        if amount.is_positive() {
            lines.push(StatementLine {
                date: cut_date,
                kind,
                detail: format!("{} cuota(s) vencida(s)", line.overdue_installments),
                amount,
            });
        }
    }
    for m in cut_reports::movements(store.db(), tenant, loan, cut_date).await? {
        lines.push(StatementLine {
            date: m.on,
            kind: if m.reversal {
                LineKind::Reversal
            } else {
                LineKind::Payment
            },
            detail: m.detail.unwrap_or_default(),
            amount: Money::from_centavos(m.amount),
        });
    }
    lines.sort_by_key(|l| l.date);
    Ok(Some(Statement {
        lender: lender.to_string(),
        client: client.full_name,
        loan_number: detail.number,
        cut_date,
        period_from: cut.period_start,
        opening: line.opening,
        charges: line
            .charges()
            .ok_or_else(|| LendingError::Invalid("late fees overflow".into()))?,
        payments: line.payments,
        reversals: line.reversals,
        closing: line.closing,
        overdue: line.overdue,
        days_past_due: line.days_past_due,
        bucket: line.bucket,
        next_due: line.next_due_date.map(|d| (d, line.next_due_amount)),
        lines,
    }))
}

/// Reading a cut fails only on the store (or a corrupt row, which the store reports).
pub fn from_cut(e: CutError) -> LendingError {
    match e {
        CutError::Store(s) => LendingError::Store(s),
        other => LendingError::Invalid(other.to_string()),
    }
}
