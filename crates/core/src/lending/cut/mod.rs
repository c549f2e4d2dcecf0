//! The period cut (corte) of SPEC §3 for one loan, with no I/O: which installments become overdue, the
//! late fee and its IVA charged once per installment, days past due, the delinquency bucket, whether the
//! loan is settled, and its statement line.
//!
//! Everything is seen *as of the cut date*: an installment is overdue when its effective due date is
//! before the cut date and payments dated before the cut date (and not reversed before it) did not cover
//! it. A payment at 23:59 local time on the 7th is dated the 7th, so it counts for the cut of the 8th.
//! The service loads those amounts (`credinet-lending`'s `cuts`), calls [`cut_loan`] and stores the
//! result; the same input always gives the same result, which is what makes a resumed cut equal an
//! uninterrupted one.

use crate::lending::allocation::{Component, Components};
use crate::lending::delinquency::{DelinquencyBucket, days_past_due, is_overdue};
use crate::lending::due_dates::effective_due_date;
use crate::lending::terms::{CutDays, ProductTerms};
use crate::money::{Money, MoneyError};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

mod summary;
#[cfg(test)]
mod tests;

pub use summary::CutSummary;

/// A date on which the tenant cuts: one of its cut days, not after today in its zone. Carries the cut
/// day before it in the tenant's calendar, where the period it closes began.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CutDate {
    date: NaiveDate,
    period_start: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutDateError {
    #[error("{date} is not a cut day: this tenant cuts on days {cut_days} of each month")]
    NotACutDay { date: NaiveDate, cut_days: CutDays },
    #[error("{date} is in the future (today is {today} in the tenant's time zone)")]
    InTheFuture { date: NaiveDate, today: NaiveDate },
}

impl CutDate {
    /// `date` as a cut date of a tenant cutting on `cut_days`, where it is `today`.
    pub fn parse(
        date: NaiveDate,
        cut_days: &CutDays,
        today: NaiveDate,
    ) -> Result<CutDate, CutDateError> {
        if !cut_days.days().contains(&date.day()) {
            return Err(CutDateError::NotACutDay {
                date,
                cut_days: cut_days.clone(),
            });
        }
        if date > today {
            return Err(CutDateError::InTheFuture { date, today });
        }
        Ok(CutDate {
            date,
            period_start: previous_cut_day(date, cut_days),
        })
    }

    pub fn date(self) -> NaiveDate {
        self.date
    }

    /// The tenant's cut day before this one: the period this cut closes is `[period_start, date)`.
    pub fn period_start(self) -> NaiveDate {
        self.period_start
    }
}

/// The last cut day strictly before `date` (cut days are 1 to 28, so every month has each of them).
fn previous_cut_day(date: NaiveDate, cut_days: &CutDays) -> NaiveDate {
    if let Some(day) = cut_days.days().iter().rev().find(|d| **d < date.day()) {
        return date.with_day(*day).unwrap_or(date);
    }
    let last = cut_days.days().last().copied().unwrap_or(1);
    let (year, month) = match date.month() {
        1 => (date.year() - 1, 12),
        m => (date.year(), m - 1),
    };
    NaiveDate::from_ymd_opt(year, month, last).unwrap_or(date)
}

/// The late fee an overdue installment is charged once, and its IVA, as the loan's product terms say
/// (the IVA is rounded to the centavo by the terms' rounding, half-up unless the tenant chose otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LateFeeCharge {
    pub fee: Money,
    pub iva: Money,
}

impl LateFeeCharge {
    pub fn of(terms: &ProductTerms) -> Result<LateFeeCharge, MoneyError> {
        let fee = terms.late_fee();
        let iva = fee.times_rate(terms.iva_rate(), terms.rounding())?;
        Ok(LateFeeCharge { fee, iva })
    }

    pub fn total(self) -> Option<Money> {
        self.fee.checked_add(self.iva)
    }
}

