//! Portfolio at risk (PAR): the share of the outstanding principal on loans more than 15 (PAR15) or 30
//! (PAR30) days past due, as the cut's summary records both sums. Kept in basis points (1/100 of a
//! percent) and rounded half-up explicitly, so a chart, a table and a CSV show the same figure.

use chrono::NaiveDate;
use std::fmt;

/// A share in basis points: 1,234 is 12.34 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct BasisPoints(pub u32);

impl BasisPoints {
    /// `part / whole`, half-up to the basis point; 0 when nothing is outstanding. A part above the whole
    /// (never from a consistent cut) is capped at 100 %.
    pub fn share(part: i64, whole: i64) -> BasisPoints {
        if whole <= 0 || part <= 0 {
            return BasisPoints(0);
        }
        let (part, whole) = (i128::from(part.min(whole)), i128::from(whole));
        let rounded = (part * 10_000 * 2 + whole) / (whole * 2);
        BasisPoints(u32::try_from(rounded).unwrap_or(10_000))
    }

    /// As a fraction of one, for a CSV: "0.1234".
    pub fn fraction(self) -> String {
        format!("{}.{:04}", self.0 / 10_000, self.0 % 10_000)
    }
}

/// "12.34 %".
impl fmt::Display for BasisPoints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02} %", self.0 / 100, self.0 % 100)
    }
}

/// PAR15 and PAR30 at one cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParPoint {
    pub cut_date: NaiveDate,
    pub par15: BasisPoints,
    pub par30: BasisPoints,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up_to_the_basis_point() {
        assert_eq!(BasisPoints::share(1, 3), BasisPoints(3_333));
        assert_eq!(BasisPoints::share(2, 3), BasisPoints(6_667));
        assert_eq!(
            BasisPoints::share(1, 20_000),
            BasisPoints(1),
            "0.5 bp rounds up"
        );
        assert_eq!(
            BasisPoints::share(5, 0),
            BasisPoints(0),
            "nothing outstanding"
        );
        assert_eq!(BasisPoints::share(i64::MAX, i64::MAX), BasisPoints(10_000));
        assert_eq!(BasisPoints(1_234).to_string(), "12.34 %");
        assert_eq!(BasisPoints(1_234).fraction(), "0.1234");
        assert_eq!(BasisPoints(10_000).fraction(), "1.0000");
    }
}
