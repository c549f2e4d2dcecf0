//! Rates (interest per period, IVA, commissions) as exact decimal fractions, and the one place where a
//! decimal amount becomes centavos.
//!
//! Every rounding of money in Credinet goes through [`round_to_centavo`] with a named [`Rounding`]: the
//! tenant chooses the rule (half-up unless told otherwise), and no code path may fall back on a library
//! default — `rust_decimal`'s own `round_dp` is half-to-even, which is not what a Mexican lender expects.

use crate::money::{Money, MoneyError};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A non-negative rate as a decimal fraction: 0.05 is 5 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(Decimal);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("a rate is required")]
    Empty,
    #[error("'{0}' is not a rate; write a fraction like 0.05 or a percentage like 5%")]
    Invalid(String),
    #[error("a rate cannot be negative: {0}")]
    Negative(String),
    #[error("{0} is above 100% per period; if you meant a percentage, write it as 5% or 0.05")]
    AboveOneHundredPercent(String),
}

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// Parses a fraction ("0.05") or, with an explicit percent sign, a percentage ("5%", "16 %").
    pub fn parse(raw: &str) -> Result<Rate, RateError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(RateError::Empty);
        }
        if let Some(percent) = s.strip_suffix('%') {
            let value = parse_decimal(percent.trim_end(), s)?;
            // The message names what was typed ("1000% is above 100%"), not the fraction ("10 is above").
            return Rate::from_percent(value).map_err(|e| match e {
                RateError::AboveOneHundredPercent(_) => {
                    RateError::AboveOneHundredPercent(s.to_string())
                }
                other => other,
            });
        }
        Rate::from_decimal(parse_decimal(s, s)?)
    }

    /// A rate from a fraction. Above 1 (100 % per period) is refused: in practice it is a percentage typed
    /// where a fraction was expected ("5" meaning 5 %), and lending at 500 % per period by mistake is worse
    /// than asking again.
    pub fn from_decimal(fraction: Decimal) -> Result<Rate, RateError> {
        if fraction.is_sign_negative() && !fraction.is_zero() {
            return Err(RateError::Negative(fraction.normalize().to_string()));
        }
        if fraction > Decimal::ONE {
            return Err(RateError::AboveOneHundredPercent(
                fraction.normalize().to_string(),
            ));
        }
        // normalize() drops trailing zeros and a negative zero, so equal rates have equal text.
        Ok(Rate(fraction.normalize()))
    }

    /// A rate from a percentage: `from_percent(16)` is 0.16.
    pub fn from_percent(percent: Decimal) -> Result<Rate, RateError> {
        let fraction = percent
            .checked_div(Decimal::ONE_HUNDRED)
            .ok_or_else(|| RateError::Invalid(percent.to_string()))?;
        Rate::from_decimal(fraction)
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The rate as a percentage, e.g. 16 for 0.16 (exact).
    pub fn percent(self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }
}

fn parse_decimal(s: &str, original: &str) -> Result<Decimal, RateError> {
    // Decimal::from_str accepts forms such as "1_000"; only plain digits with one optional point are rates.
    let plain = s.strip_prefix('-').unwrap_or(s);
    let well_formed = !plain.is_empty()
        && plain.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && plain.bytes().filter(|&b| b == b'.').count() <= 1
        && !plain.starts_with('.')
        && !plain.ends_with('.');
    if !well_formed {
        return Err(RateError::Invalid(original.to_string()));
    }
    Decimal::from_str(s).map_err(|_| RateError::Invalid(original.to_string()))
}

/// The canonical text of a rate, e.g. "0.05": this is how rates are stored (never as floats).
impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Rate::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How a decimal amount becomes whole centavos. A tenant setting; half-up unless the tenant chooses otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 0.005 → 0.01, -0.005 → -0.01 (half away from zero: what people learn at school).
    #[default]
    HalfUp,
    /// Banker's rounding: 0.005 → 0.00, 0.015 → 0.02.
    HalfEven,
    /// Toward zero (truncation).
    Down,
    /// Away from zero.
    Up,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

/// The only conversion from a decimal amount of pesos to [`Money`]. Fails only when the result does not fit
/// in i64 centavos.
pub fn round_to_centavo(pesos: Decimal, rounding: Rounding) -> Result<Money, MoneyError> {
    let overflow = || MoneyError::Overflow(pesos.to_string());
    let rounded = pesos.round_dp_with_strategy(2, rounding.strategy());
    let centavos = rounded
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or_else(overflow)?;
    // After rounding to 2 decimals, ×100 is an integer: mantissa/scale give it without any float.
    let centavos = centavos.trunc();
    i64::try_from(centavos)
        .map(Money::from_centavos)
        .map_err(|_| overflow())
}

