//! The scheduler's part of the configuration (assembled with the others in the binary; ADR 4).

use crate::schedule::{CutTime, Schedule, ScheduleError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SchedulerSettings {
    /// Whether `serve` runs the scheduler. Off for a server that must not run jobs (several servers on
    /// one database may all leave it on: leases keep each run to one of them).
    pub enabled: bool,
    /// Local time of the period cut on each cut day, in each tenant's zone (`HH:MM`, default 00:05).
    pub cut_time: String,
    /// How late a period cut may still run at start-up, in hours (default 72); older ones are recorded
    /// as missed and back-filled with `credinet cut run`.
    pub cut_grace_hours: u32,
    /// When expired browser sessions are deleted, with its zone (`CRON_TZ=<zone> <cron>`).
    pub session_expiry_schedule: String,
    /// The nightly backup (`backup` job), with its zone (default 02:00 in Mexico City).
    pub backup_schedule: String,
    /// The off-site copy (`offsite_sync` job), with its zone (default 02:30, after the backup).
    pub offsite_sync_schedule: String,
    /// How often the scheduler looks for due work, in seconds.
    pub tick_seconds: u64,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        SchedulerSettings {
            enabled: true,
            cut_time: CutTime::DEFAULT.to_string(),
            cut_grace_hours: 72,
            session_expiry_schedule: "CRON_TZ=UTC */15 * * * *".into(),
            // 02:00 and 02:30 where the installation is: the quietest hours of a Mexican lender.
            backup_schedule: "CRON_TZ=America/Mexico_City 0 2 * * *".into(),
            offsite_sync_schedule: "CRON_TZ=America/Mexico_City 30 2 * * *".into(),
            tick_seconds: 30,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchedulerSettingsError {
    #[error("{key}: {source}")]
    Schedule {
        key: &'static str,
        source: ScheduleError,
    },
    #[error("scheduler_tick_seconds must be between 1 and 3600, got {0}")]
    Tick(u64),
    #[error("cut_grace_hours must be at least 1, got 0")]
    ZeroGrace,
}

impl SchedulerSettings {
    pub fn validate(&self) -> Result<(), SchedulerSettingsError> {
        self.cut_time()?;
        self.session_expiry_schedule()?;
        self.backup_schedule()?;
        self.offsite_sync_schedule()?;
        if !(1..=3600).contains(&self.tick_seconds) {
            return Err(SchedulerSettingsError::Tick(self.tick_seconds));
        }
        if self.cut_grace_hours == 0 {
            return Err(SchedulerSettingsError::ZeroGrace);
        }
        Ok(())
    }

    pub fn cut_time(&self) -> Result<CutTime, SchedulerSettingsError> {
        CutTime::parse(&self.cut_time).map_err(|source| SchedulerSettingsError::Schedule {
            key: "cut_time",
            source,
        })
    }

    pub fn session_expiry_schedule(&self) -> Result<Schedule, SchedulerSettingsError> {
        Schedule::parse(&self.session_expiry_schedule).map_err(|source| {
            SchedulerSettingsError::Schedule {
                key: "session_expiry_schedule",
                source,
            }
        })
    }

    pub fn backup_schedule(&self) -> Result<Schedule, SchedulerSettingsError> {
        Schedule::parse(&self.backup_schedule).map_err(|source| SchedulerSettingsError::Schedule {
            key: "backup_schedule",
            source,
        })
    }

    pub fn offsite_sync_schedule(&self) -> Result<Schedule, SchedulerSettingsError> {
        Schedule::parse(&self.offsite_sync_schedule).map_err(|source| {
            SchedulerSettingsError::Schedule {
                key: "offsite_sync_schedule",
                source,
            }
        })
    }

    pub fn cut_grace(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.cut_grace_hours))
    }

    pub fn tick(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.tick_seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        SchedulerSettings::default().validate().unwrap();
    }

    #[test]
    fn a_schedule_setting_without_a_zone_is_refused_by_its_key() {
        let settings = SchedulerSettings {
            session_expiry_schedule: "*/15 * * * *".into(),
            ..Default::default()
        };
        let err = settings.validate().unwrap_err();
        assert!(matches!(
            err,
            SchedulerSettingsError::Schedule {
                key: "session_expiry_schedule",
                source: ScheduleError::MissingZone { .. }
            }
        ));
        assert!(
            err.to_string().starts_with("session_expiry_schedule: "),
            "{err}"
        );
    }

    #[test]
    fn a_bad_cut_time_or_tick_is_refused() {
        let bad_time = SchedulerSettings {
            cut_time: "25:00".into(),
            ..Default::default()
        };
        assert!(bad_time.validate().is_err());
        let bad_tick = SchedulerSettings {
            tick_seconds: 0,
            ..Default::default()
        };
        assert_eq!(bad_tick.validate(), Err(SchedulerSettingsError::Tick(0)));
    }
}
