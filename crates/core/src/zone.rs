//! Tenant time zones: the one place where local civil time and UTC instants meet.
//!
//! Instants are stored in UTC; business dates are the local civil date in the tenant's zone. A local
//! wall-clock time that does not exist (spring-forward gap) resolves to the first instant after the gap;
//! one that occurs twice (fall-back overlap) resolves to its first occurrence. So a daily job at such a
//! time runs exactly once.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

/// The default zone of a new tenant.
pub const DEFAULT_ZONE: &str = "America/Mexico_City";

/// An IANA time zone, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(Tz);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone '{0}': use an IANA name such as America/Mexico_City or America/Tijuana")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Parses an IANA zone name. Abbreviations and offsets ("CST", "-06:00") are refused: they do not
    /// say what happens at a DST change.
    pub fn parse(name: &str) -> Result<Self, UnknownZone> {
        let trimmed = name.trim();
        if !trimmed.contains('/') && trimmed != "UTC" {
            return Err(UnknownZone(trimmed.to_string()));
        }
        trimmed
            .parse::<Tz>()
            .map(Zone)
            .map_err(|_| UnknownZone(trimmed.to_string()))
    }

    pub fn mexico_city() -> Self {
        Zone(chrono_tz::America::Mexico_City)
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    /// The local civil date of an instant: a payment at 23:59 local on the 7th belongs to the 7th.
    pub fn local_date(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.0).date_naive()
    }

    /// The instant at which a local wall-clock time happens, resolving DST gaps and overlaps as the module
    /// documentation says.
    pub fn resolve(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.0.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => {
                // Inside a gap: walk forward minute by minute to the first existing local time (gaps are at
                // most a few hours), then step back by the same distance in UTC terms is not meaningful, so
                // the job runs at the end of the gap.
                let mut probe = local;
                for _ in 0..(24 * 60) {
                    probe += Duration::minutes(1);
                    if let Some(t) = self.0.from_local_datetime(&probe).earliest() {
                        return t.with_timezone(&Utc);
                    }
                }
                // No zone has a day-long gap; fall back to reading the wall time as UTC.
                Utc.from_utc_datetime(&local)
            }
        }
    }

    /// An instant as the back office shows it: the local date as people in Mexico write it, the time,
    /// and the zone's abbreviation where it has one (`08/03/2026 00:05 CST`; chrono-tz writes the
    /// offset, `-03`, for a zone without one).
    pub fn format_local(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.0)
            .format("%d/%m/%Y %H:%M %Z")
            .to_string()
    }

    /// The abbreviation of the zone at `instant` (`CST`), as the page header names the zone.
    pub fn abbreviation(&self, instant: DateTime<Utc>) -> String {
        instant.with_timezone(&self.0).format("%Z").to_string()
    }

    /// Formats an instant as local time with its UTC offset, e.g. `2026-03-08 00:05 (-06:00)`.
    pub fn format_with_offset(&self, instant: DateTime<Utc>) -> String {
        instant
            .with_timezone(&self.0)
            .format("%Y-%m-%d %H:%M (%:z)")
            .to_string()
    }
}