impl Money {
    /// `self × rate`, rounded to the centavo by the named rule (e.g. interest = principal × period rate).
    pub fn times_rate(self, rate: Rate, rounding: Rounding) -> Result<Money, MoneyError> {
        let product = self
            .to_decimal()
            .checked_mul(rate.as_decimal())
            .ok_or_else(|| MoneyError::Overflow(self.plain()))?;
        round_to_centavo(product, rounding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentage_above_100_is_named_as_typed() {
        let message = Rate::parse("1000%").expect_err("above 100%").to_string();
        assert!(
            message.starts_with("1000% is above 100% per period"),
            "{message}"
        );
    }
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_rate_is_a_fraction_or_an_explicit_percentage() {
        assert_eq!(Rate::parse("0.05").unwrap().as_decimal(), dec!(0.05));
        assert_eq!(Rate::parse("5%").unwrap().as_decimal(), dec!(0.05));
        assert_eq!(Rate::parse(" 16 % ").unwrap().as_decimal(), dec!(0.16));
        assert_eq!(
            Rate::from_percent(dec!(16)).unwrap(),
            Rate::parse("0.16").unwrap()
        );
        assert_eq!(Rate::parse("0").unwrap(), Rate::ZERO);
        assert_eq!(Rate::parse("1").unwrap().percent(), dec!(100));
    }

    #[test]
    fn a_rate_is_stored_as_its_canonical_decimal_text() {
        assert_eq!(Rate::parse("0.0500").unwrap().to_string(), "0.05");
        assert_eq!(Rate::parse("0.160").unwrap().to_string(), "0.16");
        assert_eq!(Rate::parse("-0").unwrap().to_string(), "0");
        assert_eq!(
            serde_json::to_string(&Rate::parse("0.035").unwrap()).unwrap(),
            "\"0.035\""
        );
        assert_eq!(
            serde_json::from_str::<Rate>("\"0.035\"")
                .unwrap()
                .as_decimal(),
            dec!(0.035)
        );
        assert!(serde_json::from_str::<Rate>("0.035").is_err());
    }

    #[test]
    fn negative_garbage_and_percent_looking_rates_are_refused() {
        assert_eq!(Rate::parse(""), Err(RateError::Empty));
        assert_eq!(
            Rate::parse("-0.05"),
            Err(RateError::Negative("-0.05".into()))
        );
        assert_eq!(
            Rate::parse("5"),
            Err(RateError::AboveOneHundredPercent("5".into()))
        );
        for bad in [
            "abc", "0,05", "1e-2", "0.05.1", ".05", "5.", "%", "1_0", "0x10",
        ] {
            assert!(
                matches!(Rate::parse(bad), Err(RateError::Invalid(_))),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn each_rounding_rule_rounds_the_midpoint_its_own_way() {
        let cases = [
            (dec!(0.005), [1, 0, 0, 1]),
            (dec!(0.015), [2, 2, 1, 2]),
            (dec!(0.0151), [2, 2, 1, 2]),
            (dec!(0.0149), [1, 1, 1, 2]),
            (dec!(-0.005), [-1, 0, 0, -1]),
            (dec!(2.50), [250, 250, 250, 250]),
        ];
        let rules = [
            Rounding::HalfUp,
            Rounding::HalfEven,
            Rounding::Down,
            Rounding::Up,
        ];
        for (value, expected) in cases {
            for (rule, cents) in rules.iter().zip(expected) {
                assert_eq!(
                    round_to_centavo(value, *rule),
                    Ok(Money::from_centavos(cents)),
                    "{value} {rule:?}"
                );
            }
        }
    }

    #[test]
    fn half_up_is_the_default_rounding() {
        assert_eq!(Rounding::default(), Rounding::HalfUp);
        assert_eq!(
            serde_json::to_string(&Rounding::HalfEven).unwrap(),
            "\"half_even\""
        );
    }

    #[test]
    fn an_amount_too_large_for_centavos_is_an_overflow_not_a_panic() {
        assert!(round_to_centavo(Decimal::MAX, Rounding::HalfUp).is_err());
        assert!(round_to_centavo(dec!(92233720368547758.08), Rounding::HalfUp).is_err());
        assert_eq!(
            round_to_centavo(dec!(92233720368547758.07), Rounding::HalfUp),
            Ok(Money::from_centavos(i64::MAX))
        );
    }

    #[test]
    fn interest_is_principal_times_rate_rounded_half_up() {
        // 1,234.57 × 0.035 = 43.20995 → 43.21
        let interest = Money::from_centavos(123_457)
            .times_rate(Rate::parse("0.035").unwrap(), Rounding::HalfUp);
        assert_eq!(interest, Ok(Money::from_centavos(4321)));
        // 0.10 × 0.05 = 0.005 → 0.01 half-up, 0.00 half-even
        let tiny = Money::from_centavos(10);
        let r = Rate::parse("0.05").unwrap();
        assert_eq!(
            tiny.times_rate(r, Rounding::HalfUp),
            Ok(Money::from_centavos(1))
        );
        assert_eq!(tiny.times_rate(r, Rounding::HalfEven), Ok(Money::ZERO));
    }

    proptest! {
        #[test]
        fn rounding_lands_within_one_centavo_and_down_never_exceeds(
            mantissa in -1_000_000_000_000i64..1_000_000_000_000, scale in 0u32..8
        ) {
            let value = Decimal::new(mantissa, scale);
            let down = round_to_centavo(value, Rounding::Down).unwrap().to_decimal();
            let up = round_to_centavo(value, Rounding::Up).unwrap().to_decimal();
            prop_assert!(down.abs() <= value.abs() && value.abs() <= up.abs());
            prop_assert!((up - down).abs() <= dec!(0.01));
            for rule in [Rounding::HalfUp, Rounding::HalfEven] {
                let r = round_to_centavo(value, rule).unwrap().to_decimal();
                prop_assert!((r - value).abs() <= dec!(0.005));
            }
        }

        #[test]
        fn a_rate_text_round_trips(mantissa in 0i64..=1_000_000, scale in 6u32..10) {
            let rate = Rate::from_decimal(Decimal::new(mantissa, scale)).unwrap();
            prop_assert_eq!(Rate::parse(&rate.to_string()), Ok(rate));
        }

        #[test]
        fn negative_rates_are_always_refused(mantissa in 1i64..1_000_000, scale in 0u32..8) {
            let text = Decimal::new(-mantissa, scale).to_string();
            prop_assert!(matches!(Rate::parse(&text), Err(RateError::Negative(_))));
        }
    }
}
