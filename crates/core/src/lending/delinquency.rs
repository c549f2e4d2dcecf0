//! How late a loan is: days past due and the delinquency bucket reports and PAR are built on.

use super::due_dates::effective_due_date;
use crate::money::Money;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelinquencyBucket {
    Current,
    D1To15,
    D16To30,
    D31To60,
    D61To90,
    Over90,
}

impl DelinquencyBucket {
    pub const ALL: [DelinquencyBucket; 6] = [
        DelinquencyBucket::Current,
        DelinquencyBucket::D1To15,
        DelinquencyBucket::D16To30,
        DelinquencyBucket::D31To60,
        DelinquencyBucket::D61To90,
        DelinquencyBucket::Over90,
    ];

    pub fn from_days_past_due(days: u32) -> DelinquencyBucket {
        match days {
            0 => DelinquencyBucket::Current,
            1..=15 => DelinquencyBucket::D1To15,
            16..=30 => DelinquencyBucket::D16To30,
            31..=60 => DelinquencyBucket::D31To60,
            61..=90 => DelinquencyBucket::D61To90,
            _ => DelinquencyBucket::Over90,
        }
    }

    /// The stored and exported code, as serde writes it (`d1_to15`…).
    pub fn code(self) -> &'static str {
        match self {
            DelinquencyBucket::Current => "current",
            DelinquencyBucket::D1To15 => "d1_to15",
            DelinquencyBucket::D16To30 => "d16_to30",
            DelinquencyBucket::D31To60 => "d31_to60",
            DelinquencyBucket::D61To90 => "d61_to90",
            DelinquencyBucket::Over90 => "over90",
        }
    }

    /// The label shown in the back office and reports.
    pub fn label_es(self) -> &'static str {
        match self {
            DelinquencyBucket::Current => "Al corriente",
            DelinquencyBucket::D1To15 => "1 a 15 días",
            DelinquencyBucket::D16To30 => "16 a 30 días",
            DelinquencyBucket::D31To60 => "31 a 60 días",
            DelinquencyBucket::D61To90 => "61 a 90 días",
            DelinquencyBucket::Over90 => "Más de 90 días",
        }
    }
}

/// Days past due on `as_of`, counted from the oldest unpaid *effective* due date (SPEC §3). The due date
/// itself is still on time, so the day after it is 1 day past due; a date not yet reached is 0.
pub fn days_past_due(oldest_unpaid_effective_due: NaiveDate, as_of: NaiveDate) -> u32 {
    let days = (as_of - oldest_unpaid_effective_due).num_days();
    u32::try_from(days.max(0)).unwrap_or(u32::MAX)
}

/// The one rule of lateness (SPEC §3), used by the period cut and by the arrears pages show between
/// cuts: an installment is overdue on `as_of` when its effective due date is before that day and
/// something is still owed on it.
pub fn is_overdue(effective_due: NaiveDate, owed: Money, as_of: NaiveDate) -> bool {
    effective_due < as_of && owed.is_positive()
}

/// How late a loan is on a day, from its stored schedule: what the next cut would find, without its
/// late fees (they are charged by the cut, not by looking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrears {
    pub days_past_due: u32,
    /// What is still owed on the overdue installments.
    pub overdue: Money,
    pub overdue_installments: u32,
    pub bucket: DelinquencyBucket,
}