/// One installment as the cut sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallmentAtCut {
    pub number: u32,
    /// The nominal due date, as the schedule shows it.
    pub due_date: NaiveDate,
    /// What is due before this cut's charges (late fees of earlier cuts included).
    pub due: Components,
    /// Paid by payments dated before the cut date and not reversed before it.
    pub paid: Components,
    /// An earlier cut already found it overdue and charged its late fee.
    pub charged_before: bool,
}

/// One loan as the cut sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanAtCut {
    pub installments: Vec<InstallmentAtCut>,
    pub late_fee: LateFeeCharge,
    /// The closing balance of the loan's previous statement; `None` before its first.
    pub previous_closing: Option<Money>,
    /// Payments dated before the cut date that no statement has counted yet.
    pub payments: Money,
    /// Reversals dated before the cut date that no statement has counted yet.
    pub reversals: Money,
    /// What the loan owes now, every payment booked so far counted, before this cut's charges.
    pub owed_now: Money,
}

/// What the cut does to one loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanCut {
    /// Installments found overdue for the first time: each is charged [`LoanAtCut::late_fee`] once and
    /// marked so that no later cut charges it again.
    pub newly_overdue: Vec<u32>,
    pub statement: StatementLine,
    /// Nothing is owed once this cut's charges are added: the loan is (or stays) paid.
    pub settled: bool,
}

/// A loan's statement at a cut (SPEC §3). `closing = opening + charges − payments + reversals`, always.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementLine {
    /// What was owed at the previous cut; at the first cut, what was owed before any payment.
    pub opening: Money,
    /// Late fees charged by this cut, and their IVA.
    pub late_fee: Money,
    pub late_fee_iva: Money,
    pub payments: Money,
    pub reversals: Money,
    /// What is owed as of the cut date.
    pub closing: Money,
    /// Installments (principal, interest and its IVA) that fell due in the period the cut closes.
    pub billed: Money,
    /// What is owed on overdue installments, this cut's charges included.
    pub overdue: Money,
    pub overdue_installments: u32,
    pub days_past_due: u32,
    pub bucket: DelinquencyBucket,
    /// Principal still owed as of the cut date: what PAR weighs.
    pub outstanding_principal: Money,
    /// The first installment not yet due that is still owed: its nominal date and what it owes.
    pub next_due_date: Option<NaiveDate>,
    pub next_due_amount: Money,
}

impl StatementLine {
    pub fn charges(&self) -> Option<Money> {
        self.late_fee.checked_add(self.late_fee_iva)
    }

    /// `opening + charges − payments + reversals`, `None` on overflow.
    pub fn expected_closing(&self) -> Option<Money> {
        self.opening
            .checked_add(self.charges()?)?
            .checked_sub(self.payments)?
            .checked_add(self.reversals)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutError {
    #[error("the amounts of installment {0} are inconsistent (paid beyond what is due)")]
    PaidBeyondDue(u32),
    #[error(
        "the previous statement closed at {previous_closing}, and {charges} charged, {payments} paid and {reversals} reversed since leave {expected}, but the installments owe {owed}"
    )]
    Unbalanced {
        previous_closing: Money,
        charges: Money,
        payments: Money,
        reversals: Money,
        expected: Money,
        owed: Money,
    },
    #[error("the amounts are too large to add up")]
    Overflow,
}

