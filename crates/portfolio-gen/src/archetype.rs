//! One kind of loan, planned without I/O: its schedule, the payments its borrower made and how each
//! was allocated — by `core`'s own allocation, oldest installment first in the product's order, so the
//! rows are those the payment service would have written. Many loans share an archetype (the same
//! product, principal and standing); only their ids differ, which is what makes a million loans cheap.

use crate::standing::Standing;
use chrono::{Days, NaiveDate};
use credinet_core::lending::allocation::{self, Components, InstallmentBalance};
use credinet_core::lending::due_dates::due_dates;
use credinet_core::lending::schedule::{Schedule, build_schedule};
use credinet_core::lending::terms::{CutDays, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_store::repo::bulk::{BulkAllocation, BulkInstallment};
use credinet_store::repo::loans::Paid;

/// A payment before it belongs to a loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPayment {
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub allocations: Vec<BulkAllocation>,
}

#[derive(Debug, Clone)]
pub struct Archetype {
    pub disbursed_on: NaiveDate,
    pub schedule: Schedule,
    pub installments: Vec<BulkInstallment>,
    pub payments: Vec<PlannedPayment>,
    pub total_due: i64,
    pub total_paid: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the schedule cannot be built: {0}")]
    Schedule(String),
    #[error("the payments cannot be allocated: {0}")]
    Allocation(#[from] allocation::AllocationError),
    #[error(
        "a loan {elapsed} periods old at {as_of} has {got} due dates before it, not {elapsed} (min days to first due: {min_days})"
    )]
    Calendar {
        elapsed: u32,
        as_of: NaiveDate,
        got: usize,
        min_days: u32,
    },
}

/// The disbursement date that puts exactly `elapsed` due dates of a biweekly-cut loan before `as_of`
/// (a cut date): the `elapsed`-th due date counting back becomes its first; with none, three days
/// before `as_of`, so its first due date comes after it.
pub fn disbursement_for(
    elapsed: u32,
    as_of: NaiveDate,
    cut_days: &CutDays,
    min_days: u32,
) -> Result<NaiveDate, PlanError> {
    let calendar_error = |got| PlanError::Calendar {
        elapsed,
        as_of,
        got,
        min_days,
    };
    if elapsed == 0 {
        return as_of
            .checked_sub_days(Days::new(3))
            .ok_or(calendar_error(0));
    }
    // Two years of due days before `as_of` hold more than any generated loan's age.
    let start = as_of
        .checked_sub_days(Days::new(730))
        .ok_or(calendar_error(0))?;
    let days = due_dates(Periodicity::BiweeklyCut, cut_days, start, 0, 60)
        .map_err(|e| PlanError::Schedule(e.to_string()))?;
    let before: Vec<NaiveDate> = days.into_iter().filter(|d| *d < as_of).collect();
    let first = before
        .len()
        .checked_sub(elapsed as usize)
        .map(|k| before[k])
        .ok_or(calendar_error(before.len()))?;
    // The first due day at least `min_days` after the disbursement is `first` itself: the due day
    // before it lies about fifteen days earlier.
    first
        .checked_sub_days(Days::new(u64::from(min_days) + 3))
        .ok_or(calendar_error(before.len()))
}

/// The schedule of a loan of `principal` on `terms` disbursed on `disbursed_on` (building one solves
/// for the CAT, the costly part of planning: loans that differ only in how they paid share it).
pub fn schedule(
    terms: &ProductTerms,
    principal: Money,
    disbursed_on: NaiveDate,
    cut_days: &CutDays,
) -> Result<Schedule, PlanError> {
    build_schedule(terms, principal, disbursed_on, cut_days)
        .map_err(|e| PlanError::Schedule(e.to_string()))
}

