//! Mexico's bank holidays (días inhábiles bancarios), used to seed each tenant's editable holiday list.
//!
//! Banks close on these days, so a payment due on one can only be made the next business day. The list is
//! a seed, not the law: CNBV publishes each year's calendar and the tenant edits its copy.

use chrono::{Days, NaiveDate, Weekday};

/// The bank holidays of `year` in date order, with their Spanish names. Empty for a year chrono cannot
/// represent.
///
/// Fixed dates: Jan 1, May 1, Sep 16, Nov 2, Dec 12, Dec 25. Moved to Mondays by the Ley Federal del
/// Trabajo: first Monday of February, third Monday of March, third Monday of November. Holy Thursday and
/// Good Friday from Easter. Also Oct 1 every six years from 2024, when a new president takes office.
pub fn mexican_bank_holidays(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let fixed = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let easter = easter_sunday(year);
    let candidates = [
        (fixed(1, 1), "Año Nuevo"),
        (nth_monday(year, 2, 1), "Día de la Constitución"),
        (nth_monday(year, 3, 3), "Natalicio de Benito Juárez"),
        (
            easter.and_then(|e| e.checked_sub_days(Days::new(3))),
            "Jueves Santo",
        ),
        (
            easter.and_then(|e| e.checked_sub_days(Days::new(2))),
            "Viernes Santo",
        ),
        (fixed(5, 1), "Día del Trabajo"),
        (fixed(9, 16), "Día de la Independencia"),
        (
            fixed(10, 1).filter(|_| year >= 2024 && (year - 2024) % 6 == 0),
            "Transmisión del Poder Ejecutivo Federal",
        ),
        (fixed(11, 2), "Día de Muertos"),
        (nth_monday(year, 11, 3), "Día de la Revolución"),
        (fixed(12, 12), "Día de la Virgen de Guadalupe"),
        (fixed(12, 25), "Navidad"),
    ];
    let mut holidays: Vec<_> = candidates
        .into_iter()
        .filter_map(|(date, name)| date.map(|d| (d, name)))
        .collect();
    // An early Easter brings Holy Thursday close to the third Monday of March; keep date order regardless.
    holidays.sort_by_key(|(date, _)| *date);
    holidays
}

fn nth_monday(year: i32, month: u32, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Mon, n)
}

/// Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" algorithm, integer arithmetic only).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_sunday_matches_known_years() {
        for (year, month, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
            (2000, 4, 23),
        ] {
            assert_eq!(easter_sunday(year), Some(d(year, month, day)), "{year}");
        }
    }

    #[test]
    fn the_2026_bank_holidays_are_the_cnbv_calendar() {
        let dates: Vec<NaiveDate> = mexican_bank_holidays(2026)
            .into_iter()
            .map(|(date, _)| date)
            .collect();
        assert_eq!(
            dates,
            vec![
                d(2026, 1, 1),
                d(2026, 2, 2),
                d(2026, 3, 16),
                d(2026, 4, 2),
                d(2026, 4, 3),
                d(2026, 5, 1),
                d(2026, 9, 16),
                d(2026, 11, 2),
                d(2026, 11, 16),
                d(2026, 12, 12),
                d(2026, 12, 25),
            ]
        );
        assert_eq!(mexican_bank_holidays(2026)[3].1, "Jueves Santo");
    }

    #[test]
    fn october_first_is_a_holiday_only_in_years_of_presidential_succession() {
        let has_oct_1 = |y: i32| {
            mexican_bank_holidays(y)
                .iter()
                .any(|(date, _)| *date == d(y, 10, 1))
        };
        assert!(has_oct_1(2024));
        assert!(has_oct_1(2030));
        assert!(!has_oct_1(2026));
        assert!(!has_oct_1(2018));
    }

    proptest! {
        #[test]
        fn every_year_has_its_holidays_in_order_within_the_year(year in 1900i32..2300) {
            let holidays = mexican_bank_holidays(year);
            prop_assert!(holidays.len() >= 11);
            prop_assert!(holidays.windows(2).all(|w| w[0].0 < w[1].0));
            prop_assert!(holidays.iter().all(|(date, _)| date.year() == year));
            let easter = easter_sunday(year).unwrap();
            prop_assert_eq!(easter.weekday(), Weekday::Sun);
            prop_assert!(easter >= d(year, 3, 22) && easter <= d(year, 4, 25));
        }
    }
}
