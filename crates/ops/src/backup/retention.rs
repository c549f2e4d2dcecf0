//! Which backups a retention policy keeps — pure, so the same plan prunes the local directory and the
//! off-site copy, and a test can walk it over simulated months.
//!
//! A backup is kept when any rule keeps it:
//! - it is younger than `days` days;
//! - it is the newest of one of the `weekly` most recent ISO weeks that have a backup;
//! - it is the newest of one of the `monthly` most recent calendar months (UTC) that have a backup;
//! - it is the newest backup of all (a server that stopped backing up for longer than `days` never
//!   deletes its last copy).

use chrono::{DateTime, Datelike, Duration, Utc};
use std::collections::BTreeMap;

pub const DEFAULT_KEEP_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Retention {
    pub days: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            days: DEFAULT_KEEP_DAYS,
            weekly: 0,
            monthly: 0,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RetentionError {
    #[error(
        "backup retention must keep at least 1 day (got 0): a backup would be deleted as soon as it is made"
    )]
    NoDays,
}

impl Retention {
    pub fn new(days: u32, weekly: u32, monthly: u32) -> Result<Retention, RetentionError> {
        if days == 0 {
            return Err(RetentionError::NoDays);
        }
        Ok(Retention {
            days,
            weekly,
            monthly,
        })
    }

    /// For each instant of `backups` (any order), whether it is kept at `now`.
    pub fn plan(&self, backups: &[DateTime<Utc>], now: DateTime<Utc>) -> Vec<bool> {
        let horizon = now - Duration::days(i64::from(self.days));
        let mut keep: Vec<bool> = backups.iter().map(|at| *at > horizon).collect();
        if let Some((newest, _)) = backups.iter().enumerate().max_by_key(|(_, at)| **at) {
            keep[newest] = true;
        }
        let weeks = newest_per(backups, |at| {
            let w = at.iso_week();
            (w.year(), w.week())
        });
        for &index in weeks.values().rev().take(self.weekly as usize) {
            keep[index] = true;
        }
        let months = newest_per(backups, |at| (at.year(), at.month()));
        for &index in months.values().rev().take(self.monthly as usize) {
            keep[index] = true;
        }
        keep
    }
}

/// The index of the newest backup in each period, ordered by period.
fn newest_per<K: Ord>(
    backups: &[DateTime<Utc>],
    period: impl Fn(&DateTime<Utc>) -> K,
) -> BTreeMap<K, usize> {
    let mut newest: BTreeMap<K, usize> = BTreeMap::new();
    for (i, at) in backups.iter().enumerate() {
        let slot = newest.entry(period(at)).or_insert(i);
        if backups[*slot] < *at {
            *slot = i;
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
    }

    /// One backup a night from `first`, for `nights` nights.
    fn nightly(first: DateTime<Utc>, nights: i64) -> Vec<DateTime<Utc>> {
        (0..nights).map(|n| first + Duration::days(n)).collect()
    }

    fn kept(
        policy: Retention,
        backups: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let plan = policy.plan(backups, now);
        backups
            .iter()
            .zip(plan)
            .filter(|(_, k)| *k)
            .map(|(at, _)| *at)
            .collect()
    }

    #[test]
    fn sixty_nightly_backups_keep_the_last_thirty_days() {
        let backups = nightly(at(2026, 10, 1), 60); // 1 Oct .. 29 Nov
        let now = at(2026, 11, 29) + Duration::minutes(5);
        let kept = kept(Retention::default(), &backups, now);
        assert_eq!(kept, nightly(at(2026, 10, 31), 30));
    }

    #[test]
    fn weekly_and_monthly_keeps_add_the_newest_of_each_older_period() {
        let backups = nightly(at(2026, 10, 1), 60);
        let now = at(2026, 11, 29) + Duration::minutes(5);
        let policy = Retention::new(7, 6, 3).unwrap();
        let kept = kept(policy, &backups, now);
        let mut expected = nightly(at(2026, 11, 23), 7); // the last 7 days: 23..29 Nov
        // The newest of each of the six latest ISO weeks: Sundays 29, 22, 15, 8, 1 Nov and 25 Oct.
        expected.extend([
            at(2026, 10, 25),
            at(2026, 11, 1),
            at(2026, 11, 8),
            at(2026, 11, 15),
            at(2026, 11, 22),
        ]);
        // The newest of each month: 31 Oct (and 29 Nov, already kept); September has none.
        expected.push(at(2026, 10, 31));
        expected.sort();
        assert_eq!(kept, expected);
    }

    #[test]
    fn the_newest_backup_is_kept_however_old() {
        let backups = vec![at(2025, 1, 1), at(2025, 1, 2)];
        let kept = kept(Retention::default(), &backups, at(2026, 12, 1));
        assert_eq!(kept, vec![at(2025, 1, 2)]);
    }

    #[test]
    fn zero_days_is_refused() {
        assert_eq!(Retention::new(0, 4, 0), Err(RetentionError::NoDays));
    }
}