/// Plans a loan on `terms` with `schedule`, disbursed on `disbursed_on`, standing as `standing` says
/// at `as_of`: the first `elapsed − behind` installments paid in full, each `early_by` days before it
/// fell due; when `partial`, two fifths of the next one paid two days after it fell due (or the day
/// before `as_of`, whichever is earlier).
pub fn plan(
    terms: &ProductTerms,
    schedule: Schedule,
    disbursed_on: NaiveDate,
    standing: Standing,
    as_of: NaiveDate,
) -> Result<Archetype, PlanError> {
    let due_before = schedule
        .installments
        .iter()
        .filter(|i| i.due_date < as_of)
        .count();
    let term = schedule.installments.len();
    if standing.elapsed > 0 && due_before != (standing.elapsed as usize).min(term) {
        return Err(PlanError::Calendar {
            elapsed: standing.elapsed,
            as_of,
            got: due_before,
            min_days: terms.min_days_to_first_due(),
        });
    }
    let mut balances: Vec<InstallmentBalance> = schedule
        .installments
        .iter()
        .map(|i| {
            InstallmentBalance::new(
                i.number,
                Components {
                    principal: i.principal,
                    interest: i.interest,
                    interest_iva: i.iva,
                    ..Components::default()
                },
            )
        })
        .collect::<Result<_, _>>()?;

    let paid_in_full = (standing.elapsed - standing.behind) as usize;
    let mut payments = Vec::new();
    for i in schedule.installments.iter().take(paid_in_full) {
        let paid_on = i
            .due_date
            .checked_sub_days(Days::new(u64::from(standing.early_by)))
            .unwrap_or(i.due_date)
            .max(disbursed_on);
        payments.push(pay(&mut balances, i.total, paid_on, terms)?);
    }
    if standing.partial
        && let Some(next) = schedule.installments.get(paid_in_full)
    {
        let two_fifths = Money::from_centavos(next.total.centavos() * 2 / 5);
        let late = next
            .due_date
            .checked_add_days(Days::new(2))
            .unwrap_or(next.due_date);
        let day_before_cut = as_of.pred_opt().unwrap_or(as_of);
        let paid_on = late.min(day_before_cut).max(disbursed_on);
        if two_fifths.is_positive() {
            payments.push(pay(&mut balances, two_fifths, paid_on, terms)?);
        }
    }

    let installments: Vec<BulkInstallment> = schedule
        .installments
        .iter()
        .zip(&balances)
        .map(|(i, b)| {
            let paid = b.paid();
            BulkInstallment {
                number: i.number as i32,
                due_date: i.due_date,
                principal: i.principal.centavos(),
                interest: i.interest.centavos(),
                interest_iva: i.iva.centavos(),
                late_fee: 0,
                late_fee_iva: 0,
                paid: Paid {
                    principal: paid.principal.centavos(),
                    interest: paid.interest.centavos(),
                    interest_iva: paid.interest_iva.centavos(),
                    late_fee: paid.late_fee.centavos(),
                    late_fee_iva: paid.late_fee_iva.centavos(),
                },
            }
        })
        .collect();
    let total_due = schedule.total_to_pay.centavos();
    let total_paid = payments.iter().map(|p| p.amount).sum();
    Ok(Archetype {
        disbursed_on,
        schedule,
        installments,
        payments,
        total_due,
        total_paid,
    })
}

fn pay(
    balances: &mut [InstallmentBalance],
    amount: Money,
    paid_on: NaiveDate,
    terms: &ProductTerms,
) -> Result<PlannedPayment, PlanError> {
    let slices = allocation::allocate(balances, amount, terms.allocation_order())?;
    allocation::apply(balances, &slices)?;
    Ok(PlannedPayment {
        amount: amount.centavos(),
        paid_on,
        allocations: slices
            .iter()
            .map(|s| BulkAllocation {
                installment: s.installment as i32,
                component: s.component,
                amount: s.amount.centavos(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use credinet_core::lending::terms::InterestMethod;
    use credinet_core::rate::Rate;

    fn terms(periods: u32) -> ProductTerms {
        ProductTerms::new(
            Periodicity::BiweeklyCut,
            periods,
            InterestMethod::Declining,
            Rate::parse("0.03").unwrap(),
        )
        .unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_loan_three_periods_old_has_three_due_dates_before_the_cut() {
        let cut_days = CutDays::default();
        let as_of = day(2026, 11, 23);
        let disbursed_on = disbursement_for(3, as_of, &cut_days, 7).unwrap();
        let a = plan(
            &terms(12),
            schedule(
                &terms(12),
                Money::from_centavos(500_000),
                disbursed_on,
                &cut_days,
            )
            .unwrap(),
            disbursed_on,
            Standing {
                elapsed: 3,
                behind: 0,
                partial: false,
                early_by: 1,
            },
            as_of,
        )
        .unwrap();
        let due: Vec<NaiveDate> = a
            .installments
            .iter()
            .map(|i| i.due_date)
            .filter(|d| *d < as_of)
            .collect();
        assert_eq!(
            due,
            vec![day(2026, 10, 22), day(2026, 11, 7), day(2026, 11, 22)]
        );
        assert_eq!(
            a.payments.iter().map(|p| p.paid_on).collect::<Vec<_>>(),
            vec![day(2026, 10, 21), day(2026, 11, 6), day(2026, 11, 21)]
        );
    }

    #[test]
    fn a_loan_behind_with_a_partial_payment_owes_its_oldest_installments() {
        let cut_days = CutDays::default();
        let as_of = day(2026, 11, 8);
        let standing = Standing {
            elapsed: 5,
            behind: 3,
            partial: true,
            early_by: 0,
        };
        let disbursed_on = disbursement_for(5, as_of, &cut_days, 7).unwrap();
        let a = plan(
            &terms(6),
            schedule(
                &terms(6),
                Money::from_centavos(300_000),
                disbursed_on,
                &cut_days,
            )
            .unwrap(),
            disbursed_on,
            standing,
            as_of,
        )
        .unwrap();
        assert_eq!(a.payments.len(), 3, "two installments paid, one partial");
        let third = &a.installments[2];
        let paid_third = third.paid.principal + third.paid.interest + third.paid.interest_iva;
        let due_third = third.principal + third.interest + third.interest_iva;
        assert_eq!(paid_third, due_third * 2 / 5);
        assert!(
            a.installments[3..]
                .iter()
                .all(|i| i.paid == Paid::default())
        );
        // Five due dates before Nov 8 (Sep 7, Sep 22, Oct 7, Oct 22, Nov 7): the third fell due on Oct 7
        // and got its partial payment two days later.
        assert_eq!(third.due_date, day(2026, 10, 7));
        assert_eq!(a.payments[2].paid_on, day(2026, 10, 9));
        let allocated: i64 = a
            .payments
            .iter()
            .flat_map(|p| &p.allocations)
            .map(|s| s.amount)
            .sum();
        assert_eq!(allocated, a.total_paid);
    }
}
