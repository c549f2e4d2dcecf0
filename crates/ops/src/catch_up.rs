//! What the scheduler does with the occurrences that came due since the last one it recorded — the
//! pure part of a tick, apart from the I/O.
//!
//! An occurrence younger than the job's grace window runs; an older one came due while no server was
//! running and is recorded as missed, never run late (a cut three weeks late would mark borrowers from a
//! stale picture; `credinet cut run` back-fills it on purpose). Jobs where each occurrence is its own
//! work (the cut of the 8th is not the cut of the 23rd) go through every occurrence, oldest first; jobs
//! where a run covers everything before it (session expiry) fold the occurrences into the latest.

use crate::job::CatchUp;
use chrono::{DateTime, Duration, Utc};

/// One thing to do for one occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Run the job for the occurrence due at this instant.
    Run(DateTime<Utc>),
    /// Record the occurrence due at this instant as missed.
    Miss(DateTime<Utc>),
}

/// The steps for the occurrences `due` (oldest first, none after `now`).
pub fn plan(
    due: &[DateTime<Utc>],
    now: DateTime<Utc>,
    grace: Duration,
    policy: CatchUp,
) -> Vec<Step> {
    let step = |at: DateTime<Utc>| {
        if now - at <= grace {
            Step::Run(at)
        } else {
            Step::Miss(at)
        }
    };
    let mut due = due.iter().copied().filter(|at| *at <= now);
    match policy {
        CatchUp::EachOccurrence => due.map(step).collect(),
        CatchUp::LatestOnly => due.next_back().map(step).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, d, h, 5, 0).unwrap()
    }

    #[test]
    fn an_occurrence_within_the_grace_window_runs_once_and_an_older_one_is_missed() {
        let due = [at(8, 6), at(23, 6)];
        let now = at(24, 12);
        assert_eq!(
            plan(&due, now, Duration::hours(72), CatchUp::EachOccurrence),
            vec![Step::Miss(at(8, 6)), Step::Run(at(23, 6))]
        );
    }

    #[test]
    fn a_job_that_covers_what_came_before_runs_only_its_latest_occurrence() {
        let due = [at(8, 6), at(8, 7), at(8, 8)];
        assert_eq!(
            plan(&due, at(8, 9), Duration::hours(2), CatchUp::LatestOnly),
            vec![Step::Run(at(8, 8))]
        );
        assert_eq!(
            plan(&due, at(9, 9), Duration::hours(2), CatchUp::LatestOnly),
            vec![Step::Miss(at(8, 8))]
        );
        assert!(plan(&[], at(9, 9), Duration::hours(2), CatchUp::LatestOnly).is_empty());
    }

    proptest! {
        #[test]
        fn every_occurrence_gets_one_step_in_order_and_only_young_ones_run(
            offsets in proptest::collection::btree_set(0i64..10_000, 0..40),
            grace in 0i64..5_000,
        ) {
            let now = at(28, 0);
            let due: Vec<_> = offsets.iter().rev().map(|m| now - Duration::minutes(*m)).collect();
            let steps = plan(&due, now, Duration::minutes(grace), CatchUp::EachOccurrence);
            prop_assert_eq!(steps.len(), due.len());
            for (step, at) in steps.iter().zip(&due) {
                match step {
                    Step::Run(t) => prop_assert!(t == at && now - *t <= Duration::minutes(grace)),
                    Step::Miss(t) => prop_assert!(t == at && now - *t > Duration::minutes(grace)),
                }
            }
        }
    }
}
