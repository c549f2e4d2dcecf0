//! What time it is, injected. Services ask the [`Store`](crate::Store) they were given
//! ([`Store::now`](crate::Store::now)) instead of reading the wall clock, so tests and the scheduler can
//! move time. This module is the only place in Credinet that reads the wall clock ([`SystemClock`], and
//! [`ShiftedClock`] for end-to-end tests of a running server).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; clones share one time. For tests and for replaying
/// a schedule.
#[derive(Debug, Clone)]
pub struct ManualClock {
    at: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// Starts at `at`, kept to the microsecond like every stored instant.
    pub fn starting_at(at: DateTime<Utc>) -> ManualClock {
        ManualClock {
            at: Arc::new(Mutex::new(at.trunc_subsecs(6))),
        }
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.at.lock().unwrap_or_else(|p| p.into_inner()) = at.trunc_subsecs(6);
    }

    pub fn advance(&self, by: Duration) {
        let mut at = self.at.lock().unwrap_or_else(|p| p.into_inner());
        *at += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.at.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The wall clock moved to start at a chosen instant: it then runs at the wall clock's pace. For
/// end-to-end tests of a running server (`CREDINET_CLOCK_START` in debug builds: two `serve` processes
/// at a cut time), where a clock that stands still would never reach the next minute.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    shift: Duration,
}

impl ShiftedClock {
    /// A clock that reads `start` now and moves on from there.
    pub fn starting_at(start: DateTime<Utc>) -> ShiftedClock {
        ShiftedClock {
            shift: start - Utc::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_its_clones_follow() {
        let start = Utc.with_ymd_and_hms(2026, 12, 7, 23, 59, 0).unwrap();
        let clock = ManualClock::starting_at(start);
        let seen_by_a_service = clock.clone();
        assert_eq!(seen_by_a_service.now(), start);
        clock.advance(Duration::minutes(2));
        assert_eq!(seen_by_a_service.now(), start + Duration::minutes(2));
        clock.set(start);
        assert_eq!(seen_by_a_service.now(), start);
    }

    #[test]
    fn a_shifted_clock_starts_at_its_instant_and_moves_forward() {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 6, 4, 50).unwrap();
        let clock = ShiftedClock::starting_at(start);
        let first = clock.now();
        assert!(
            first >= start && first - start < Duration::minutes(1),
            "{first}"
        );
        assert!(clock.now() >= first);
    }
}
