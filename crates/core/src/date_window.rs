//! Which dates a person may type. A disbursement of year −1, 1 or 1582 was accepted and then exported as
//! `-0001-01-01`; a birth date in the future was stored. Business dates (a disbursement, a payment) lie
//! between 2000-01-01 — before any loan this system holds; a legacy import older than that is a typo
//! or another system's sentinel — and one year after today; a birth date lies between 1900-01-01 and
//! today. "Today" is the tenant's local date, given by the caller: the core has no clock.

use chrono::{Months, NaiveDate};

/// The first business date accepted.
pub const EARLIEST_BUSINESS_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("2000-01-01 is a date"),
};

/// The first birth date accepted.
pub const EARLIEST_BIRTH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a date"),
};

/// A date outside the window it must lie in; the message gives the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{on} is outside the accepted dates, {earliest} to {latest}")]
pub struct DateOutOfRange {
    pub on: NaiveDate,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

/// The last business date accepted: one year after `today` (the end of February on 29 February).
pub fn latest_business_date(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(12))
        .unwrap_or(NaiveDate::MAX)
}

/// `on` if it lies between [`EARLIEST_BUSINESS_DATE`] and one year after `today`.
pub fn business_date(on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    within(on, EARLIEST_BUSINESS_DATE, latest_business_date(today))
}

/// `on` if it lies between [`EARLIEST_BIRTH_DATE`] and `today`: nobody is born in the future.
pub fn birth_date(on: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateOutOfRange> {
    within(on, EARLIEST_BIRTH_DATE, today)
}

fn within(
    on: NaiveDate,
    earliest: NaiveDate,
    latest: NaiveDate,
) -> Result<NaiveDate, DateOutOfRange> {
    if on < earliest || on > latest {
        return Err(DateOutOfRange {
            on,
            earliest,
            latest,
        });
    }
    Ok(on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn years_minus_one_one_and_1582_are_not_business_dates() {
        let today = d(2026, 12, 3);
        for y in [-1, 1, 1582, 1999] {
            assert!(business_date(d(y, 6, 1), today).is_err(), "{y}");
        }
        assert_eq!(business_date(d(2000, 1, 1), today), Ok(d(2000, 1, 1)));
        assert_eq!(business_date(d(2027, 12, 3), today), Ok(d(2027, 12, 3)));
        assert!(business_date(d(2027, 12, 4), today).is_err());
    }

    #[test]
    fn a_birth_date_is_never_after_today() {
        let today = d(2026, 12, 3);
        assert_eq!(birth_date(today, today), Ok(today));
        assert!(birth_date(d(2026, 12, 4), today).is_err());
        assert!(birth_date(d(1899, 12, 31), today).is_err());
        assert_eq!(latest_business_date(d(2028, 2, 29)), d(2029, 2, 28));
    }
}
