//! When a job is due: a cron expression read in a named IANA zone.
//!
//! A schedule without a zone is refused — the system this replaces ran its cut six hours early because
//! its cron had none. Occurrences are computed in local wall-clock time by `croner`, which resolves the
//! two DST cases so that a daily job runs once a day: a local time that does not exist (the spring gap)
//! runs at the first instant after the gap, and one that occurs twice (the autumn overlap) runs at the
//! first of the two instants.

use chrono::{DateTime, Utc};
use credinet_core::lending::terms::CutDays;
use credinet_core::zone::{UnknownZone, Zone};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};
use std::fmt;

/// The prefix that names the zone in a schedule's text form, as cronie and Kubernetes write it:
/// `CRON_TZ=America/Mexico_City 5 0 8,23 * *`.
const ZONE_PREFIX: &str = "CRON_TZ=";

/// At most this many occurrences are listed between two instants: a job is never caught up further
/// than that (a schedule every minute over a week-long outage would otherwise list ten thousand).
pub const MAX_OCCURRENCES: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(
        "the schedule '{expression}' names no time zone: write it as 'CRON_TZ=America/Mexico_City {expression}'"
    )]
    MissingZone { expression: String },
    #[error(transparent)]
    UnknownZone(#[from] UnknownZone),
    #[error(
        "the schedule '{expression}' is not a cron expression (minute hour day month weekday): {reason}"
    )]
    Malformed { expression: String, reason: String },
    #[error("the cut time '{0}' is not a time of day: write it as HH:MM, e.g. 00:05")]
    CutTime(String),
}

/// A cron expression (five fields: minute, hour, day of month, month, day of week) in a zone.
#[derive(Clone)]
pub struct Schedule {
    cron: Cron,
    expression: String,
    zone: Zone,
}

impl Schedule {
    /// A schedule from its expression and its zone, both required.
    pub fn new(expression: &str, zone: &str) -> Result<Schedule, ScheduleError> {
        let expression = expression.trim();
        if zone.trim().is_empty() {
            return Err(ScheduleError::MissingZone {
                expression: expression.to_string(),
            });
        }
        let zone = Zone::parse(zone)?;
        Schedule::in_zone(expression, zone)
    }

    /// A schedule in a zone already parsed (a tenant's).
    pub fn in_zone(expression: &str, zone: Zone) -> Result<Schedule, ScheduleError> {
        let expression = expression.trim();
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .build();
        let cron = parser
            .parse(expression)
            .map_err(|e| ScheduleError::Malformed {
                expression: expression.to_string(),
                reason: e.to_string(),
            })?;
        Ok(Schedule {
            cron,
            expression: expression.to_string(),
            zone,
        })
    }

    /// Reads the text form of the settings, `CRON_TZ=<IANA zone> <expression>`; without the zone it is
    /// refused.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let text = text.trim();
        match text.strip_prefix(ZONE_PREFIX) {
            Some(rest) => {
                let (zone, expression) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                if expression.trim().is_empty() {
                    return Err(ScheduleError::Malformed {
                        expression: String::new(),
                        reason: "nothing follows the zone".into(),
                    });
                }
                Schedule::new(expression, zone)
            }
            None => Err(ScheduleError::MissingZone {
                expression: text.to_string(),
            }),
        }
    }

    /// The period cut's schedule: `time` on each of the cut days, in `zone` (the tenant's).
    pub fn period_cut(cut_days: &CutDays, time: CutTime, zone: Zone) -> Schedule {
        let days: Vec<String> = cut_days.days().iter().map(u32::to_string).collect();
        let expression = format!("{} {} {} * *", time.minute, time.hour, days.join(","));
        // Cut days are 1..=28 and the time is checked: the expression always parses.
        Schedule::in_zone(&expression, zone)
            .unwrap_or_else(|e| unreachable!("a period cut schedule built from checked parts: {e}"))
    }

    pub fn expression(&self) -> &str {
        &self.expression
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// The first occurrence strictly after `after`.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = after.with_timezone(&self.zone.tz());
        self.cron
            .find_next_occurrence(&local, false)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The latest occurrence at or before `at`.
    pub fn latest_at_or_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let local = at.with_timezone(&self.zone.tz());
        self.cron
            .find_previous_occurrence(&local, true)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The occurrences in `(after, until]`, oldest first, at most [`MAX_OCCURRENCES`] (the latest ones
    /// when there are more).
    pub fn between(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let mut found = std::collections::VecDeque::new();
        let mut cursor = after;
        while let Some(next) = self.next_after(cursor) {
            if next > until {
                break;
            }
            if found.len() == MAX_OCCURRENCES {
                found.pop_front();
            }
            found.push_back(next);
            cursor = next;
        }
        found.into()
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{ZONE_PREFIX}{} {}", self.zone, self.expression)
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Schedule({self})")
    }
}

/// The local time of day of the period cut (default 00:05).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutTime {
    hour: u32,
    minute: u32,
}

impl CutTime {
    pub const DEFAULT: CutTime = CutTime { hour: 0, minute: 5 };

    /// Parses `HH:MM` (24-hour clock).
    pub fn parse(raw: &str) -> Result<CutTime, ScheduleError> {
        let bad = || ScheduleError::CutTime(raw.trim().to_string());
        let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
        let (hour, minute) = (
            h.parse::<u32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
        );
        if hour > 23 || minute > 59 || m.len() != 2 || h.is_empty() || h.len() > 2 {
            return Err(bad());
        }
        Ok(CutTime { hour, minute })
    }
}

impl Default for CutTime {
    fn default() -> Self {
        CutTime::DEFAULT
    }
}

impl fmt::Display for CutTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour, self.minute)
    }
}

#[cfg(test)]
mod tests;
