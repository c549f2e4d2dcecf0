//! The assistant's part of the configuration (ADR 4): how long a session lives, how verification locks,
//! how long a handoff keeps the bot silent.

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

impl AssistantSettings {
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
