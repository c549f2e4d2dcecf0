//! When a group of occurrences becomes a message — pure, the way Prometheus Alertmanager groups alerts.
//!
//! A group (one event kind on one channel) that has been quiet waits `wait` after its first occurrence,
//! gathering what arrives with it, then sends one message. While occurrences keep coming, the next
//! message goes no sooner than `interval` after the last flush, summarizing them ("error_500 ×37 in 5
//! min"). A flush that would announce exactly what the last message announced (the same conditions, by
//! fingerprint) while they never stopped is absorbed, and sent again only once `repeat` has passed.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub wait: Duration,
    pub interval: Duration,
    pub repeat: Duration,
}

/// What the group remembers of its last flush.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupState {
    pub last_flush_at: Option<DateTime<Utc>>,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub last_signature: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Not yet: keep gathering.
    Wait { until: DateTime<Utc> },
    /// Send one message for the pending occurrences; remember `signature`.
    Send { signature: String },
    /// The same conditions as the last message, still going on: take the occurrences, send nothing.
    Absorb,
}

/// Decides for a group with pending occurrences (`pending`: fingerprint and instant of each; not empty).
pub fn decide(
    state: &GroupState,
    pending: &[(&str, DateTime<Utc>)],
    now: DateTime<Utc>,
    timing: Timing,
) -> Decision {
    let Some(first) = pending.iter().map(|(_, at)| *at).min() else {
        return Decision::Wait { until: now };
    };
    // A group whose first pending occurrence came more than an interval after its last flush had gone
    // quiet: this is a new burst, and it gets the short wait, not the interval.
    let continuing = state
        .last_flush_at
        .filter(|last| first - *last <= timing.interval);
    let due = match continuing {
        Some(last) => last + timing.interval,
        None => first + timing.wait,
    };
    if now < due {
        return Decision::Wait { until: due };
    }
    let signature = signature(pending.iter().map(|(f, _)| *f));
    let repeat_pending = state
        .last_sent_at
        .is_some_and(|sent| now < sent + timing.repeat);
    if continuing.is_some()
        && repeat_pending
        && state.last_signature.as_deref() == Some(signature.as_str())
    {
        return Decision::Absorb;
    }
    Decision::Send { signature }
}

/// A short stable name for a set of fingerprints, whatever their order and repetitions.
pub fn signature<'a>(fingerprints: impl Iterator<Item = &'a str>) -> String {
    let distinct: BTreeSet<&str> = fingerprints.collect();
    let mut hash = Sha256::new();
    for f in distinct {
        hash.update(f.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(secs: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap() + Duration::seconds(secs)
    }

    const TIMING: Timing = Timing {
        wait: Duration::seconds(30),
        interval: Duration::seconds(300),
        repeat: Duration::seconds(4 * 3600),
    };

    #[test]
    fn a_new_group_waits_then_sends_everything_that_arrived_with_it() {
        let fresh = GroupState::default();
        let pending = [("a", t(0)), ("b", t(10)), ("c", t(29))];
        assert_eq!(
            decide(&fresh, &pending, t(29), TIMING),
            Decision::Wait { until: t(30) }
        );
        assert!(matches!(
            decide(&fresh, &pending, t(30), TIMING),
            Decision::Send { .. }
        ));
    }

    #[test]
    fn a_busy_group_sends_no_more_often_than_the_interval() {
        let state = GroupState {
            last_flush_at: Some(t(30)),
            last_sent_at: Some(t(30)),
            last_signature: Some(signature(["a"].into_iter())),
        };
        let pending = [("b", t(60)), ("c", t(200))];
        assert_eq!(
            decide(&state, &pending, t(300), TIMING),
            Decision::Wait { until: t(330) }
        );
        assert!(matches!(
            decide(&state, &pending, t(330), TIMING),
            Decision::Send { .. }
        ));
    }

    #[test]
    fn a_group_that_went_quiet_starts_a_new_burst_with_the_short_wait() {
        let state = GroupState {
            last_flush_at: Some(t(30)),
            last_sent_at: Some(t(30)),
            last_signature: Some(signature(["a"].into_iter())),
        };
        // The same condition again, but after a quiet interval: it is news, sent after the wait.
        let pending = [("a", t(1000))];
        assert_eq!(
            decide(&state, &pending, t(1010), TIMING),
            Decision::Wait { until: t(1030) }
        );
        assert!(matches!(
            decide(&state, &pending, t(1030), TIMING),
            Decision::Send { .. }
        ));
    }

    #[test]
    fn an_unchanged_persisting_condition_is_repeated_only_after_the_repeat_interval() {
        let state = GroupState {
            last_flush_at: Some(t(30)),
            last_sent_at: Some(t(30)),
            last_signature: Some(signature(["a", "b"].into_iter())),
        };
        let pending = [("b", t(100)), ("a", t(200)), ("a", t(250))];
        assert_eq!(decide(&state, &pending, t(330), TIMING), Decision::Absorb);
        let later = GroupState {
            last_flush_at: Some(t(4 * 3600)),
            ..state.clone()
        };
        let pending = [("a", t(4 * 3600 + 100))];
        // A different set of conditions is news at once.
        assert!(matches!(
            decide(&later, &pending, t(4 * 3600 + 300), TIMING),
            Decision::Send { .. }
        ));
        let pending = [("a", t(4 * 3600 + 100)), ("b", t(4 * 3600 + 120))];
        assert!(matches!(
            decide(&later, &pending, t(4 * 3600 + 300), TIMING),
            Decision::Send { .. }
        ));
    }

    #[test]
    fn a_signature_ignores_order_and_repetition() {
        assert_eq!(
            signature(["a", "b", "a"].into_iter()),
            signature(["b", "a"].into_iter())
        );
        assert_ne!(signature(["a"].into_iter()), signature(["ab"].into_iter()));
    }
}
