//! Cut periods: the local days between two cuts. A period runs from a cut day (inclusive) to the next
//! cut day (exclusive) and is named by the cut that closes it — the same days a statement of that cut
//! counts its payments in, so a report by period and the statements agree. Pure date arithmetic.

use chrono::{Datelike, Duration, NaiveDate};
use credinet_core::lending::terms::CutDays;

/// `[from, cut)`: the local days the cut of `cut` closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct CutPeriod {
    pub from: NaiveDate,
    pub cut: NaiveDate,
}

impl CutPeriod {
    /// The period `date` falls in.
    pub fn of(days: &CutDays, date: NaiveDate) -> CutPeriod {
        CutPeriod {
            from: cut_on_or_before(days, date),
            cut: cut_after(days, date),
        }
    }

    /// The last day of the period (the day before its cut).
    pub fn last_day(&self) -> NaiveDate {
        self.cut - Duration::days(1)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date < self.cut
    }

    /// The periods that cover `range`, oldest first.
    pub fn covering(days: &CutDays, range: DateRange) -> Vec<CutPeriod> {
        let mut periods = vec![CutPeriod::of(days, range.from)];
        while let Some(last) = periods.last().copied().filter(|p| p.cut <= range.to) {
            periods.push(CutPeriod::of(days, last.cut));
        }
        periods
    }
}

/// The first cut day strictly after `date`. Cut days are 1 to 28, so every month has each of them.
fn cut_after(days: &CutDays, date: NaiveDate) -> NaiveDate {
    days.days()
        .iter()
        .find(|d| **d > date.day())
        .and_then(|d| date.with_day(*d))
        .unwrap_or_else(|| {
            let next = first_of_next_month(date);
            next.with_day(days.days()[0]).unwrap_or(next)
        })
}

/// The last cut day on or before `date`.
fn cut_on_or_before(days: &CutDays, date: NaiveDate) -> NaiveDate {
    days.days()
        .iter()
        .rev()
        .find(|d| **d <= date.day())
        .and_then(|d| date.with_day(*d))
        .unwrap_or_else(|| {
            let previous = date.with_day(1).unwrap_or(date) - Duration::days(1);
            let last = *days.days().last().unwrap_or(&1);
            previous.with_day(last).unwrap_or(previous)
        })
}

fn first_of_next_month(date: NaiveDate) -> NaiveDate {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date)
}

/// Local days `from..=to` a report covers, at most [`DateRange::MAX_DAYS`] long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("the range starts on {from} after it ends on {to}")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("the range covers {days} days; at most {max} are allowed")]
    TooLong { days: i64, max: i64 },
}

impl DateRange {
    /// Five years: longer ranges are exports of everything, which the lists already offer.
    pub const MAX_DAYS: i64 = 1_830;

    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<DateRange, RangeError> {
        if from > to {
            return Err(RangeError::Reversed { from, to });
        }
        let days = (to - from).num_days() + 1;
        if days > Self::MAX_DAYS {
            return Err(RangeError::TooLong {
                days,
                max: Self::MAX_DAYS,
            });
        }
        Ok(DateRange { from, to })
    }

    /// The last `periods` cut periods up to `today`, the current one included.
    pub fn last_periods(days: &CutDays, today: NaiveDate, periods: usize) -> DateRange {
        let mut from = CutPeriod::of(days, today).from;
        for _ in 1..periods.max(1) {
            from = CutPeriod::of(days, from - Duration::days(1)).from;
        }
        DateRange { from, to: today }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_payment_on_the_7th_belongs_to_the_period_the_cut_of_the_8th_closes() {
        let days = CutDays::default();
        let p = CutPeriod::of(&days, d(2026, 3, 7));
        assert_eq!(
            p,
            CutPeriod {
                from: d(2026, 2, 23),
                cut: d(2026, 3, 8)
            }
        );
        assert_eq!(p.last_day(), d(2026, 3, 7));
        assert_eq!(CutPeriod::of(&days, d(2026, 3, 8)).cut, d(2026, 3, 23));
        assert_eq!(
            CutPeriod::of(&days, d(2026, 12, 30)),
            CutPeriod {
                from: d(2026, 12, 23),
                cut: d(2027, 1, 8)
            },
            "the year turns"
        );
    }

    #[test]
    fn periods_covering_a_range_are_consecutive_and_cover_every_day() {
        let days = CutDays::default();
        let range = DateRange::new(d(2026, 1, 10), d(2026, 3, 8)).unwrap();
        let periods = CutPeriod::covering(&days, range);
        let cuts: Vec<_> = periods.iter().map(|p| p.cut).collect();
        assert_eq!(
            cuts,
            [
                d(2026, 1, 23),
                d(2026, 2, 8),
                d(2026, 2, 23),
                d(2026, 3, 8),
                d(2026, 3, 23)
            ]
        );
    }

    #[test]
    fn a_reversed_or_endless_range_is_refused_with_its_dates() {
        assert_eq!(
            DateRange::new(d(2026, 3, 2), d(2026, 3, 1)),
            Err(RangeError::Reversed {
                from: d(2026, 3, 2),
                to: d(2026, 3, 1)
            })
        );
        assert!(matches!(
            DateRange::new(d(2000, 1, 1), d(2026, 1, 1)),
            Err(RangeError::TooLong { max: 1_830, .. })
        ));
    }

    #[test]
    fn the_last_periods_end_today_and_start_on_a_cut_day() {
        let days = CutDays::default();
        let r = DateRange::last_periods(&days, d(2026, 3, 10), 3);
        assert_eq!(
            r,
            DateRange {
                from: d(2026, 2, 8),
                to: d(2026, 3, 10)
            }
        );
    }

    proptest! {
        #[test]
        fn every_date_lies_in_its_period_and_periods_touch(
            day in 0i64..20_000,
            cut_days in proptest::collection::btree_set(1u32..=28, 1..4),
        ) {
            let days = CutDays::new(cut_days).unwrap();
            let date = d(2000, 1, 1) + Duration::days(day);
            let p = CutPeriod::of(&days, date);
            prop_assert!(p.contains(date));
            prop_assert!(days.days().contains(&p.from.day()));
            prop_assert!(days.days().contains(&p.cut.day()));
            prop_assert_eq!(CutPeriod::of(&days, p.cut).from, p.cut);
            prop_assert!((p.cut - p.from).num_days() <= 31);
        }
    }
}
