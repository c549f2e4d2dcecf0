//! Telegram's per-chat rate limit, kept by each worker: no two messages to one chat closer than the
//! configured interval (Telegram allows about one a second per chat). Several workers each keep their
//! own pace; what they exceed together Telegram answers with 429 and `retry_after`, which every worker
//! honours through the message's next attempt, stored in the database.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Pacer {
    next_allowed: Mutex<HashMap<(i64, String), DateTime<Utc>>>,
}

impl Pacer {
    /// Takes a turn for (channel, destination) at `now`, or says when the next turn is.
    pub fn admit(
        &self,
        channel: i64,
        destination: &str,
        now: DateTime<Utc>,
        interval: Duration,
    ) -> Result<(), DateTime<Utc>> {
        if interval <= Duration::zero() {
            return Ok(());
        }
        let mut next = self.next_allowed.lock().unwrap_or_else(|p| p.into_inner());
        let key = (channel, destination.to_string());
        match next.get(&key) {
            Some(at) if now < *at => Err(*at),
            _ => {
                next.insert(key, now + interval);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn one_chat_gets_one_turn_per_interval_and_other_chats_are_not_held_back() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let pacer = Pacer::default();
        let second = Duration::seconds(1);
        assert_eq!(pacer.admit(1, "42", t0, second), Ok(()));
        assert_eq!(pacer.admit(1, "42", t0, second), Err(t0 + second));
        assert_eq!(pacer.admit(1, "43", t0, second), Ok(()));
        assert_eq!(pacer.admit(1, "42", t0 + second, second), Ok(()));
    }
}
