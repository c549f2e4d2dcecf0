//! The plan of a payment and of a reversal, with no I/O: given a loan as loaded from the store, the
//! request and `now`, everything the write must store — the payment row, its allocation rows, the
//! installments' new paid amounts, the loan's balances and status, the audit entries, the events and
//! the receipt. The one-by-one path ([`register`](super::register)) and the group commit
//! ([`PaymentQueue`](super::PaymentQueue)) write the same plan, which is why their rows are equal
//! column for column; they differ only in how they lock, read and write.

use super::{AllocationLine, Payment, PaymentInput, PaymentReceipt};
use crate::LendingError;
use crate::Refusal;
use crate::loans::{self, Loan, LoanStatus, balance};
use crate::support::{self, enum_text, optional_text};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::events::EventKind;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::{InstallmentId, PaymentId};
use credinet_core::lending::allocation::{self, Allocation, AllocationError, InstallmentBalance};
use credinet_core::money::Money;
use credinet_core::text::Field;
use credinet_store::entities::installment;
use credinet_store::repo::audit::{Record, Requester};
use credinet_store::repo::events::NewEvent;
use credinet_store::repo::loans::{Balances, LoanBalances, Paid};
use credinet_store::repo::payments::{NewAllocation, NewPayment, NewReversal};
use serde_json::json;
use sha2::{Digest, Sha256};

#[cfg(test)]
mod tests;

/// A payment request, checked and booked on a date.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub input: PaymentInput,
    /// Identifies the request for idempotency (see [`normalize`]).
    pub hash: String,
    pub paid_on: NaiveDate,
    pub by: Requester,
}

impl Request {
    /// Checks what was typed and books it on `today` in the tenant's zone unless it is dated.
    pub fn new(
        input: PaymentInput,
        by: Requester,
        today: NaiveDate,
    ) -> Result<Request, LendingError> {
        let (input, hash) = normalize(input)?;
        let paid_on = booking_date(&input, today)?;
        Ok(Request {
            input,
            hash,
            paid_on,
            by,
        })
    }
}

/// Checks and normalizes what was typed; returns the input and the hash that identifies the request
/// for idempotency.
pub(crate) fn normalize(input: PaymentInput) -> Result<(PaymentInput, String), LendingError> {
    if !input.amount.is_positive() {
        return Err(Refusal::NonPositivePayment(input.amount).into());
    }
    let reference = optional_text(input.reference.as_deref(), Field::Reference, 100)?;
    // The key was checked when it was parsed (`IdempotencyKey`), at whichever edge it came in.
    let input = PaymentInput { reference, ..input };
    let hash = request_hash(&input);
    Ok((input, hash))
}