/// The cut of one loan at `cut`, with the tenant's `holidays` deciding effective due dates.
pub fn cut_loan(
    loan: &LoanAtCut,
    cut: CutDate,
    holidays: &BTreeSet<NaiveDate>,
) -> Result<LoanCut, CutError> {
    let sum = |amounts: &mut dyn Iterator<Item = Money>| {
        Money::checked_sum(amounts).ok_or(CutError::Overflow)
    };
    let add = |a: Money, b: Money| a.checked_add(b).ok_or(CutError::Overflow);
    let charge = loan.late_fee;
    let mut newly_overdue = Vec::new();
    let mut line = StatementLine {
        opening: Money::ZERO,
        late_fee: Money::ZERO,
        late_fee_iva: Money::ZERO,
        payments: loan.payments,
        reversals: loan.reversals,
        closing: Money::ZERO,
        billed: Money::ZERO,
        overdue: Money::ZERO,
        overdue_installments: 0,
        days_past_due: 0,
        bucket: DelinquencyBucket::Current,
        outstanding_principal: Money::ZERO,
        next_due_date: None,
        next_due_amount: Money::ZERO,
    };
    let mut oldest_overdue: Option<NaiveDate> = None;
    let mut by_number: Vec<&InstallmentAtCut> = loan.installments.iter().collect();
    by_number.sort_by_key(|i| i.number);
    for installment in by_number {
        let owed = owed_as_of(installment)?;
        let effective = effective_due_date(installment.due_date, holidays);
        let overdue = is_overdue(effective, owed, cut.date());
        let mut owed_after = owed;
        if overdue && !installment.charged_before {
            newly_overdue.push(installment.number);
            line.late_fee = add(line.late_fee, charge.fee)?;
            line.late_fee_iva = add(line.late_fee_iva, charge.iva)?;
            owed_after = add(owed_after, charge.total().ok_or(CutError::Overflow)?)?;
        }
        if overdue {
            line.overdue = add(line.overdue, owed_after)?;
            line.overdue_installments += 1;
            oldest_overdue = Some(oldest_overdue.map_or(effective, |d| d.min(effective)));
        } else if effective >= cut.date() && owed.is_positive() && line.next_due_date.is_none() {
            line.next_due_date = Some(installment.due_date);
            line.next_due_amount = owed;
        }
        if (cut.period_start()..cut.date()).contains(&installment.due_date) {
            let scheduled = [
                Component::Principal,
                Component::Interest,
                Component::InterestIva,
            ];
            let scheduled = sum(&mut scheduled.iter().map(|c| installment.due.get(*c)))?;
            line.billed = add(line.billed, scheduled)?;
        }
        let principal =
            installment.due.principal.centavos() - installment.paid.principal.centavos();
        line.outstanding_principal =
            add(line.outstanding_principal, Money::from_centavos(principal))?;
        line.closing = add(line.closing, owed_after)?;
    }
    let charges = line.charges().ok_or(CutError::Overflow)?;
    line.days_past_due = oldest_overdue.map_or(0, |d| days_past_due(d, cut.date()));
    line.bucket = DelinquencyBucket::from_days_past_due(line.days_past_due);
    line.opening = match loan.previous_closing {
        // What was owed before the period's movements: the schedule's total for a loan whose payments
        // are all on record (a loaded loan carries what it had paid before it was loaded).
        None => line
            .closing
            .checked_sub(charges)
            .and_then(|m| m.checked_add(line.payments))
            .and_then(|m| m.checked_sub(line.reversals))
            .ok_or(CutError::Overflow)?,
        Some(previous) => previous,
    };
    let expected = line.expected_closing().ok_or(CutError::Overflow)?;
    if expected != line.closing {
        return Err(CutError::Unbalanced {
            previous_closing: line.opening,
            charges,
            payments: line.payments,
            reversals: line.reversals,
            expected,
            owed: line.closing,
        });
    }
    let owed_now = add(loan.owed_now, charges)?;
    Ok(LoanCut {
        newly_overdue,
        statement: line,
        settled: owed_now.is_zero(),
    })
}

/// What an installment still owes as of the cut date, refusing a paid amount beyond what is due.
fn owed_as_of(installment: &InstallmentAtCut) -> Result<Money, CutError> {
    let mut owed = 0i64;
    for component in Component::ALL {
        let (due, paid) = (
            installment.due.get(component),
            installment.paid.get(component),
        );
        if paid.is_negative() || paid > due {
            return Err(CutError::PaidBeyondDue(installment.number));
        }
        owed = owed
            .checked_add(due.centavos() - paid.centavos())
            .ok_or(CutError::Overflow)?;
    }
    Ok(Money::from_centavos(owed))
}