/// The arrears on `as_of` of a loan whose installments are `(nominal due date, still owed)`, with the
/// tenant's `holidays` moving due dates as the cut moves them. `None` if the amounts overflow.
pub fn arrears_as_of(
    installments: impl IntoIterator<Item = (NaiveDate, Money)>,
    holidays: &BTreeSet<NaiveDate>,
    as_of: NaiveDate,
) -> Option<Arrears> {
    let mut arrears = Arrears {
        days_past_due: 0,
        overdue: Money::ZERO,
        overdue_installments: 0,
        bucket: DelinquencyBucket::Current,
    };
    let mut oldest: Option<NaiveDate> = None;
    for (due, owed) in installments {
        let effective = effective_due_date(due, holidays);
        if is_overdue(effective, owed, as_of) {
            arrears.overdue = arrears.overdue.checked_add(owed)?;
            arrears.overdue_installments += 1;
            oldest = Some(oldest.map_or(effective, |d| d.min(effective)));
        }
    }
    arrears.days_past_due = oldest.map_or(0, |d| days_past_due(d, as_of));
    arrears.bucket = DelinquencyBucket::from_days_past_due(arrears.days_past_due);
    Some(arrears)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_due_date_itself_is_on_time_and_the_next_day_is_one_day_late() {
        assert_eq!(days_past_due(d(2026, 2, 9), d(2026, 2, 9)), 0);
        assert_eq!(days_past_due(d(2026, 2, 9), d(2026, 2, 10)), 1);
        assert_eq!(days_past_due(d(2026, 2, 9), d(2026, 1, 1)), 0);
        assert_eq!(days_past_due(d(2026, 1, 22), d(2026, 3, 8)), 45);
    }

    #[test]
    fn bucket_edges_follow_the_spec() {
        let cases = [
            (0, DelinquencyBucket::Current),
            (1, DelinquencyBucket::D1To15),
            (15, DelinquencyBucket::D1To15),
            (16, DelinquencyBucket::D16To30),
            (30, DelinquencyBucket::D16To30),
            (31, DelinquencyBucket::D31To60),
            (60, DelinquencyBucket::D31To60),
            (61, DelinquencyBucket::D61To90),
            (90, DelinquencyBucket::D61To90),
            (91, DelinquencyBucket::Over90),
            (u32::MAX, DelinquencyBucket::Over90),
        ];
        for (days, bucket) in cases {
            assert_eq!(
                DelinquencyBucket::from_days_past_due(days),
                bucket,
                "{days}"
            );
        }
        assert_eq!(DelinquencyBucket::Over90.label_es(), "Más de 90 días");
        assert_eq!(DelinquencyBucket::Current.label_es(), "Al corriente");
    }

    #[test]
    fn a_bucket_code_is_what_serde_writes() {
        for bucket in DelinquencyBucket::ALL {
            let json = serde_json::to_value(bucket).unwrap();
            assert_eq!(json.as_str(), Some(bucket.code()), "{bucket:?}");
        }
    }

    #[test]
    fn arrears_count_from_the_oldest_unpaid_effective_due_date_and_skip_paid_installments() {
        let m = Money::from_centavos;
        // Saturday 7 Feb 2026 falls due on Monday 9 Feb; Sunday 22 Feb on Monday 23 Feb.
        let schedule = [
            (d(2026, 1, 22), m(0)),
            (d(2026, 2, 7), m(50_000)),
            (d(2026, 2, 22), m(50_000)),
            (d(2026, 3, 7), m(50_000)),
        ];
        let none = BTreeSet::new();
        let on = |day| arrears_as_of(schedule, &none, day).unwrap();
        assert_eq!(on(d(2026, 2, 9)).bucket, DelinquencyBucket::Current);
        let late = on(d(2026, 2, 24));
        assert_eq!(
            (late.days_past_due, late.overdue, late.overdue_installments),
            (15, m(100_000), 2)
        );
        assert_eq!(late.bucket, DelinquencyBucket::D1To15);
        let holidays: BTreeSet<_> = [d(2026, 2, 9)].into_iter().collect();
        assert_eq!(
            arrears_as_of(schedule, &holidays, d(2026, 2, 10))
                .unwrap()
                .days_past_due,
            0,
            "a holiday moves the due date as the cut moves it"
        );
    }

    proptest! {
        #[test]
        fn more_days_late_never_means_a_better_bucket(a in 0u32..400, b in 0u32..400) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(DelinquencyBucket::from_days_past_due(lo) <= DelinquencyBucket::from_days_past_due(hi));
        }
    }
}
