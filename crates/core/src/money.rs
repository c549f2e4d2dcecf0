//! Money: an amount of Mexican pesos held as whole centavos.
//!
//! Storage and arithmetic are integer centavos so that no amount is ever a binary float. Every operation that
//! could overflow is checked and says so; nothing saturates, because a saturated balance is a wrong balance
//! that looks right.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount of money in centavos (may be negative: balances and reversals need a sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("an amount is required")]
    Empty,
    #[error("'{0}' is not an amount; write it like 1234.56, 1,234.56 or $1,234.56")]
    Invalid(String),
    /// The wire form (`/v1`, CSV) takes only digits, a point and centavos: suggesting "1,234.56" there
    /// would suggest a form it refuses.
    #[error(
        "'{0}' is not an amount; write it like 1234.56 (digits, a point, two decimals, no commas or $)"
    )]
    NotPlain(String),
    #[error("'{0}' has more than 2 decimals; amounts are in pesos and centavos")]
    TooManyDecimals(String),
    #[error("'{0}' is too large an amount")]
    Overflow(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_centavos(centavos: i64) -> Self {
        Money(centavos)
    }

    pub const fn centavos(self) -> i64 {
        self.0
    }

    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Multiplies by a whole count (e.g. n equal installments); rates go through `rate::round_to_centavo`.
    pub fn checked_mul(self, times: i64) -> Option<Money> {
        self.0.checked_mul(times).map(Money)
    }

    pub fn checked_neg(self) -> Option<Money> {
        self.0.checked_neg().map(Money)
    }

    /// Sums amounts, `None` if any partial sum overflows (there is deliberately no `Sum` impl that could panic).
    pub fn checked_sum<I: IntoIterator<Item = Money>>(amounts: I) -> Option<Money> {
        amounts
            .into_iter()
            .try_fold(Money::ZERO, Money::checked_add)
    }

    /// The exact amount in pesos as a decimal (scale 2), for rate arithmetic.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Parses what a person types: "1234.56", "1,234.56", "$1,234.56", "1234", "1234.5", "-12.50".
    ///
    /// Thousands separators must group by three ("1,23" is refused rather than guessed), and more than two
    /// decimals are refused rather than rounded: silently rounding a typed amount changes what was meant.
    pub fn parse(raw: &str) -> Result<Money, MoneyError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, rest) = match s.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, s),
        };
        let rest = rest.strip_prefix('$').map(str::trim_start).unwrap_or(rest);
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        let digits = ungroup(int_part).ok_or_else(|| MoneyError::Invalid(s.to_string()))?;
        build(negative, &digits, frac_part, s)
    }

    /// Parses the wire format only: an optional '-', digits, and an optional '.' with one or two digits.
    pub fn parse_plain(raw: &str) -> Result<Money, MoneyError> {
        if raw.is_empty() {
            return Err(MoneyError::Empty);
        }
        let (negative, rest) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (rest, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotPlain(raw.to_string()));
        }
        build(negative, int_part, frac_part, raw).map_err(|e| match e {
            MoneyError::Invalid(s) => MoneyError::NotPlain(s),
            other => other,
        })
    }

    /// "1234.56" (or "-1234.56"): the form used on the wire and in CSV exports.
    pub fn plain(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Removes well-formed thousands separators; `None` if the grouping is not 1–3 digits then groups of 3.
fn ungroup(int_part: &str) -> Option<String> {
    if int_part.is_empty() {
        return None;
    }
    let groups: Vec<&str> = int_part.split(',').collect();
    let all_digits = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    if !groups.iter().all(|g| all_digits(g)) {
        return None;
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return None;
    }
    Some(groups.concat())
}

fn build(
    negative: bool,
    digits: &str,
    frac: Option<&str>,
    original: &str,
) -> Result<Money, MoneyError> {
    let cents_digits = match frac {
        None => "00".to_string(),
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(MoneyError::Invalid(original.to_string()));
        }
        Some(f) if f.len() > 2 => return Err(MoneyError::TooManyDecimals(original.to_string())),
        Some(f) => format!("{f:0<2}"),
    };
    let overflow = || MoneyError::Overflow(original.to_string());
    // Accumulate in i128 so that i64::MIN, whose magnitude has no positive i64, still parses.
    let mut magnitude: i128 = 0;
    for b in digits.bytes().chain(cents_digits.bytes()) {
        magnitude = magnitude
            .checked_mul(10)
            .and_then(|c| c.checked_add(i128::from(b - b'0')))
            .ok_or_else(overflow)?;
    }
    let signed = if negative { -magnitude } else { magnitude };
    i64::try_from(signed).map(Money).map_err(|_| overflow())
}

/// Mexican format: "$1,234.56", negatives as "-$1,234.56".
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let pesos = (abs / 100).to_string();
        let mut grouped = String::with_capacity(pesos.len() + pesos.len() / 3);
        for (i, c) in pesos.chars().enumerate() {
            if i > 0 && (pesos.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}${grouped}.{:02}", abs % 100)
    }
}