/// The UTC offset of a local time as people read it: `UTC−06:00`, `UTC+01:00`, `UTC+00:00` — with a true
/// minus sign (U+2212), as the pages and `credinet jobs list` print it.
pub fn utc_offset_label(offset_seconds: i32) -> String {
    let sign = if offset_seconds < 0 { '\u{2212}' } else { '+' };
    let minutes = offset_seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

impl Zone {
    /// An instant as local wall-clock time with its offset, e.g. `2026-12-08 00:05 (UTC−06:00)`.
    pub fn format_local_with_utc_offset(&self, instant: DateTime<Utc>) -> String {
        use chrono::Offset;
        let local = instant.with_timezone(&self.0);
        let offset = local.offset().fix().local_minus_utc();
        format!(
            "{} ({})",
            local.format("%Y-%m-%d %H:%M"),
            utc_offset_label(offset)
        )
    }
}

impl Default for Zone {
    fn default() -> Self {
        Self::mexico_city()
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_back_office_writes_local_day_first_with_the_zone_abbreviation() {
        let cut = Utc.with_ymd_and_hms(2026, 12, 8, 6, 5, 0).unwrap();
        let mexico = Zone::mexico_city();
        assert_eq!(mexico.format_local(cut), "08/12/2026 00:05 CST");
        assert_eq!(mexico.abbreviation(cut), "CST");
        let tijuana = Zone::parse("America/Tijuana").unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 1, 19, 0, 0).unwrap();
        assert_eq!(tijuana.format_local(summer), "01/07/2026 12:00 PDT");
    }

    #[test]
    fn a_local_time_is_shown_with_its_utc_offset_and_a_true_minus_sign() {
        let cut = Utc.with_ymd_and_hms(2026, 12, 8, 6, 5, 0).unwrap();
        assert_eq!(
            Zone::mexico_city().format_local_with_utc_offset(cut),
            "2026-12-08 00:05 (UTC\u{2212}06:00)"
        );
        let madrid = Zone::parse("Europe/Madrid").unwrap();
        assert_eq!(
            madrid.format_local_with_utc_offset(cut),
            "2026-12-08 07:05 (UTC+01:00)"
        );
        assert_eq!(utc_offset_label(0), "UTC+00:00");
        assert_eq!(utc_offset_label(-(5 * 3600 + 30 * 60)), "UTC\u{2212}05:30");
    }

    #[test]
    fn unknown_names_and_bare_abbreviations_are_refused() {
        assert!(Zone::parse("America/Mexico_Cty").is_err());
        assert!(Zone::parse("CST").is_err());
        assert!(Zone::parse("-06:00").is_err());
        assert_eq!(
            Zone::parse(" America/Tijuana ").unwrap().name(),
            "America/Tijuana"
        );
    }

    #[test]
    fn a_payment_at_2359_local_belongs_to_that_local_date() {
        let zone = Zone::mexico_city();
        // 2026-03-07 23:59 in Mexico City (UTC-6, no DST since 2022) is 2026-03-08 05:59 UTC.
        let instant = Utc.with_ymd_and_hms(2026, 3, 8, 5, 59, 0).unwrap();
        assert_eq!(
            zone.local_date(instant),
            NaiveDate::from_ymd_opt(2026, 3, 7).unwrap()
        );
    }

    #[test]
    fn mexico_city_has_no_dst_after_2022() {
        let zone = Zone::mexico_city();
        let april = zone.resolve(at("2026-04-08 00:05"));
        let november = zone.resolve(at("2026-11-08 00:05"));
        assert_eq!(april, Utc.with_ymd_and_hms(2026, 4, 8, 6, 5, 0).unwrap());
        assert_eq!(
            november,
            Utc.with_ymd_and_hms(2026, 11, 8, 6, 5, 0).unwrap()
        );
    }

    #[test]
    fn a_time_inside_the_spring_gap_runs_at_the_end_of_the_gap() {
        // Tijuana follows US DST: on 2026-03-08 02:00 jumps to 03:00.
        let zone = Zone::parse("America/Tijuana").unwrap();
        let resolved = zone.resolve(at("2026-03-08 02:30"));
        assert_eq!(
            zone.format_with_offset(resolved),
            "2026-03-08 03:00 (-07:00)"
        );
    }

    #[test]
    fn a_repeated_time_in_the_autumn_overlap_resolves_to_its_first_occurrence() {
        // On 2026-11-01 Tijuana goes from 02:00 PDT back to 01:00 PST; 01:30 happens twice.
        let zone = Zone::parse("America/Tijuana").unwrap();
        let resolved = zone.resolve(at("2026-11-01 01:30"));
        assert_eq!(
            resolved,
            Utc.with_ymd_and_hms(2026, 11, 1, 8, 30, 0).unwrap()
        );
        assert_eq!(
            zone.format_with_offset(resolved),
            "2026-11-01 01:30 (-07:00)"
        );
    }
}
