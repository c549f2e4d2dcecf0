//! What a failed delivery becomes — pure: another attempt after an exponential backoff with jitter,
//! the wait a rate limit asked for, or a dead letter.

use crate::send::SendError;
use chrono::{DateTime, Duration, Utc};
use credinet_store::repo::notify::messages::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    pub max_attempts: i32,
}

impl Backoff {
    /// The delay before attempt `attempts + 1`, after `attempts` failures: base × 2^(attempts−1), at
    /// most the cap, scaled by `jitter` ∈ [0, 1) into its upper half so that messages failing together
    /// do not all come back at the same instant.
    pub fn delay(self, attempts: i32, jitter: f64) -> Duration {
        let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let full = self
            .base
            .checked_mul(2_i32.saturating_pow(exponent))
            .unwrap_or(self.cap)
            .min(self.cap);
        let millis = full.num_milliseconds();
        // Jitter between 50 % and 100 % of the delay; millisecond resolution is plenty.
        let scaled = millis / 2 + ((millis / 2) as f64 * jitter.clamp(0.0, 1.0)) as i64;
        Duration::milliseconds(scaled)
    }
}

/// The outcome of an attempt that failed with `error`, for a message that had failed `attempts` times.
pub fn after_failure(
    error: &SendError,
    attempts: i32,
    backoff: Backoff,
    jitter: f64,
    now: DateTime<Utc>,
) -> Outcome {
    let after = attempts.saturating_add(1);
    if let SendError::RateLimited { retry_after } = error {
        // The service said when: that is not a failure of ours, and it does not count as an attempt.
        let wait = retry_after.unwrap_or_else(|| backoff.delay(after, jitter));
        return Outcome::Deferred { at: now + wait };
    }
    if !error.is_transient() || after >= backoff.max_attempts {
        return Outcome::Dead {
            attempts: after,
            error: error.to_string(),
        };
    }
    Outcome::Retry {
        attempts: after,
        at: now + backoff.delay(after, jitter),
        error: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const BACKOFF: Backoff = Backoff {
        base: Duration::seconds(5),
        cap: Duration::seconds(3600),
        max_attempts: 4,
    };

    #[test]
    fn the_delay_doubles_up_to_the_cap_and_jitter_keeps_it_in_its_upper_half() {
        assert_eq!(BACKOFF.delay(1, 1.0), Duration::seconds(5));
        assert_eq!(BACKOFF.delay(2, 1.0), Duration::seconds(10));
        assert_eq!(BACKOFF.delay(3, 1.0), Duration::seconds(20));
        assert_eq!(BACKOFF.delay(3, 0.0), Duration::seconds(10));
        assert_eq!(BACKOFF.delay(40, 1.0), Duration::seconds(3600));
        for jitter in [0.0, 0.3, 0.99] {
            let d = BACKOFF.delay(5, jitter);
            assert!(d >= Duration::seconds(40) && d <= Duration::seconds(80));
        }
    }

    #[test]
    fn a_rate_limit_waits_what_the_service_said_without_spending_an_attempt() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let limited = SendError::RateLimited {
            retry_after: Some(Duration::seconds(17)),
        };
        assert_eq!(
            after_failure(&limited, 3, BACKOFF, 0.5, now),
            Outcome::Deferred {
                at: now + Duration::seconds(17)
            }
        );
    }

    #[test]
    fn transient_failures_retry_until_the_last_attempt_then_die_and_refusals_die_at_once() {
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let down = SendError::Server { status: 503 };
        assert!(matches!(
            after_failure(&down, 0, BACKOFF, 1.0, now),
            Outcome::Retry { attempts: 1, .. }
        ));
        assert!(matches!(
            after_failure(&down, 3, BACKOFF, 1.0, now),
            Outcome::Dead { attempts: 4, .. }
        ));
        let refused = SendError::Refused {
            status: 403,
            description: "Forbidden: bot was kicked".into(),
        };
        assert!(matches!(
            after_failure(&refused, 0, BACKOFF, 1.0, now),
            Outcome::Dead { attempts: 1, .. }
        ));
    }
}
