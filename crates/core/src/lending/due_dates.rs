//! When installments fall due.
//!
//! The schedule keeps *nominal* due dates; whether a payment is late is judged against the *effective* due
//! date, moved past weekends and the tenant's holidays (SPEC §3).

use super::terms::{CutDays, Periodicity};
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DueDateError {
    #[error("the due dates of this loan run past the last representable date")]
    OutOfRange,
}

/// The nominal due dates of `count` installments of a loan disbursed on `disbursed_on`.
///
/// * `BiweeklyCut`: an installment falls due the day *before* a cut day — the last day on which a payment
///   still counts as on time (cut days 8 and 23 → the 7th and the 22nd; cut day 1 → the last day of the
///   previous month). The first is the first such day at least `min_days` after disbursement, then every
///   following one.
/// * `Weekly` (decision, SPEC is silent on the first date): the first due date is disbursement +
///   max(`min_days`, 7) days — a weekly loan's first week is never shorter than a week — then every 7 days.
/// * `Monthly` (decision): the first due date is the same day of the next month, or of a later month if
///   that is less than `min_days` after disbursement. Installment k is disbursement + (first offset + k)
///   months, each computed from the disbursement date rather than chained from the previous due date, so a
///   day clamped to a short month comes back (Jan 31 → Feb 28 → Mar 31 → Apr 30).
pub fn due_dates(
    periodicity: Periodicity,
    cut_days: &CutDays,
    disbursed_on: NaiveDate,
    min_days: u32,
    count: u32,
) -> Result<Vec<NaiveDate>, DueDateError> {
    let earliest = disbursed_on
        .checked_add_days(Days::new(u64::from(min_days)))
        .ok_or(DueDateError::OutOfRange)?;
    match periodicity {
        Periodicity::BiweeklyCut => biweekly_cut(cut_days, earliest, count),
        Periodicity::Weekly => {
            let first = disbursed_on
                .checked_add_days(Days::new(u64::from(min_days.max(7))))
                .ok_or(DueDateError::OutOfRange)?;
            (0..u64::from(count))
                .map(|k| {
                    first
                        .checked_add_days(Days::new(7 * k))
                        .ok_or(DueDateError::OutOfRange)
                })
                .collect()
        }
        Periodicity::Monthly => {
            let mut offset = 1u32;
            while disbursed_on
                .checked_add_months(Months::new(offset))
                .ok_or(DueDateError::OutOfRange)?
                < earliest
            {
                offset += 1;
            }
            (0..count)
                .map(|k| {
                    disbursed_on
                        .checked_add_months(Months::new(offset + k))
                        .ok_or(DueDateError::OutOfRange)
                })
                .collect()
        }
    }
}

