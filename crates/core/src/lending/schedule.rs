//! The repayment schedule of a loan, computed once at disbursement (SPEC §3).
//!
//! Intermediate arithmetic is exact decimal; each amount becomes centavos through the product's named
//! rounding, and the last installment absorbs what rounding left over so that principal sums to exactly P.

use super::cat::{CatError, cat_percent};
use super::due_dates::{DueDateError, due_dates};
use super::terms::{CutDays, InterestMethod, ProductTerms};
use crate::money::{Money, MoneyError};
use crate::rate::round_to_centavo;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub number: u32,
    pub due_date: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub iva: Money,
    pub total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    pub installments: Vec<Installment>,
    pub principal: Money,
    pub opening_commission: Money,
    pub commission_iva: Money,
    /// What the borrower receives: principal − commission − its IVA.
    pub net_disbursed: Money,
    pub total_interest: Money,
    pub total_iva: Money,
    /// Σ installment totals (principal + interest + IVA); the commission is not in it, it was withheld.
    pub total_to_pay: Money,
    /// Percentage with one decimal, e.g. 257.3 for 257.3 %.
    pub cat: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("the principal must be a positive amount, got {0}")]
    NonPositivePrincipal(Money),
    #[error(
        "the opening commission and its IVA ({deducted}) leave nothing to disburse from {principal}"
    )]
    NothingToDisburse { principal: Money, deducted: Money },
    #[error(
        "a principal of {principal} is too small to split into {periods} installments with this rounding"
    )]
    PrincipalTooSmall { principal: Money, periods: u32 },
    #[error("the amounts of this loan are too large to compute")]
    Overflow,
    #[error(transparent)]
    DueDates(#[from] DueDateError),
    #[error(transparent)]
    Cat(#[from] CatError),
}

impl From<MoneyError> for ScheduleError {
    fn from(_: MoneyError) -> Self {
        ScheduleError::Overflow
    }
}

/// Builds the schedule of a loan of `principal` disbursed on `disbursed_on` under `terms`.
///
/// The CAT is computed on principal + interest of each installment (IVA excluded, as Banxico's CAT is
/// "sin IVA") against the net amount disbursed exactly as SPEC §3 defines it: principal − opening commission
/// − IVA of the commission (the literal reading of SPEC §3, what the borrower actually receives).
pub fn build_schedule(
    terms: &ProductTerms,
    principal: Money,
    disbursed_on: NaiveDate,
    cut_days: &CutDays,
) -> Result<Schedule, ScheduleError> {
    if !principal.is_positive() {
        return Err(ScheduleError::NonPositivePrincipal(principal));
    }
    let rounding = terms.rounding();
    let opening_commission = principal.times_rate(terms.opening_commission(), rounding)?;
    let commission_iva = opening_commission.times_rate(terms.iva_rate(), rounding)?;
    let deducted = opening_commission
        .checked_add(commission_iva)
        .ok_or(ScheduleError::Overflow)?;
    let net_disbursed = principal
        .checked_sub(deducted)
        .ok_or(ScheduleError::Overflow)?;
    if !net_disbursed.is_positive() {
        return Err(ScheduleError::NothingToDisburse {
            principal,
            deducted,
        });
    }

    let n = terms.term_periods();
    let dates = due_dates(
        terms.periodicity(),
        cut_days,
        disbursed_on,
        terms.min_days_to_first_due(),
        n,
    )?;
    let split = match terms.method() {
        InterestMethod::Flat => flat(terms, principal)?,
        InterestMethod::Declining => declining(terms, principal)?,
    };

    let mut installments = Vec::with_capacity(dates.len());
    for ((number, due_date), (principal_i, interest)) in (1..).zip(dates).zip(split) {
        let iva = interest.times_rate(terms.iva_rate(), rounding)?;
        let total =
            Money::checked_sum([principal_i, interest, iva]).ok_or(ScheduleError::Overflow)?;
        installments.push(Installment {
            number,
            due_date,
            principal: principal_i,
            interest,
            iva,
            total,
        });
    }
    // A 0.00 installment is no installment: flat refuses such a principal while splitting it, and the
    // declining method must refuse it the same way instead of storing zeros (issue 22).
    if installments.iter().any(|i| !i.total.is_positive()) {
        return Err(ScheduleError::PrincipalTooSmall {
            principal,
            periods: n,
        });
    }
    let sum = |f: fn(&Installment) -> Money| {
        Money::checked_sum(installments.iter().map(f)).ok_or(ScheduleError::Overflow)
    };
    let total_interest = sum(|i| i.interest)?;
    let total_iva = sum(|i| i.iva)?;
    let total_to_pay = sum(|i| i.total)?;

    let flows: Vec<Money> = installments
        .iter()
        .map(|i| {
            i.principal
                .checked_add(i.interest)
                .ok_or(ScheduleError::Overflow)
        })
        .collect::<Result<_, _>>()?;
    // SPEC §3: "… equal to the net amount disbursed" (principal − commission − its IVA).
    let cat = cat_percent(
        &flows,
        net_disbursed,
        terms.periodicity().periods_per_year(),
    )?;

    Ok(Schedule {
        installments,
        principal,
        opening_commission,
        commission_iva,
        net_disbursed,
        total_interest,
        total_iva,
        total_to_pay,
        cat,
    })
}

/// (principal_i, interest_i) per period: principal_i = round(P/n), the last takes the remainder;
/// interest_i = round(P × r) every period.
fn flat(terms: &ProductTerms, principal: Money) -> Result<Vec<(Money, Money)>, ScheduleError> {
    let n = terms.term_periods();
    let rounding = terms.rounding();
    let share = round_to_centavo(principal.to_decimal() / Decimal::from(n), rounding)?;
    let interest = principal.times_rate(terms.rate_per_period(), rounding)?;
    let first_shares = share
        .checked_mul(i64::from(n - 1))
        .ok_or(ScheduleError::Overflow)?;
    let last = principal
        .checked_sub(first_shares)
        .ok_or(ScheduleError::Overflow)?;
    if last.is_negative() {
        return Err(ScheduleError::PrincipalTooSmall {
            principal,
            periods: n,
        });
    }
    let mut rows =
        vec![(share, interest); usize::try_from(n - 1).map_err(|_| ScheduleError::Overflow)?];
    rows.push((last, interest));
    Ok(rows)
}

/// French annuity: A = P·r / (1 − (1+r)^−n) rounded; interest_i = round(balance × r); principal_i = A −
/// interest_i, never more than the balance; the last installment takes the whole remaining balance.
fn declining(terms: &ProductTerms, principal: Money) -> Result<Vec<(Money, Money)>, ScheduleError> {
    let n = terms.term_periods();
    let rounding = terms.rounding();
    let rate = terms.rate_per_period();
    let r = rate.as_decimal();
    let p = principal.to_decimal();
    let annuity = if r.is_zero() {
        p / Decimal::from(n)
    } else {
        // (1+r)^−n as a product of 1/(1+r): it shrinks toward 0 for long terms instead of overflowing.
        let discount = Decimal::ONE / (Decimal::ONE + r);
        let mut v = Decimal::ONE;
        for _ in 0..n {
            v *= discount;
        }
        p.checked_mul(r)
            .and_then(|pr| pr.checked_div(Decimal::ONE - v))
            .ok_or(ScheduleError::Overflow)?
    };
    let annuity = round_to_centavo(annuity, rounding)?;

    let mut balance = principal;
    let mut rows = Vec::with_capacity(usize::try_from(n).map_err(|_| ScheduleError::Overflow)?);
    for number in 1..=n {
        let interest = balance.times_rate(rate, rounding)?;
        let principal_i = if number == n {
            balance
        } else {
            annuity
                .checked_sub(interest)
                .ok_or(ScheduleError::Overflow)?
                .clamp(Money::ZERO, balance)
        };
        balance = balance
            .checked_sub(principal_i)
            .ok_or(ScheduleError::Overflow)?;
        rows.push((principal_i, interest));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lending::terms::Periodicity;
    use crate::rate::{Rate, Rounding};
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn m(c: i64) -> Money {
        Money::from_centavos(c)
    }

    fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, mo, day).unwrap()
    }

    fn terms(method: InterestMethod, n: u32, rate: &str) -> ProductTerms {
        ProductTerms::new(
            Periodicity::BiweeklyCut,
            n,
            method,
            Rate::parse(rate).unwrap(),
        )
        .unwrap()
    }

    fn ten_thousand(terms: &ProductTerms) -> Schedule {
        build_schedule(terms, m(1_000_000), d(2026, 1, 10), &CutDays::default()).unwrap()
    }

    fn row(i: &Installment) -> (NaiveDate, i64, i64, i64, i64) {
        (
            i.due_date,
            i.principal.centavos(),
            i.interest.centavos(),
            i.iva.centavos(),
            i.total.centavos(),
        )
    }

    #[test]
    fn a_tiny_principal_over_a_long_term_is_refused_by_both_methods() {
        // $1.00 over 150 periods at 0.1 %: flat cannot split it, and declining used to store 0.00
        // installments after the first ones took it all.
        for method in [InterestMethod::Flat, InterestMethod::Declining] {
            let refused = build_schedule(
                &terms(method, 150, "0.001"),
                m(100),
                d(2026, 1, 10),
                &CutDays::default(),
            );
            assert!(
                matches!(
                    refused,
                    Err(ScheduleError::PrincipalTooSmall { periods: 150, .. })
                ),
                "{method:?}: {refused:?}"
            );
        }
    }

    #[test]
    fn a_zero_cat_reads_with_one_decimal() {
        let s = ten_thousand(&terms(InterestMethod::Flat, 6, "0"));
        assert_eq!(s.cat.to_string(), "0.0");
        let s = ten_thousand(&terms(InterestMethod::Flat, 6, "0.05"));
        assert_eq!(s.cat.to_string(), "541.7");
    }

    #[test]
    fn a_six_period_flat_loan_of_10000_at_5_percent_matches_the_hand_calculation() {
        let s = ten_thousand(&terms(InterestMethod::Flat, 6, "0.05"));
        // principal: 10,000.00 / 6 = 1,666.666… → 1,666.67 × 5 = 8,333.35; last 10,000.00 − 8,333.35 = 1,666.65
        // interest: 10,000.00 × 0.05 = 500.00 each period; IVA: 500.00 × 0.16 = 80.00
        // totals: 1,666.67 + 500.00 + 80.00 = 2,246.67; last 1,666.65 + 580.00 = 2,246.65
        let expected = [
            (d(2026, 1, 22), 166_667, 50_000, 8_000, 224_667),
            (d(2026, 2, 7), 166_667, 50_000, 8_000, 224_667),
            (d(2026, 2, 22), 166_667, 50_000, 8_000, 224_667),
            (d(2026, 3, 7), 166_667, 50_000, 8_000, 224_667),
            (d(2026, 3, 22), 166_667, 50_000, 8_000, 224_667),
            (d(2026, 4, 7), 166_665, 50_000, 8_000, 224_665),
        ];
        assert_eq!(s.installments.iter().map(row).collect::<Vec<_>>(), expected);
        // 6 × 500.00 = 3,000.00 interest; 6 × 80.00 = 480.00 IVA; 10,000 + 3,000 + 480 = 13,480.00
        assert_eq!(
            (s.total_interest, s.total_iva, s.total_to_pay),
            (m(300_000), m(48_000), m(1_348_000))
        );
        assert_eq!(
            (s.opening_commission, s.commission_iva, s.net_disbursed),
            (Money::ZERO, Money::ZERO, m(1_000_000))
        );
        // Flows 2,166.67 × 5 and 2,166.65 against 10,000.00: j ≈ 8.0535 % per period, (1 + j)^24 − 1 = 541.70 %
        assert_eq!(s.cat, dec!(541.7));
    }

    #[test]
    fn a_twelve_period_declining_loan_of_10000_at_3_percent_matches_the_hand_calculation() {
        let s = ten_thousand(&terms(InterestMethod::Declining, 12, "0.03"));
        // A = 10,000 × 0.03 / (1 − 1.03^−12) = 300 / 0.298379… = 1,004.62085… → 1,004.62
        // row 1: interest 10,000.00 × 0.03 = 300.00, principal 1,004.62 − 300.00 = 704.62, IVA 48.00
        // row 2: balance 9,295.38 × 0.03 = 278.8614 → 278.86, principal 725.76, IVA 44.6176 → 44.62
        // … each row the same way; row 12 takes the remaining balance 975.37 (interest 29.2611 → 29.26)
        let expected = [
            (d(2026, 1, 22), 70_462, 30_000, 4_800, 105_262),
            (d(2026, 2, 7), 72_576, 27_886, 4_462, 104_924),
            (d(2026, 2, 22), 74_753, 25_709, 4_113, 104_575),
            (d(2026, 3, 7), 76_996, 23_466, 3_755, 104_217),
            (d(2026, 3, 22), 79_306, 21_156, 3_385, 103_847),
            (d(2026, 4, 7), 81_685, 18_777, 3_004, 103_466),
            (d(2026, 4, 22), 84_135, 16_327, 2_612, 103_074),
            (d(2026, 5, 7), 86_659, 13_803, 2_208, 102_670),
            (d(2026, 5, 22), 89_259, 11_203, 1_792, 102_254),
            (d(2026, 6, 7), 91_937, 8_525, 1_364, 101_826),
            (d(2026, 6, 22), 94_695, 5_767, 923, 101_385),
            (d(2026, 7, 7), 97_537, 2_926, 468, 100_931),
        ];
        assert_eq!(s.installments.iter().map(row).collect::<Vec<_>>(), expected);
        assert_eq!(
            (s.total_interest, s.total_iva, s.total_to_pay),
            (m(205_545), m(32_886), m(1_238_431))
        );
        // j is 3 % per period up to centavo rounding: (1.03)^24 − 1 = 103.28 % → 103.3
        assert_eq!(s.cat, dec!(103.3));
    }

    #[test]
    fn an_opening_commission_is_withheld_with_its_iva_and_raises_the_cat() {
        let with_commission = terms(InterestMethod::Declining, 12, "0.03")
            .with_opening_commission(Rate::parse("0.02").unwrap());
        let s = ten_thousand(&with_commission);
        // commission 10,000.00 × 0.02 = 200.00; IVA 200.00 × 0.16 = 32.00; net 10,000 − 200 − 32 = 9,768.00
        assert_eq!(
            (s.opening_commission, s.commission_iva, s.net_disbursed),
            (m(20_000), m(3_200), m(976_800))
        );
        // The installments are unchanged (interest runs on the full principal) …
        assert_eq!(
            s.installments,
            ten_thousand(&terms(InterestMethod::Declining, 12, "0.03")).installments
        );
        // … but they now repay the net amount disbursed, 9,768.00 (SPEC §3: principal − commission − its IVA,
        // the literal reading): 103.3 % → 122.9 %
        assert_eq!(s.cat, dec!(122.9));

        let flat = terms(InterestMethod::Flat, 6, "0.05")
            .with_opening_commission(Rate::parse("0.02").unwrap());
        assert_eq!(ten_thousand(&flat).cat, dec!(662.6));
    }

    #[test]
    fn a_zero_rate_declining_loan_splits_the_principal_evenly() {
        let s = build_schedule(
            &terms(InterestMethod::Declining, 3, "0"),
            m(10_000),
            d(2026, 1, 10),
            &CutDays::default(),
        )
        .unwrap();
        // 100.00 / 3 = 33.333… → 33.33, 33.33, and 33.34 for the last
        let principal: Vec<i64> = s
            .installments
            .iter()
            .map(|i| i.principal.centavos())
            .collect();
        assert_eq!(principal, vec![3_333, 3_333, 3_334]);
        assert_eq!((s.total_interest, s.cat), (Money::ZERO, dec!(0.0)));
    }

    #[test]
    fn the_rounding_rule_of_the_product_is_used() {
        let half_even = terms(InterestMethod::Flat, 3, "0.00005").with_rounding(Rounding::HalfEven);
        let s = build_schedule(&half_even, m(10_010), d(2026, 1, 10), &CutDays::default()).unwrap();
        // 100.10 × 0.00005 = 0.005005 → 0.01 either way; 33.3666 → 33.37 → last 100.10 − 66.74 = 33.36
        assert_eq!(s.installments[0].interest, m(1));
        assert_eq!(s.installments[2].principal, m(3_336));
        let down = terms(InterestMethod::Flat, 3, "0.00005").with_rounding(Rounding::Down);
        let s = build_schedule(&down, m(10_010), d(2026, 1, 10), &CutDays::default()).unwrap();
        // Down: 0.005005 → 0.00; 33.3666 → 33.36, last 100.10 − 66.72 = 33.38
        assert_eq!(s.installments[0].interest, Money::ZERO);
        assert_eq!(s.installments[2].principal, m(3_338));
    }

    #[test]
    fn non_positive_principal_and_nothing_left_to_disburse_are_refused() {
        let t = terms(InterestMethod::Flat, 6, "0.05");
        let on = d(2026, 1, 10);
        let cuts = CutDays::default();
        assert_eq!(
            build_schedule(&t, Money::ZERO, on, &cuts),
            Err(ScheduleError::NonPositivePrincipal(Money::ZERO))
        );
        assert_eq!(
            build_schedule(&t, m(-100), on, &cuts),
            Err(ScheduleError::NonPositivePrincipal(m(-100)))
        );
        // 90 % commission + 16 % IVA = 104.4 % of the principal.
        let greedy = t
            .clone()
            .with_opening_commission(Rate::parse("0.9").unwrap());
        assert_eq!(
            build_schedule(&greedy, m(10_000), on, &cuts),
            Err(ScheduleError::NothingToDisburse {
                principal: m(10_000),
                deducted: m(10_440)
            })
        );
        // Rounding 0.02 / 4 = 0.005 up to 0.01 each for three installments leaves −0.01 for the last.
        let up = terms(InterestMethod::Flat, 4, "0").with_rounding(Rounding::Up);
        assert_eq!(
            build_schedule(&up, m(2), on, &cuts),
            Err(ScheduleError::PrincipalTooSmall {
                principal: m(2),
                periods: 4
            })
        );
        assert_eq!(
            build_schedule(&t, m(i64::MAX), on, &cuts),
            Err(ScheduleError::Overflow)
        );
    }

    fn arb_terms() -> impl Strategy<Value = ProductTerms> {
        (
            prop_oneof![
                Just(Periodicity::BiweeklyCut),
                Just(Periodicity::Weekly),
                Just(Periodicity::Monthly)
            ],
            1u32..=48,
            prop_oneof![Just(InterestMethod::Flat), Just(InterestMethod::Declining)],
            0i64..=1500,
            0i64..=50,
            prop_oneof![
                Just(Rounding::HalfUp),
                Just(Rounding::HalfEven),
                Just(Rounding::Down),
                Just(Rounding::Up)
            ],
        )
            .prop_map(
                |(periodicity, n, method, rate_bp, commission_pct, rounding)| {
                    ProductTerms::new(
                        periodicity,
                        n,
                        method,
                        Rate::from_decimal(Decimal::new(rate_bp, 4)).unwrap(),
                    )
                    .unwrap()
                    .with_opening_commission(
                        Rate::from_percent(Decimal::from(commission_pct)).unwrap(),
                    )
                    .with_rounding(rounding)
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn the_principal_of_any_schedule_sums_to_the_loan_and_totals_add_up(
            terms in arb_terms(), principal in 10_000i64..100_000_000
        ) {
            let s = build_schedule(&terms, m(principal), d(2026, 1, 10), &CutDays::default()).unwrap();
            prop_assert_eq!(s.installments.len(), terms.term_periods() as usize);
            let sum = |f: fn(&Installment) -> i64| s.installments.iter().map(f).sum::<i64>();
            prop_assert_eq!(sum(|i| i.principal.centavos()), principal);
            prop_assert_eq!(sum(|i| i.total.centavos()), s.total_to_pay.centavos());
            prop_assert_eq!(s.total_to_pay.centavos(), principal + s.total_interest.centavos() + s.total_iva.centavos());
            prop_assert!(s.installments.iter().all(|i| !i.principal.is_negative() && !i.interest.is_negative()));
            prop_assert!(s.installments.windows(2).all(|w| w[0].due_date < w[1].due_date));
            prop_assert!(s.cat >= Decimal::ZERO);
        }

        #[test]
        fn the_cat_never_falls_when_the_rate_rises(
            terms in arb_terms(), principal in 100_000i64..10_000_000, step_bp in 1i64..100
        ) {
            let higher_rate = terms.rate_per_period().as_decimal() + Decimal::new(step_bp, 4);
            let higher = ProductTerms::new(
                terms.periodicity(), terms.term_periods(), terms.method(), Rate::from_decimal(higher_rate).unwrap()
            ).unwrap().with_opening_commission(terms.opening_commission()).with_rounding(terms.rounding());
            let on = d(2026, 1, 10);
            let base = build_schedule(&terms, m(principal), on, &CutDays::default()).unwrap();
            let more = build_schedule(&higher, m(principal), on, &CutDays::default()).unwrap();
            prop_assert!(more.cat >= base.cat, "{} then {}", base.cat, more.cat);
        }
    }
}
