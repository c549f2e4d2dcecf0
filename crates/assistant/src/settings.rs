//! The assistant's part of the configuration (ADR 4, ADR 27): how long a session lives, how verification
//! locks, how long a handoff keeps the bot silent. Installation-wide: `credinet.toml` keys
//! `assistant_session_idle_minutes`, `assistant_verification_max_failures`,
//! `assistant_verification_lock_minutes`, `assistant_handoff_hours`.

use chrono::Duration;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AssistantSettings {
    /// Minutes without a message after which a session forgets its verification and what it waited for.
    pub session_idle_minutes: u32,
    /// Wrong secrets in a row that lock verification.
    pub verification_max_failures: u32,
    /// Minutes a locked session refuses to verify.
    pub verification_lock_minutes: u32,
    /// Hours a handoff keeps the bot silent when no agent releases the session.
    pub handoff_hours: u32,
}

impl Default for AssistantSettings {
    fn default() -> Self {
        AssistantSettings {
            session_idle_minutes: 30,
            verification_max_failures: 3,
            verification_lock_minutes: 30,
            handoff_hours: 8,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssistantSettingsError {
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error("{0} is more than {1}: a value that large is a typo")]
    TooLarge(&'static str, u32),
}

impl AssistantSettings {
    /// Zero would make a session expire at once, lock after no failure, or end a handoff before it
    /// starts; the bounds catch a value typed in the wrong unit.
    pub fn validate(&self) -> Result<(), AssistantSettingsError> {
        let checks: [(&'static str, u32, u32); 4] = [
            (
                "assistant_session_idle_minutes",
                self.session_idle_minutes,
                7 * 24 * 60,
            ),
            (
                "assistant_verification_max_failures",
                self.verification_max_failures,
                20,
            ),
            (
                "assistant_verification_lock_minutes",
                self.verification_lock_minutes,
                7 * 24 * 60,
            ),
            ("assistant_handoff_hours", self.handoff_hours, 30 * 24),
        ];
        for (name, value, max) in checks {
            if value == 0 {
                return Err(AssistantSettingsError::Zero(name));
            }
            if value > max {
                return Err(AssistantSettingsError::TooLarge(name, max));
            }
        }
        Ok(())
    }

    pub fn session_idle(&self) -> Duration {
        Duration::minutes(i64::from(self.session_idle_minutes.max(1)))
    }

    pub fn verification_lock(&self) -> Duration {
        Duration::minutes(i64::from(self.verification_lock_minutes.max(1)))
    }

    pub fn handoff_window(&self) -> Duration {
        Duration::hours(i64::from(self.handoff_hours.max(1)))
    }

    pub fn max_failures(&self) -> i32 {
        i32::try_from(self.verification_max_failures.max(1)).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_a_zero_or_a_wrong_unit_is_refused_by_name() {
        AssistantSettings::default().validate().unwrap();
        let zero = AssistantSettings {
            verification_max_failures: 0,
            ..AssistantSettings::default()
        };
        assert_eq!(
            zero.validate(),
            Err(AssistantSettingsError::Zero(
                "assistant_verification_max_failures"
            ))
        );
        let seconds_not_minutes = AssistantSettings {
            session_idle_minutes: 1800 * 60,
            ..AssistantSettings::default()
        };
        assert!(matches!(
            seconds_not_minutes.validate(),
            Err(AssistantSettingsError::TooLarge(
                "assistant_session_idle_minutes",
                _
            ))
        ));
    }
}