fn biweekly_cut(
    cut_days: &CutDays,
    earliest: NaiveDate,
    count: u32,
) -> Result<Vec<NaiveDate>, DueDateError> {
    let capacity = usize::try_from(count).unwrap_or(0);
    let mut dates = Vec::with_capacity(capacity);
    let (mut year, mut month) = (earliest.year(), earliest.month());
    while dates.len() < capacity {
        // Cut days are sorted and at most 28, so the due dates of one month come out in order, and the due
        // date of a cut on the 1st (the last day of the previous month) precedes the others of its month.
        for &day in cut_days.days() {
            let cut = NaiveDate::from_ymd_opt(year, month, day).ok_or(DueDateError::OutOfRange)?;
            let due = cut.pred_opt().ok_or(DueDateError::OutOfRange)?;
            if due >= earliest && dates.len() < capacity {
                dates.push(due);
            }
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    Ok(dates)
}

pub fn is_business_day(date: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&date)
}

/// The nominal due date, or the next business day when it falls on a Saturday, Sunday or holiday (however
/// many of those follow one another, e.g. Holy Thursday, Good Friday and the weekend).
pub fn effective_due_date(nominal: NaiveDate, holidays: &BTreeSet<NaiveDate>) -> NaiveDate {
    let mut date = nominal;
    while !is_business_day(date, holidays) {
        match date.succ_opt() {
            Some(next) => date = next,
            // The end of the calendar: nothing later exists to move to.
            None => return date,
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn with_cut_days_8_and_23_installments_fall_due_on_the_7th_and_the_22nd() {
        // Disbursed Jan 10, at least 7 days → on or after Jan 17: the 22nd is the first due date.
        let dates = due_dates(
            Periodicity::BiweeklyCut,
            &CutDays::default(),
            d(2026, 1, 10),
            7,
            6,
        )
        .unwrap();
        assert_eq!(
            dates,
            vec![
                d(2026, 1, 22),
                d(2026, 2, 7),
                d(2026, 2, 22),
                d(2026, 3, 7),
                d(2026, 3, 22),
                d(2026, 4, 7)
            ]
        );
    }

    #[test]
    fn a_due_date_exactly_min_days_after_disbursement_counts() {
        let dates = due_dates(
            Periodicity::BiweeklyCut,
            &CutDays::default(),
            d(2026, 1, 15),
            7,
            1,
        )
        .unwrap();
        assert_eq!(dates, vec![d(2026, 1, 22)]);
        let dates = due_dates(
            Periodicity::BiweeklyCut,
            &CutDays::default(),
            d(2026, 1, 16),
            7,
            1,
        )
        .unwrap();
        assert_eq!(dates, vec![d(2026, 2, 7)]);
    }

    #[test]
    fn a_cut_on_the_first_makes_the_last_day_of_the_previous_month_due() {
        let cuts = CutDays::new([1, 16]).unwrap();
        let dates = due_dates(Periodicity::BiweeklyCut, &cuts, d(2026, 1, 20), 7, 4).unwrap();
        assert_eq!(
            dates,
            vec![
                d(2026, 1, 31),
                d(2026, 2, 15),
                d(2026, 2, 28),
                d(2026, 3, 15)
            ]
        );
        // Leap year: the cut of 1 March 2028 makes 29 February due.
        let dates = due_dates(Periodicity::BiweeklyCut, &cuts, d(2028, 2, 10), 7, 1).unwrap();
        assert_eq!(dates, vec![d(2028, 2, 29)]);
    }

    #[test]
    fn weekly_installments_start_a_full_week_after_disbursement_at_least() {
        let dates = due_dates(
            Periodicity::Weekly,
            &CutDays::default(),
            d(2026, 1, 10),
            3,
            3,
        )
        .unwrap();
        assert_eq!(dates, vec![d(2026, 1, 17), d(2026, 1, 24), d(2026, 1, 31)]);
        let dates = due_dates(
            Periodicity::Weekly,
            &CutDays::default(),
            d(2026, 1, 10),
            10,
            2,
        )
        .unwrap();
        assert_eq!(dates, vec![d(2026, 1, 20), d(2026, 1, 27)]);
    }

    #[test]
    fn monthly_installments_keep_the_day_of_disbursement_clamped_to_short_months() {
        let dates = due_dates(
            Periodicity::Monthly,
            &CutDays::default(),
            d(2026, 1, 31),
            7,
            4,
        )
        .unwrap();
        assert_eq!(
            dates,
            vec![
                d(2026, 2, 28),
                d(2026, 3, 31),
                d(2026, 4, 30),
                d(2026, 5, 31)
            ]
        );
    }

    #[test]
    fn a_monthly_first_due_date_too_close_to_disbursement_moves_a_month_later() {
        // Jan 31 + 1 month = Feb 28, only 28 days: with 30 minimum days the first due date is Mar 31.
        let dates = due_dates(
            Periodicity::Monthly,
            &CutDays::default(),
            d(2026, 1, 31),
            30,
            2,
        )
        .unwrap();
        assert_eq!(dates, vec![d(2026, 3, 31), d(2026, 4, 30)]);
    }

    #[test]
    fn a_due_date_on_a_weekend_or_holiday_is_effective_on_the_next_business_day() {
        let none = BTreeSet::new();
        // 2026-02-07 is a Saturday → Monday the 9th.
        assert_eq!(effective_due_date(d(2026, 2, 7), &none), d(2026, 2, 9));
        assert_eq!(effective_due_date(d(2026, 1, 22), &none), d(2026, 1, 22));
        // Holy Thursday 2026-04-02, Good Friday, weekend → Monday 6 April.
        let easter: BTreeSet<_> = [d(2026, 4, 2), d(2026, 4, 3)].into();
        assert_eq!(effective_due_date(d(2026, 4, 2), &easter), d(2026, 4, 6));
    }

    #[test]
    fn dates_beyond_the_calendar_are_an_error_not_a_panic() {
        let near_end = NaiveDate::MAX.checked_sub_days(Days::new(10)).unwrap();
        for p in [
            Periodicity::BiweeklyCut,
            Periodicity::Weekly,
            Periodicity::Monthly,
        ] {
            assert_eq!(
                due_dates(p, &CutDays::default(), near_end, 7, 12),
                Err(DueDateError::OutOfRange)
            );
        }
        assert_eq!(
            effective_due_date(NaiveDate::MAX, &BTreeSet::new()),
            NaiveDate::MAX
        );
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        (2000i32..2100, 1u32..=12, 1u32..=31).prop_filter_map("real date", |(y, m, day)| {
            NaiveDate::from_ymd_opt(y, m, day)
        })
    }

    proptest! {
        #[test]
        fn biweekly_due_dates_are_increasing_days_before_cuts_and_respect_min_days(
            disbursed in arb_date(), min_days in 0u32..40, count in 1u32..30,
            cut in proptest::collection::btree_set(1u32..=28, 1..4)
        ) {
            let cuts = CutDays::new(cut).unwrap();
            let dates = due_dates(Periodicity::BiweeklyCut, &cuts, disbursed, min_days, count).unwrap();
            prop_assert_eq!(dates.len(), count as usize);
            prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
            prop_assert!((dates[0] - disbursed).num_days() >= i64::from(min_days));
            for date in &dates {
                prop_assert!(cuts.days().contains(&date.succ_opt().unwrap().day()));
            }
            // No due date was skipped: the day before the first is not a valid one.
            let earlier = due_dates(Periodicity::BiweeklyCut, &cuts, disbursed, min_days, count + 1).unwrap();
            prop_assert_eq!(&earlier[..dates.len()], &dates[..]);
        }

        #[test]
        fn weekly_and_monthly_due_dates_are_increasing_and_respect_min_days(
            disbursed in arb_date(), min_days in 0u32..60, count in 1u32..30
        ) {
            for p in [Periodicity::Weekly, Periodicity::Monthly] {
                let dates = due_dates(p, &CutDays::default(), disbursed, min_days, count).unwrap();
                prop_assert!(dates.windows(2).all(|w| w[0] < w[1]));
                prop_assert!((dates[0] - disbursed).num_days() >= i64::from(min_days));
            }
        }

        #[test]
        fn the_effective_due_date_is_the_first_business_day_on_or_after_the_nominal(
            nominal in arb_date(), holiday_offsets in proptest::collection::btree_set(0u64..10, 0..6)
        ) {
            let holidays: BTreeSet<NaiveDate> =
                holiday_offsets.iter().map(|o| nominal.checked_add_days(Days::new(*o)).unwrap()).collect();
            let effective = effective_due_date(nominal, &holidays);
            prop_assert!(effective >= nominal);
            prop_assert!(is_business_day(effective, &holidays));
            let mut day = nominal;
            while day < effective {
                prop_assert!(!is_business_day(day, &holidays));
                day = day.succ_opt().unwrap();
            }
        }
    }
}
