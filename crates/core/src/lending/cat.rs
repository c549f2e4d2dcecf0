//! CAT (Costo Anual Total): the informative annual cost of a loan, without IVA as Banxico defines it.
//!
//! The CAT is the annual rate that makes Σ flow_i / (1 + CAT)^(i/m) equal the amount the borrower received.
//! Writing 1 + j = (1 + CAT)^(1/m) turns every exponent into a whole number, so the root is found for the
//! per-period rate j by bisection with only exact-decimal multiplications and divisions (no floats, no
//! fractional powers), and then CAT = (1 + j)^m − 1.

use crate::money::Money;
use rust_decimal::{Decimal, RoundingStrategy};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatError {
    #[error("the CAT needs at least one payment")]
    NoPayments,
    #[error("the CAT needs a positive amount received, got {0}")]
    NonPositiveNet(Money),
    #[error(
        "the payments ({payments}) are less than the amount received ({net}): there is no cost to measure"
    )]
    PaymentsBelowNet { payments: Money, net: Money },
    #[error("the CAT of these terms is too high to compute; check the rate and the commission")]
    TooHigh,
}

/// Bisection stops when the per-period rate is pinned to this width: far below what one decimal of a
/// percentage can show, even after compounding m times.
fn tolerance() -> Decimal {
    Decimal::new(1, 20)
}

/// A per-period rate above this (10,000 % per period) is not a loan product but an input error.
fn highest_period_rate() -> Decimal {
    Decimal::from(100)
}

/// Present value of the flows at per-period rate j: Σ f_i / (1 + j)^i, i = 1..n.
fn present_value(flows: &[Decimal], j: Decimal) -> Option<Decimal> {
    let discount = Decimal::ONE.checked_div(Decimal::ONE.checked_add(j)?)?;
    let mut factor = Decimal::ONE;
    let mut total = Decimal::ZERO;
    for flow in flows {
        factor = factor.checked_mul(discount)?;
        total = total.checked_add(flow.checked_mul(factor)?)?;
    }
    Some(total)
}

/// The per-period rate j at which the flows' present value equals `net` (the periodic IRR).
pub fn period_rate(flows: &[Money], net: Money) -> Result<Decimal, CatError> {
    if flows.is_empty() {
        return Err(CatError::NoPayments);
    }
    if !net.is_positive() {
        return Err(CatError::NonPositiveNet(net));
    }
    let payments = Money::checked_sum(flows.iter().copied()).ok_or(CatError::TooHigh)?;
    if payments < net {
        return Err(CatError::PaymentsBelowNet { payments, net });
    }
    if payments == net {
        return Ok(Decimal::ZERO);
    }
    let flows: Vec<Decimal> = flows.iter().map(|f| f.to_decimal()).collect();
    let target = net.to_decimal();
    // Present value falls as j rises: find an upper bound, then halve the bracket.
    let (mut low, mut high) = (Decimal::ZERO, Decimal::ONE);
    while present_value(&flows, high).ok_or(CatError::TooHigh)? > target {
        low = high;
        high = high.checked_mul(Decimal::TWO).ok_or(CatError::TooHigh)?;
        if high > highest_period_rate() {
            return Err(CatError::TooHigh);
        }
    }
    while high - low > tolerance() {
        let mid = (low + high) / Decimal::TWO;
        if present_value(&flows, mid).ok_or(CatError::TooHigh)? > target {
            low = mid;
        } else {
            high = mid;
        }
    }
    Ok((low + high) / Decimal::TWO)
}

/// The CAT as an unrounded fraction: (1 + j)^m − 1.
pub fn annual_rate(
    flows: &[Money],
    net: Money,
    periods_per_year: u32,
) -> Result<Decimal, CatError> {
    let growth = Decimal::ONE + period_rate(flows, net)?;
    let mut compounded = Decimal::ONE;
    for _ in 0..periods_per_year {
        compounded = compounded.checked_mul(growth).ok_or(CatError::TooHigh)?;
    }
    Ok(compounded - Decimal::ONE)
}

/// The CAT as shown to borrowers: a percentage with one decimal, rounded half-up (e.g. 257.3).
pub fn cat_percent(
    flows: &[Money],
    net: Money,
    periods_per_year: u32,
) -> Result<Decimal, CatError> {
    let percent = annual_rate(flows, net, periods_per_year)?
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or(CatError::TooHigh)?;
    let mut shown = percent.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    // Scale 1 whatever the value: a zero CAT is "0.0" and a round one "12.0", never "0" or "12".
    shown.rescale(1);
    Ok(shown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    #[test]
    fn a_single_payment_of_110_for_100_received_a_month_later_is_10_percent_a_month() {
        let j = period_rate(&[m(11_000)], m(10_000)).unwrap();
        assert!((j - dec!(0.1)).abs() < dec!(0.000000000001));
        // (1.1)^12 − 1 = 2.138428376721 → 213.8 %
        assert_eq!(cat_percent(&[m(11_000)], m(10_000), 12), Ok(dec!(213.8)));
    }

    #[test]
    fn paying_back_exactly_what_was_received_costs_zero() {
        assert_eq!(
            cat_percent(&[m(5_000), m(5_000)], m(10_000), 24),
            Ok(dec!(0.0))
        );
    }

    #[test]
    fn nonsensical_inputs_are_refused() {
        assert_eq!(cat_percent(&[], m(1), 12), Err(CatError::NoPayments));
        assert_eq!(
            cat_percent(&[m(1)], Money::ZERO, 12),
            Err(CatError::NonPositiveNet(Money::ZERO))
        );
        assert_eq!(
            cat_percent(&[m(1)], m(2), 12),
            Err(CatError::PaymentsBelowNet {
                payments: m(1),
                net: m(2)
            })
        );
        // 1,000,000 back for 1 received next week is beyond any loan product.
        assert_eq!(
            cat_percent(&[m(100_000_000)], m(100), 52),
            Err(CatError::TooHigh)
        );
    }

    proptest! {
        #[test]
        fn the_period_rate_solves_the_cat_equation(
            payments in proptest::collection::vec(1i64..1_000_000, 1..24), haircut in 0i64..500
        ) {
            let flows: Vec<Money> = payments.iter().map(|c| m(*c)).collect();
            let total: i64 = payments.iter().sum();
            let net = m((total - total * haircut / 1000).max(1));
            let j = period_rate(&flows, net).unwrap();
            let decimals: Vec<Decimal> = flows.iter().map(|f| f.to_decimal()).collect();
            let pv = present_value(&decimals, j).unwrap();
            prop_assert!((pv - net.to_decimal()).abs() < dec!(0.0001), "pv {} net {}", pv, net);
        }

        #[test]
        fn more_paid_back_for_the_same_amount_never_lowers_the_cat(
            payments in proptest::collection::vec(1i64..1_000_000, 1..24), extra in 0i64..10_000, at in 0usize..24
        ) {
            let flows: Vec<Money> = payments.iter().map(|c| m(*c)).collect();
            let total: i64 = payments.iter().sum();
            let net = m(total * 9 / 10 + 1);
            let mut more = flows.clone();
            let i = at % more.len();
            more[i] = m(more[i].centavos() + extra);
            let base = annual_rate(&flows, net, 24).unwrap();
            let higher = annual_rate(&more, net, 24).unwrap();
            prop_assert!(higher >= base);
        }
    }
}
