//! How late a loan is: days past due and the delinquency bucket reports and PAR are built on.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

    proptest! {
        #[test]
        fn more_days_late_never_means_a_better_bucket(a in 0u32..400, b in 0u32..400) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(DelinquencyBucket::from_days_past_due(lo) <= DelinquencyBucket::from_days_past_due(hi));
        }
    }
}
