use super::*;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Timelike};
use std::collections::BTreeMap;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

#[test]
fn a_schedule_without_a_zone_is_refused() {
    assert_eq!(
        Schedule::parse("5 0 8,23 * *").unwrap_err(),
        ScheduleError::MissingZone {
            expression: "5 0 8,23 * *".into()
        }
    );
    assert!(matches!(
        Schedule::new("5 0 8,23 * *", "  "),
        Err(ScheduleError::MissingZone { .. })
    ));
}

#[test]
fn an_unknown_zone_or_a_malformed_expression_is_refused_by_name() {
    assert!(matches!(
        Schedule::parse("CRON_TZ=America/Mexico_Cty 5 0 8 * *"),
        Err(ScheduleError::UnknownZone(_))
    ));
    assert!(matches!(
        Schedule::parse("CRON_TZ=CST 5 0 8 * *"),
        Err(ScheduleError::UnknownZone(_))
    ));
    for bad in [
        "61 0 * * *",
        "5 0 8",
        "every day",
        "0 5 0 8 * *",
        "5 0 32 * *",
    ] {
        assert!(
            matches!(
                Schedule::new(bad, "America/Mexico_City"),
                Err(ScheduleError::Malformed { .. })
            ),
            "{bad} was accepted"
        );
    }
    assert!(matches!(
        Schedule::parse("CRON_TZ=America/Mexico_City"),
        Err(ScheduleError::Malformed { .. })
    ));
}

#[test]
fn the_text_form_names_its_zone_and_reads_back() {
    let schedule = Schedule::parse("CRON_TZ=Europe/Madrid  30 2 * * *").unwrap();
    assert_eq!(schedule.zone().name(), "Europe/Madrid");
    assert_eq!(schedule.to_string(), "CRON_TZ=Europe/Madrid 30 2 * * *");
    assert_eq!(
        Schedule::parse(&schedule.to_string()).unwrap().to_string(),
        schedule.to_string()
    );
}

#[test]
fn the_0005_mexico_city_cut_fires_at_0605_utc() {
    let schedule = Schedule::period_cut(&CutDays::default(), CutTime::DEFAULT, Zone::mexico_city());
    assert_eq!(schedule.expression(), "5 0 8,23 * *");
    // From the evening of the 7th local (the 8th in UTC already), the next cut is 00:05 local on the 8th.
    let next = schedule.next_after(utc(2026, 12, 8, 5, 0)).unwrap();
    assert_eq!(next, utc(2026, 12, 8, 6, 5));
    assert_eq!(schedule.next_after(next).unwrap(), utc(2026, 12, 23, 6, 5));
    // Mexico City has had no DST since 2022: the same 06:05 UTC in April.
    assert_eq!(
        schedule.next_after(utc(2027, 4, 1, 0, 0)).unwrap(),
        utc(2027, 4, 8, 6, 5)
    );
}

/// Every local day of ten years has exactly one run of a daily 02:30 schedule, at 02:30 local, or at
/// the end of the gap on the day the clocks jump over 02:30.
fn runs_once_a_day_for_ten_years(zone: &str) -> (usize, usize) {
    let schedule = Schedule::new("30 2 * * *", zone).unwrap();
    let tz = schedule.zone().tz();
    let (first, last) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2035, 12, 31).unwrap(),
    );
    let start = utc(2025, 12, 31, 12, 0);
    let end = utc(2036, 1, 1, 12, 0);
    let mut per_day: BTreeMap<NaiveDate, Vec<DateTime<Utc>>> = BTreeMap::new();
    let mut cursor = start;
    while let Some(next) = schedule.next_after(cursor) {
        if next > end {
            break;
        }
        assert!(next > cursor, "occurrences must move forward");
        per_day
            .entry(next.with_timezone(&tz).date_naive())
            .or_default()
            .push(next);
        cursor = next;
    }
    let mut moved_by_gap = 0;
    let mut day = first;
    let mut days = 0;
    while day <= last {
        let runs = per_day.get(&day).cloned().unwrap_or_default();
        assert_eq!(runs.len(), 1, "{zone} on {day}: {runs:?}");
        let local = runs[0].with_timezone(&tz);
        match (local.hour(), local.minute()) {
            (2, 30) => {}
            (3, 0) => moved_by_gap += 1,
            other => panic!("{zone} on {day} ran at {other:?}"),
        }
        days += 1;
        day = day.succ_opt().unwrap();
    }
    (days, moved_by_gap)
}

