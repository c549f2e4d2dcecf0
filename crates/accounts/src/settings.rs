//! The accounts' part of the configuration: sign-in, sessions and new tenants (ADR 4).

use crate::login::LoginPolicy;
use chrono::Duration;
use credinet_core::zone::{UnknownZone, Zone};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSettings {
    /// Zone of tenants created without one; must be an IANA name.
    pub default_time_zone: String,
    /// Idle minutes after which a browser session ends.
    pub session_idle_minutes: u32,
    /// Days after which a browser session ends however much it is used: sign in again.
    pub session_max_days: u32,
    /// Failed logins within the window that lock an account.
    pub lockout_max_failures: u32,
    pub lockout_window_minutes: u32,
}

impl Default for AccountSettings {
    fn default() -> Self {
        AccountSettings {
            default_time_zone: credinet_core::zone::DEFAULT_ZONE.into(),
            session_idle_minutes: 12 * 60,
            session_max_days: 7,
            lockout_max_failures: 5,
            lockout_window_minutes: 15,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AccountSettingsError {
    #[error(transparent)]
    Zone(#[from] UnknownZone),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
}

impl AccountSettings {
    /// Checks what the types cannot: the zone exists, numbers are in range.
    pub fn validate(&self) -> Result<(), AccountSettingsError> {
        Zone::parse(&self.default_time_zone)?;
        if self.lockout_max_failures == 0 {
            return Err(AccountSettingsError::Zero("lockout_max_failures"));
        }
        if self.lockout_window_minutes == 0 {
            return Err(AccountSettingsError::Zero("lockout_window_minutes"));
        }
        if self.session_idle_minutes == 0 {
            return Err(AccountSettingsError::Zero("session_idle_minutes"));
        }
        if self.session_max_days == 0 {
            return Err(AccountSettingsError::Zero("session_max_days"));
        }
        Ok(())
    }

    pub fn session_idle(&self) -> Duration {
        Duration::minutes(i64::from(self.session_idle_minutes))
    }

    pub fn session_max_age(&self) -> Duration {
        Duration::days(i64::from(self.session_max_days))
    }

    pub fn login_policy(&self) -> LoginPolicy {
        LoginPolicy {
            lockout_max_failures: self.lockout_max_failures,
            lockout_window: Duration::minutes(i64::from(self.lockout_window_minutes)),
            session_idle: self.session_idle(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_time_zone_is_refused_with_the_expected_form() {
        let settings = AccountSettings {
            default_time_zone: "America/Mexico_Cty".into(),
            ..AccountSettings::default()
        };
        let err = settings.validate().unwrap_err().to_string();
        assert!(
            err.contains("America/Mexico_Cty") && err.contains("IANA"),
            "{err}"
        );
    }
}
