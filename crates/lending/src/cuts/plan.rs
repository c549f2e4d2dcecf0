//! What one page of a cut writes, with no I/O: each loaded loan goes through the core's rules
//! ([`cut_loan`]) and comes out as its statement row, its installments' charges, and its status change.

use super::error::{CutError, LoanProblem};
use crate::loans::LoanStatus;
use chrono::NaiveDate;
use credinet_core::lending::cut::{
    CutDate, InstallmentAtCut, LateFeeCharge, LoanAtCut, LoanCut, cut_loan,
};
use credinet_core::lending::terms::ProductTerms;
use credinet_store::repo::cuts::page::PageLoan;
use credinet_store::repo::cuts::write::{Charge, NewStatement, Page};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A loan's late fee by the text of its terms snapshot: a portfolio has few distinct products, so each
/// snapshot is parsed once per cut rather than once per loan.
#[derive(Default)]
pub(super) struct LateFees(HashMap<String, LateFeeCharge>);

impl LateFees {
    fn of(&mut self, loan: &PageLoan) -> Result<LateFeeCharge, CutError> {
        if let Some(charge) = self.0.get(&loan.terms) {
            return Ok(*charge);
        }
        let problem = |e: String| CutError::Loan {
            loan: loan.id,
            source: LoanProblem::Terms(e),
        };
        let terms: ProductTerms =
            serde_json::from_str(&loan.terms).map_err(|e| problem(e.to_string()))?;
        let charge = LateFeeCharge::of(&terms).map_err(|e| problem(e.to_string()))?;
        self.0.insert(loan.terms.clone(), charge);
        Ok(charge)
    }
}

/// A page planned: what to write, and what its audit entry says.
pub(super) struct PagePlan {
    pub write: Page,
    pub audit: Value,
}

pub(super) fn page(
    loans: &[PageLoan],
    cut: CutDate,
    holidays: &BTreeSet<NaiveDate>,
    late_fees: &mut LateFees,
) -> Result<PagePlan, CutError> {
    let mut write = Page::default();
    let mut charges: BTreeMap<(i64, i64), Vec<i64>> = BTreeMap::new();
    let mut charged = Vec::new();
    for loan in loans {
        let late_fee = late_fees.of(loan)?;
        let at_cut = at_cut(loan, late_fee)?;
        let LoanCut {
            newly_overdue,
            statement: s,
            settled,
        } = cut_loan(&at_cut, cut, holidays).map_err(|e| CutError::Loan {
            loan: loan.id,
            source: LoanProblem::Rules(e),
        })?;
        for number in &newly_overdue {
            let Some(row) = loan
                .installments
                .iter()
                .find(|i| i64::from(i.number) == i64::from(*number))
            else {
                continue;
            };
            charges
                .entry((late_fee.fee.centavos(), late_fee.iva.centavos()))
                .or_default()
                .push(row.id);
            charged.push(json!([loan.id.get(), number, late_fee.fee, late_fee.iva]));
        }
        let was_paid = loan.status == LoanStatus::Paid.as_str();
        let status = match (settled, was_paid) {
            (true, false) => {
                write.paid_off.push(loan.id);
                LoanStatus::Paid
            }
            (false, true) => {
                write.reopened.push(loan.id);
                LoanStatus::Disbursed
            }
            (true, true) => LoanStatus::Paid,
            (false, false) => LoanStatus::Disbursed,
        };
        let count = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        write.statements.push(NewStatement {
            loan_id: loan.id,
            opening: s.opening.centavos(),
            late_fee: s.late_fee.centavos(),
            late_fee_iva: s.late_fee_iva.centavos(),
            payments: s.payments.centavos(),
            reversals: s.reversals.centavos(),
            closing: s.closing.centavos(),
            billed: s.billed.centavos(),
            overdue: s.overdue.centavos(),
            overdue_installments: count(s.overdue_installments),
            days_past_due: count(s.days_past_due),
            bucket: crate::support::enum_text(&s.bucket),
            outstanding_principal: s.outstanding_principal.centavos(),
            next_due_date: s.next_due_date,
            next_due_amount: s.next_due_amount.centavos(),
            loan_status: status.as_str().to_string(),
        });
        write.last_loan_id = loan.id.get();
    }
    write.charges = charges
        .into_iter()
        .map(|((fee, iva), installments)| Charge {
            fee: credinet_core::money::Money::from_centavos(fee),
            iva: credinet_core::money::Money::from_centavos(iva),
            installments,
        })
        .collect();
    let audit = json!({
        "cut_date": cut.date(),
        "loans": loans.len(),
        "first_loan_id": loans.first().map(|l| l.id.get()),
        "last_loan_id": write.last_loan_id,
        // [loan id, installment number, late fee, its IVA] for every installment charged.
        "late_fees": charged,
        "paid_off": write.paid_off.iter().map(|id| id.get()).collect::<Vec<_>>(),
        "reopened": write.reopened.iter().map(|id| id.get()).collect::<Vec<_>>(),
    });
    Ok(PagePlan { write, audit })
}

fn at_cut(loan: &PageLoan, late_fee: LateFeeCharge) -> Result<LoanAtCut, CutError> {
    let installments = loan
        .installments
        .iter()
        .map(|i| {
            let number = u32::try_from(i.number).map_err(|_| CutError::Loan {
                loan: loan.id,
                source: LoanProblem::InstallmentNumber(i.number),
            })?;
            Ok(InstallmentAtCut {
                number,
                due_date: i.due_date,
                due: i.due,
                paid: i.paid,
                charged_before: i.overdue_cut_on.is_some(),
            })
        })
        .collect::<Result<_, CutError>>()?;
    Ok(LoanAtCut {
        installments,
        late_fee,
        previous_closing: loan.statement_balance,
        payments: loan.payments,
        reversals: loan.reversals,
        owed_now: loan.owed_now,
    })
}