#[test]
fn a_0230_chicago_schedule_fires_exactly_once_a_day_for_ten_years() {
    let (days, moved) = runs_once_a_day_for_ten_years("America/Chicago");
    assert_eq!(days, 3652);
    // Each March the clocks jump from 02:00 to 03:00: ten days ran at 03:00, the end of the gap.
    assert_eq!(moved, 10);
}

#[test]
fn a_0230_madrid_schedule_fires_exactly_once_a_day_for_ten_years() {
    let (days, moved) = runs_once_a_day_for_ten_years("Europe/Madrid");
    assert_eq!(days, 3652);
    assert_eq!(moved, 10);
}

#[test]
fn a_time_repeated_by_the_autumn_change_runs_at_its_first_occurrence_only() {
    // Madrid, 2026-10-25: 03:00 CEST goes back to 02:00 CET, so 02:30 happens at 00:30 and 01:30 UTC.
    let schedule = Schedule::new("30 2 * * *", "Europe/Madrid").unwrap();
    let runs = schedule.between(utc(2026, 10, 24, 12, 0), utc(2026, 10, 26, 12, 0));
    assert_eq!(
        runs,
        vec![utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)]
    );
    // Asked from between the two occurrences, it does not run the second one.
    assert_eq!(
        schedule.next_after(utc(2026, 10, 25, 0, 45)).unwrap(),
        utc(2026, 10, 26, 1, 30)
    );
}

#[test]
fn a_time_skipped_by_the_spring_change_runs_at_the_end_of_the_gap() {
    // Chicago, 2026-03-08: 02:00 CST jumps to 03:00 CDT; 02:30 does not exist and runs at 03:00 CDT.
    let schedule = Schedule::new("30 2 * * *", "America/Chicago").unwrap();
    let runs = schedule.between(utc(2026, 3, 7, 0, 0), utc(2026, 3, 8, 12, 0));
    assert_eq!(runs, vec![utc(2026, 3, 7, 8, 30), utc(2026, 3, 8, 8, 0)]);
}

#[test]
fn the_latest_occurrence_at_or_before_an_instant() {
    let schedule = Schedule::period_cut(&CutDays::default(), CutTime::DEFAULT, Zone::mexico_city());
    assert_eq!(
        schedule.latest_at_or_before(utc(2026, 12, 20, 0, 0)),
        Some(utc(2026, 12, 8, 6, 5))
    );
    assert_eq!(
        schedule.latest_at_or_before(utc(2026, 12, 8, 6, 5)),
        Some(utc(2026, 12, 8, 6, 5))
    );
}

#[test]
fn a_long_outage_lists_at_most_the_latest_occurrences() {
    let schedule = Schedule::new("* * * * *", "UTC").unwrap();
    let start = utc(2026, 1, 1, 0, 0);
    let runs = schedule.between(start, start + Duration::days(3));
    assert_eq!(runs.len(), MAX_OCCURRENCES);
    assert_eq!(*runs.last().unwrap(), start + Duration::days(3));
    assert_eq!(runs[0].day(), 2);
}

#[test]
fn the_cut_time_is_a_time_of_day() {
    assert_eq!(CutTime::parse("00:05").unwrap(), CutTime::DEFAULT);
    assert_eq!(CutTime::parse(" 7:30 ").unwrap().to_string(), "07:30");
    for bad in [
        "24:00", "00:60", "0005", "00:5", "-1:05", "", "aa:bb", "001:05",
    ] {
        assert!(CutTime::parse(bad).is_err(), "{bad} was accepted");
    }
}