/// SHA-256 of the request as given (not as resolved: a retry tomorrow without a date is the same request).
fn request_hash(input: &PaymentInput) -> String {
    let canonical = json!([
        input.loan.get(),
        input.amount.centavos(),
        input.paid_on.map(|d| d.to_string()),
        input.method.as_str(),
        input.reference,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// The local date the payment is booked on (today in the tenant's zone unless given); never the future.
pub(crate) fn booking_date(
    input: &PaymentInput,
    today: NaiveDate,
) -> Result<NaiveDate, LendingError> {
    let paid_on = input.paid_on.unwrap_or(today);
    if paid_on > today {
        return Err(Refusal::PaidInFuture { on: paid_on, today }.into());
    }
    credinet_core::date_window::business_date(paid_on, today).map_err(|range| {
        Refusal::DateOutOfRange {
            what: crate::refusal::DateOf::Payment,
            range,
        }
    })?;
    Ok(paid_on)
}

/// Only a disbursed (or written-off, for recoveries) loan takes payments, dated from its disbursement on.
pub(crate) fn check_loan(loan: &Loan, paid_on: NaiveDate) -> Result<(), LendingError> {
    if !matches!(loan.status, LoanStatus::Disbursed | LoanStatus::WrittenOff) {
        return Err(Refusal::TakesNoPayments {
            number: loan.number.clone(),
            status: loan.status.as_str(),
        }
        .into());
    }
    if let Some(disbursed_on) = loan.disbursed_on
        && paid_on < disbursed_on
    {
        return Err(Refusal::PaidBeforeDisbursement { disbursed_on }.into());
    }
    Ok(())
}

/// A loan as loaded (locked) from the store, then as the plans so far leave it: several payments of
/// one batch are each planned against the balances the earlier ones left.
pub(crate) struct LoanState {
    loan: Loan,
    rows: Vec<installment::Model>,
    balances: Vec<InstallmentBalance>,
    /// The numbers of the installments any plan changed: only those are written.
    touched: Vec<u32>,
}

impl LoanState {
    pub fn load(loan: Loan, rows: Vec<installment::Model>) -> Result<LoanState, LendingError> {
        let balances = rows.iter().map(balance).collect::<Result<_, _>>()?;
        Ok(LoanState {
            loan,
            rows,
            balances,
            touched: Vec::new(),
        })
    }

    pub fn loan(&self) -> &Loan {
        &self.loan
    }

    /// Whether any plan changed this loan (a batch writes only those).
    pub fn changed(&self) -> bool {
        !self.touched.is_empty()
    }

    /// Plans a payment and moves the state past it. A refused payment (above the payoff, a loan that
    /// takes no payments, a date before the disbursement) leaves the state as it was.
    pub fn pay(
        &mut self,
        request: Request,
        now: DateTime<Utc>,
    ) -> Result<PlannedPayment, LendingError> {
        check_loan(&self.loan, request.paid_on)?;
        let allocations = allocation::allocate(
            &self.balances,
            request.input.amount,
            self.loan.terms.allocation_order(),
        )
        .map_err(|e| match e {
            AllocationError::AbovePayoff { payoff, amount } => {
                LendingError::AbovePayoff { payoff, amount }
            }
            other => Refusal::Allocation(other).into(),
        })?;
        let lines = self.lines_of(&allocations)?;
        let before = self.loan.clone();
        self.change(&allocations, allocation::apply, now)?;
        Ok(PlannedPayment {
            request,
            before,
            after: self.loan.clone(),
            lines,
        })
    }

    /// Undoes exactly `allocations` (those of one payment) and moves the state past it; returns the
    /// loan as it was before.
    pub fn reverse(
        &mut self,
        allocations: &[Allocation],
        now: DateTime<Utc>,
    ) -> Result<Loan, LendingError> {
        let before = self.loan.clone();
        self.change(allocations, allocation::reverse, now)?;
        Ok(before)
    }

    /// Applies (or undoes) allocations and settles the loan's balances and status, all or nothing.
    fn change(
        &mut self,
        allocations: &[Allocation],
        change: fn(&mut [InstallmentBalance], &[Allocation]) -> Result<(), AllocationError>,
        now: DateTime<Utc>,
    ) -> Result<(), LendingError> {
        let mut balances = self.balances.clone();
        change(&mut balances, allocations).map_err(|e| corrupt(e.to_string()))?;
        let loan = settle(&self.loan, &balances, now)?;
        self.balances = balances;
        self.loan = loan;
        self.touched
            .extend(allocations.iter().map(|a| a.installment));
        self.touched.sort_unstable();
        self.touched.dedup();
        Ok(())
    }

    /// The installments the plans changed, with their new paid amounts.
    pub fn installment_writes(&self) -> Vec<(i64, Paid)> {
        self.touched
            .iter()
            .filter_map(|&n| {
                let number = i32::try_from(n).ok()?;
                let row = self.rows.iter().find(|r| r.number == number)?;
                let p = self.balances.iter().find(|b| b.number() == n)?.paid();
                Some((
                    row.id,
                    Paid {
                        principal: p.principal.centavos(),
                        interest: p.interest.centavos(),
                        interest_iva: p.interest_iva.centavos(),
                        late_fee: p.late_fee.centavos(),
                        late_fee_iva: p.late_fee_iva.centavos(),
                    },
                ))
            })
            .collect()
    }

    /// The loan's cached balances, status and payoff time as the plans leave them.
    pub fn loan_write(&self) -> LoanBalances {
        LoanBalances {
            id: self.loan.id,
            balances: Balances {
                total_paid: self.loan.total_paid.centavos(),
                outstanding: self.loan.outstanding.centavos(),
            },
            status: self.loan.status.as_str().to_string(),
            paid_at: self.loan.paid_at,
        }
    }

    fn lines_of(&self, allocations: &[Allocation]) -> Result<Vec<AllocationLine>, LendingError> {
        allocations
            .iter()
            .map(|a| {
                let row = self
                    .rows
                    .iter()
                    .find(|r| i32::try_from(a.installment).is_ok_and(|n| n == r.number))
                    .ok_or_else(|| corrupt(format!("installment {} vanished", a.installment)))?;
                Ok(AllocationLine {
                    installment_id: InstallmentId::new(row.id),
                    installment_number: a.installment,
                    component: a.component,
                    amount: a.amount,
                })
            })
            .collect()
    }
}

/// The loan after a change of its installments: its balances and the status they imply.
fn settle(
    loan: &Loan,
    balances: &[InstallmentBalance],
    now: DateTime<Utc>,
) -> Result<Loan, LendingError> {
    let outstanding = allocation::payoff(balances).map_err(|e| corrupt(e.to_string()))?;
    let total_paid = Money::checked_sum(
        balances
            .iter()
            .map(|b| b.paid().total().unwrap_or(Money::ZERO)),
    )
    .ok_or_else(|| LendingError::Invalid("amounts too large".into()))?;
    let (status, paid_at) = match loan.status {
        LoanStatus::Disbursed if outstanding.is_zero() => (LoanStatus::Paid, Some(now)),
        LoanStatus::Paid if !outstanding.is_zero() => (LoanStatus::Disbursed, None),
        other => (other, loan.paid_at),
    };
    Ok(Loan {
        status,
        paid_at,
        outstanding,
        total_paid,
        ..loan.clone()
    })
}

/// A payment planned against a loan, before it has an id.
pub(crate) struct PlannedPayment {
    pub request: Request,
    /// The loan before and after this payment.
    pub before: Loan,
    pub after: Loan,
    pub lines: Vec<AllocationLine>,
}

/// What a planned payment writes once it has its id, besides its own rows.
pub(crate) struct PaymentRecords {
    /// The payment's audit entry and event.
    pub entry: (Record, NewEvent),
    /// The loan's, when this payment paid it off.
    pub transition: Option<(Record, NewEvent)>,
    pub receipt: PaymentReceipt,
}

impl PlannedPayment {
    /// The payment row; its id comes from the store (one by one) or was reserved (a batch).
    pub fn row(&self) -> NewPayment {
        let r = &self.request;
        NewPayment {
            loan_id: r.input.loan,
            amount: r.input.amount.centavos(),
            paid_on: r.paid_on,
            method: r.input.method.as_str().to_string(),
            reference: r.input.reference.clone(),
            idempotency_key: r
                .input
                .idempotency_key
                .as_ref()
                .map(|k| k.as_str().to_string()),
            request_hash: r.hash.clone(),
            registered_by: r.by.actor.clone(),
        }
    }

    pub fn allocation_rows(&self) -> Result<Vec<NewAllocation>, LendingError> {
        self.lines
            .iter()
            .map(|l| {
                Ok(NewAllocation {
                    installment_id: l.installment_id.get(),
                    installment_number: crate::support::storable_number(l.installment_number)?,
                    component: enum_text(&l.component),
                    amount: l.amount.centavos(),
                })
            })
            .collect()
    }

    /// The audit entries, events and receipt of the payment stored as `id`.
    pub fn records(self, id: PaymentId, now: DateTime<Utc>) -> PaymentRecords {
        let PlannedPayment {
            request,
            before,
            after,
            lines,
        } = self;
        let by = request.by;
        let payment = Payment {
            id,
            loan_id: request.input.loan,
            amount: request.input.amount,
            paid_on: request.paid_on,
            method: request.input.method,
            reference: request.input.reference,
            idempotency_key: request
                .input
                .idempotency_key
                .map(IdempotencyKey::into_string),
            registered_by: Some(by.actor.stored()),
            created_at: now,
            reversed: false,
        };
        let snapshot_before = json!({
            "loan_outstanding": before.outstanding, "loan_total_paid": before.total_paid,
            "loan_status": before.status,
        });
        let snapshot_after = json!({
            "payment": payment, "allocations": lines,
            "loan_outstanding": after.outstanding,
            "loan_total_paid": after.total_paid, "loan_status": after.status,
        });
        let payload = json!({
            "payment_id": payment.id, "loan_id": before.id, "loan_number": before.number,
            "amount": payment.amount, "paid_on": payment.paid_on, "method": payment.method,
            "loan_outstanding": after.outstanding, "by": by.actor.label,
        });
        PaymentRecords {
            entry: records(
                &by,
                EventKind::PaymentRegistered,
                id,
                snapshot_before,
                snapshot_after,
                payload,
            ),
            transition: transition(&by, &before, &after),
            receipt: PaymentReceipt {
                payment,
                allocations: lines,
                loan_number: before.number,
                loan_outstanding: after.outstanding,
                loan_status: after.status,
                replayed: false,
            },
        }
    }
}

/// A reversal planned against a loan.
pub(crate) struct PlannedReversal {
    pub row: NewReversal,
    /// The payment's audit entry and event.
    pub entry: (Record, NewEvent),
    /// The loan's, when the reversal reopened it.
    pub transition: Option<(Record, NewEvent)>,
    /// The loan after the reversal.
    pub after: Loan,
}

/// Plans the reversal of `payment`, whose allocations were `allocations`, and moves the state past it.
pub(crate) fn reversal(
    state: &mut LoanState,
    payment: &Payment,
    allocations: &[Allocation],
    reason: String,
    today: NaiveDate,
    by: &Requester,
    now: DateTime<Utc>,
) -> Result<PlannedReversal, LendingError> {
    let before = state.reverse(allocations, now)?;
    let after = state.loan().clone();
    let snapshot_before = json!({
        "payment": payment, "loan_outstanding": before.outstanding, "loan_status": before.status,
    });
    let snapshot_after = json!({
        "reversed": true, "reason": reason, "reversed_on": today,
        "loan_outstanding": after.outstanding, "loan_status": after.status,
    });
    let payload = json!({
        "payment_id": payment.id, "loan_id": before.id, "loan_number": before.number,
        "amount": payment.amount, "reason": reason, "loan_outstanding": after.outstanding,
        "by": by.actor.label,
    });
    Ok(PlannedReversal {
        entry: records(
            by,
            EventKind::PaymentReversed,
            payment.id,
            snapshot_before,
            snapshot_after,
            payload,
        ),
        transition: transition(by, &before, &after),
        row: NewReversal {
            payment_id: payment.id,
            loan_id: before.id,
            amount: payment.amount.centavos(),
            reversed_on: today,
            reason,
            reversed_by: by.actor.clone(),
        },
        after,
    })
}

/// The audit entry and the event of a change to payment `id`.
fn records(
    by: &Requester,
    kind: EventKind,
    id: PaymentId,
    before: serde_json::Value,
    after: serde_json::Value,
    payload: serde_json::Value,
) -> (Record, NewEvent) {
    let record = Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action: kind.as_str(),
        entity: "payment",
        entity_id: Some(id.to_string()),
        before: Some(before),
        after: Some(after),
    };
    let event = NewEvent {
        kind,
        entity: "payment",
        entity_id: Some(id.to_string()),
        payload,
    };
    (record, event)
}

/// The loan's status change, when a payment paid it off or a reversal reopened it.
fn transition(by: &Requester, before: &Loan, after: &Loan) -> Option<(Record, NewEvent)> {
    (after.status != before.status).then(|| loans::transition_records(by, before, after))
}

fn corrupt(what: String) -> LendingError {
    LendingError::Store(support::corrupt(what))
}