/// On the wire money is a decimal string ("1234.56"): exact, and safe from JSON parsers that read numbers
/// as binary floats.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.plain())
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Money::parse_plain(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    #[test]
    fn the_wire_forms_error_suggests_only_the_wire_form() {
        for raw in ["1,234.56", "$1234.56", "abc", "12.a"] {
            let message = Money::parse_plain(raw).expect_err(raw).to_string();
            let (_, advice) = message.split_once(';').expect("the message gives advice");
            assert!(advice.contains("1234.56"), "{message}");
            assert!(
                !advice.contains("1,234.56"),
                "{raw}: suggests a refused form: {message}"
            );
        }
    }

    #[test]
    fn the_usual_ways_of_writing_an_amount_are_understood() {
        assert_eq!(Money::parse("1234.56"), Ok(m(123_456)));
        assert_eq!(Money::parse("1,234.56"), Ok(m(123_456)));
        assert_eq!(Money::parse("$1,234.56"), Ok(m(123_456)));
        assert_eq!(Money::parse(" $ 1,234.56 "), Ok(m(123_456)));
        assert_eq!(Money::parse("1234"), Ok(m(123_400)));
        assert_eq!(Money::parse("1234.5"), Ok(m(123_450)));
        assert_eq!(Money::parse("0.01"), Ok(m(1)));
        assert_eq!(Money::parse("-$12.50"), Ok(m(-1250)));
        assert_eq!(Money::parse("1,000,000"), Ok(m(100_000_000)));
    }

    #[test]
    fn an_amount_with_more_than_two_decimals_is_refused_not_rounded() {
        assert_eq!(
            Money::parse("1.005"),
            Err(MoneyError::TooManyDecimals("1.005".into()))
        );
    }

    #[test]
    fn garbage_empty_and_badly_grouped_amounts_are_refused() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert_eq!(Money::parse("   "), Err(MoneyError::Empty));
        for bad in [
            "abc", "12a", "1,23", "1234,567", ",123", "1.", ".5", "1.2.3", "$", "--1", "1e3", "١٢",
        ] {
            assert!(
                matches!(Money::parse(bad), Err(MoneyError::Invalid(_))),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn an_amount_beyond_the_centavo_range_is_refused_as_overflow() {
        assert_eq!(Money::parse("92233720368547758.07"), Ok(m(i64::MAX)));
        assert!(matches!(
            Money::parse("92233720368547758.08"),
            Err(MoneyError::Overflow(_))
        ));
        assert!(matches!(
            Money::parse("99999999999999999999"),
            Err(MoneyError::Overflow(_))
        ));
        assert!(matches!(
            Money::parse(&"9".repeat(60)),
            Err(MoneyError::Overflow(_))
        ));
        assert_eq!(Money::parse("-$92,233,720,368,547,758.08"), Ok(m(i64::MIN)));
    }

    #[test]
    fn amounts_display_in_mexican_format() {
        assert_eq!(m(123_456).to_string(), "$1,234.56");
        assert_eq!(m(5).to_string(), "$0.05");
        assert_eq!(m(100_000_000).to_string(), "$1,000,000.00");
        assert_eq!(m(-123_456).to_string(), "-$1,234.56");
        assert_eq!(m(i64::MIN).to_string(), "-$92,233,720,368,547,758.08");
        assert_eq!(m(-5).plain(), "-0.05");
        assert_eq!(m(123_456).plain(), "1234.56");
    }

    #[test]
    fn arithmetic_reports_overflow_instead_of_wrapping_or_saturating() {
        assert_eq!(m(i64::MAX).checked_add(m(1)), None);
        assert_eq!(m(i64::MIN).checked_sub(m(1)), None);
        assert_eq!(m(i64::MAX).checked_mul(2), None);
        assert_eq!(Money::checked_sum([m(i64::MAX), m(1)]), None);
        assert_eq!(Money::checked_sum([m(1), m(2), m(3)]), Some(m(6)));
        assert_eq!(Money::checked_sum(std::iter::empty()), Some(Money::ZERO));
    }

    #[test]
    fn money_travels_as_a_plain_decimal_string() {
        assert_eq!(serde_json::to_string(&m(123_456)).unwrap(), "\"1234.56\"");
        assert_eq!(serde_json::from_str::<Money>("\"-0.05\"").unwrap(), m(-5));
        // A JSON number may already have been through a binary float somewhere: refused.
        assert!(serde_json::from_str::<Money>("1234.56").is_err());
        assert!(serde_json::from_str::<Money>("\"1.234\"").is_err());
        assert_eq!(Money::parse_plain("1234.56"), Ok(m(123_456)));
        assert!(Money::parse_plain("$1,234.56").is_err());
        assert!(Money::parse_plain(" 1").is_err());
        assert_eq!(m(7).to_decimal().to_string(), "0.07");
    }

    proptest! {
        #[test]
        fn displayed_and_plain_amounts_parse_back_to_the_same_money(c in any::<i64>()) {
            prop_assert_eq!(Money::parse(&m(c).to_string()), Ok(m(c)));
            prop_assert_eq!(Money::parse(&m(c).plain()), Ok(m(c)));
            prop_assert_eq!(Money::parse_plain(&m(c).plain()), Ok(m(c)));
        }

        #[test]
        fn checked_add_agrees_with_wide_integer_arithmetic(a in any::<i64>(), b in any::<i64>()) {
            let wide = i128::from(a) + i128::from(b);
            let expected = i64::try_from(wide).ok().map(m);
            prop_assert_eq!(m(a).checked_add(m(b)), expected);
        }

        #[test]
        fn three_decimals_are_always_refused(i in 0u32..100_000, f in 0u32..1000) {
            let raw = format!("{i}.{f:03}");
            prop_assert_eq!(Money::parse(&raw), Err(MoneyError::TooManyDecimals(raw.clone())));
        }

        #[test]
        fn text_with_letters_is_never_an_amount(s in "[0-9]{0,4}[a-zA-Z][0-9.,]{0,4}") {
            prop_assert!(Money::parse(&s).is_err());
        }
    }
}
