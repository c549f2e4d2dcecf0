//! The terms of a loan product: everything the schedule is computed from.

use super::allocation::AllocationOrder;
use crate::money::Money;
use crate::rate::{Rate, Rounding};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How often installments fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Periodicity {
    /// Due the day before each of the tenant's cut days (default the 8th and 23rd: twice a month).
    BiweeklyCut,
    Weekly,
    Monthly,
}

impl Periodicity {
    /// The m of the CAT formula. Biweekly-by-cut counts as 24 periods a year whatever the cut days are,
    /// as SPEC §3 fixes it.
    pub fn periods_per_year(self) -> u32 {
        match self {
            Periodicity::BiweeklyCut => 24,
            Periodicity::Weekly => 52,
            Periodicity::Monthly => 12,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterestMethod {
    /// Interest per period = original principal × period rate.
    Flat,
    /// French annuity: equal installments of principal + interest on the declining balance.
    Declining,
}

/// The tenant's cut days: distinct days of the month, 1 to 28 (every month has them), sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CutDays(Vec<u32>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutDaysError {
    #[error("at least one cut day is required")]
    Empty,
    #[error("a cut day is a day of the month from 1 to 28 (so that every month has it), got {0}")]
    OutOfRange(u32),
    #[error("cut day {0} is listed twice")]
    Repeated(u32),
    #[error("'{0}' is not a list of cut days; write them like 8,23")]
    Invalid(String),
}

impl CutDays {
    pub fn new(days: impl IntoIterator<Item = u32>) -> Result<CutDays, CutDaysError> {
        let mut days: Vec<u32> = days.into_iter().collect();
        if days.is_empty() {
            return Err(CutDaysError::Empty);
        }
        if let Some(&bad) = days.iter().find(|d| !(1..=28).contains(*d)) {
            return Err(CutDaysError::OutOfRange(bad));
        }
        days.sort_unstable();
        if let Some(w) = days.windows(2).find(|w| w[0] == w[1]) {
            return Err(CutDaysError::Repeated(w[0]));
        }
        Ok(CutDays(days))
    }

    /// Parses the settings form: "8,23", "8, 23".
    pub fn parse(raw: &str) -> Result<CutDays, CutDaysError> {
        let days: Result<Vec<u32>, _> = raw.split(',').map(|d| d.trim().parse::<u32>()).collect();
        CutDays::new(days.map_err(|_| CutDaysError::Invalid(raw.trim().to_string()))?)
    }

    pub fn days(&self) -> &[u32] {
        &self.0
    }
}

impl Default for CutDays {
    fn default() -> Self {
        CutDays(vec![8, 23])
    }
}

impl fmt::Display for CutDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join(","))
    }
}

impl<'de> Deserialize<'de> for CutDays {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        CutDays::new(Vec::<u32>::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("a loan needs at least one period")]
    ZeroTerm,
    #[error("a loan of {0} periods is longer than the {MAX_TERM_PERIODS} periods allowed")]
    TermTooLong(u32),
    #[error("a late fee cannot be negative: {0}")]
    NegativeLateFee(Money),
    #[error("the minimum days to the first due date must be at most {MAX_MIN_DAYS}, got {0}")]
    MinDaysTooLarge(u32),
}

/// 20 years of weekly installments: long enough for any product, short enough that a typo (10,000 periods)
/// is caught instead of producing a schedule nobody asked for.
pub const MAX_TERM_PERIODS: u32 = 1040;
pub const MAX_MIN_DAYS: u32 = 366;

/// A product's terms. Built with [`ProductTerms::new`] and the `with_*` methods, which validate; read back
/// from storage through the same checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredTerms")]
pub struct ProductTerms {
    periodicity: Periodicity,
    term_periods: u32,
    method: InterestMethod,
    rate_per_period: Rate,
    opening_commission: Rate,
    iva_rate: Rate,
    late_fee: Money,
    min_days_to_first_due: u32,
    allocation_order: AllocationOrder,
    rounding: Rounding,
}

impl ProductTerms {
    /// Terms with the defaults of SPEC §3: no opening commission, IVA 16 %, no late fee, at least 7 days to
    /// the first due date, the default allocation order and half-up rounding.
    pub fn new(
        periodicity: Periodicity,
        term_periods: u32,
        method: InterestMethod,
        rate_per_period: Rate,
    ) -> Result<ProductTerms, TermsError> {
        if term_periods == 0 {
            return Err(TermsError::ZeroTerm);
        }
        if term_periods > MAX_TERM_PERIODS {
            return Err(TermsError::TermTooLong(term_periods));
        }
        Ok(ProductTerms {
            periodicity,
            term_periods,
            method,
            rate_per_period,
            opening_commission: Rate::ZERO,
            iva_rate: default_iva(),
            late_fee: Money::ZERO,
            min_days_to_first_due: 7,
            allocation_order: AllocationOrder::default(),
            rounding: Rounding::HalfUp,
        })
    }

    /// The same terms over another number of periods: an application may choose its term within the
    /// product's limits (`super::limits`), and the loan copies the terms with the term it chose.
    pub fn with_term_periods(mut self, term_periods: u32) -> Result<Self, TermsError> {
        if term_periods == 0 {
            return Err(TermsError::ZeroTerm);
        }
        if term_periods > MAX_TERM_PERIODS {
            return Err(TermsError::TermTooLong(term_periods));
        }
        self.term_periods = term_periods;
        Ok(self)
    }

    pub fn with_opening_commission(mut self, rate: Rate) -> Self {
        self.opening_commission = rate;
        self
    }

    pub fn with_iva_rate(mut self, rate: Rate) -> Self {
        self.iva_rate = rate;
        self
    }

    pub fn with_late_fee(mut self, fee: Money) -> Result<Self, TermsError> {
        if fee.is_negative() {
            return Err(TermsError::NegativeLateFee(fee));
        }
        self.late_fee = fee;
        Ok(self)
    }

    pub fn with_min_days_to_first_due(mut self, days: u32) -> Result<Self, TermsError> {
        if days > MAX_MIN_DAYS {
            return Err(TermsError::MinDaysTooLarge(days));
        }
        self.min_days_to_first_due = days;
        Ok(self)
    }

    pub fn with_allocation_order(mut self, order: AllocationOrder) -> Self {
        self.allocation_order = order;
        self
    }

    pub fn with_rounding(mut self, rounding: Rounding) -> Self {
        self.rounding = rounding;
        self
    }

    pub fn periodicity(&self) -> Periodicity {
        self.periodicity
    }
    pub fn term_periods(&self) -> u32 {
        self.term_periods
    }
    pub fn method(&self) -> InterestMethod {
        self.method
    }
    pub fn rate_per_period(&self) -> Rate {
        self.rate_per_period
    }
    pub fn opening_commission(&self) -> Rate {
        self.opening_commission
    }
    pub fn iva_rate(&self) -> Rate {
        self.iva_rate
    }
    pub fn late_fee(&self) -> Money {
        self.late_fee
    }
    pub fn min_days_to_first_due(&self) -> u32 {
        self.min_days_to_first_due
    }
    pub fn allocation_order(&self) -> &AllocationOrder {
        &self.allocation_order
    }
    pub fn rounding(&self) -> Rounding {
        self.rounding
    }
}

/// The serialized shape of [`ProductTerms`], validated on the way in.
#[derive(Deserialize)]
struct StoredTerms {
    periodicity: Periodicity,
    term_periods: u32,
    method: InterestMethod,
    rate_per_period: Rate,
    opening_commission: Rate,
    iva_rate: Rate,
    late_fee: Money,
    min_days_to_first_due: u32,
    allocation_order: AllocationOrder,
    rounding: Rounding,
}

impl TryFrom<StoredTerms> for ProductTerms {
    type Error = TermsError;

    fn try_from(s: StoredTerms) -> Result<Self, TermsError> {
        Ok(
            ProductTerms::new(s.periodicity, s.term_periods, s.method, s.rate_per_period)?
                .with_opening_commission(s.opening_commission)
                .with_iva_rate(s.iva_rate)
                .with_late_fee(s.late_fee)?
                .with_min_days_to_first_due(s.min_days_to_first_due)?
                .with_allocation_order(s.allocation_order)
                .with_rounding(s.rounding),
        )
    }
}

fn default_iva() -> Rate {
    Rate::from_percent(rust_decimal::Decimal::from(16)).unwrap_or(Rate::ZERO)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_default_cut_days_are_the_8th_and_the_23rd() {
        assert_eq!(CutDays::default().days(), &[8, 23]);
        assert_eq!(CutDays::parse(" 23, 8 ").unwrap(), CutDays::default());
        assert_eq!(CutDays::default().to_string(), "8,23");
    }

    #[test]
    fn cut_days_outside_1_to_28_repeated_or_missing_are_refused() {
        assert_eq!(CutDays::new([]), Err(CutDaysError::Empty));
        assert_eq!(CutDays::new([0]), Err(CutDaysError::OutOfRange(0)));
        assert_eq!(CutDays::new([8, 30]), Err(CutDaysError::OutOfRange(30)));
        assert_eq!(CutDays::new([8, 23, 8]), Err(CutDaysError::Repeated(8)));
        assert_eq!(
            CutDays::parse("8;23"),
            Err(CutDaysError::Invalid("8;23".into()))
        );
        assert!(serde_json::from_str::<CutDays>("[8, 31]").is_err());
    }

    #[test]
    fn periods_per_year_follow_the_periodicity() {
        assert_eq!(Periodicity::BiweeklyCut.periods_per_year(), 24);
        assert_eq!(Periodicity::Weekly.periods_per_year(), 52);
        assert_eq!(Periodicity::Monthly.periods_per_year(), 12);
    }

    #[test]
    fn new_terms_carry_the_spec_defaults() {
        let terms = ProductTerms::new(
            Periodicity::BiweeklyCut,
            6,
            InterestMethod::Flat,
            Rate::parse("0.05").unwrap(),
        )
        .unwrap();
        assert_eq!(terms.iva_rate(), Rate::parse("0.16").unwrap());
        assert_eq!(terms.min_days_to_first_due(), 7);
        assert_eq!(terms.rounding(), Rounding::HalfUp);
        assert_eq!(terms.opening_commission(), Rate::ZERO);
        assert_eq!(terms.allocation_order(), &AllocationOrder::default());
    }

    #[test]
    fn a_zero_or_absurd_term_and_a_negative_late_fee_are_refused() {
        let r = Rate::ZERO;
        assert_eq!(
            ProductTerms::new(Periodicity::Weekly, 0, InterestMethod::Flat, r),
            Err(TermsError::ZeroTerm)
        );
        assert_eq!(
            ProductTerms::new(Periodicity::Weekly, 10_000, InterestMethod::Flat, r),
            Err(TermsError::TermTooLong(10_000))
        );
        let terms = ProductTerms::new(Periodicity::Weekly, 4, InterestMethod::Flat, r).unwrap();
        assert_eq!(
            terms.clone().with_late_fee(Money::from_centavos(-1)),
            Err(TermsError::NegativeLateFee(Money::from_centavos(-1)))
        );
        assert_eq!(
            terms.with_min_days_to_first_due(400),
            Err(TermsError::MinDaysTooLarge(400))
        );
    }

    #[test]
    fn terms_round_trip_through_storage_and_invalid_stored_terms_are_refused() {
        let terms = ProductTerms::new(
            Periodicity::Monthly,
            12,
            InterestMethod::Declining,
            Rate::parse("0.035").unwrap(),
        )
        .unwrap()
        .with_late_fee(Money::from_centavos(15_000))
        .unwrap();
        let json = serde_json::to_string(&terms).unwrap();
        assert!(json.contains("\"rate_per_period\":\"0.035\""), "{json}");
        assert!(json.contains("\"late_fee\":\"150.00\""), "{json}");
        assert_eq!(serde_json::from_str::<ProductTerms>(&json).unwrap(), terms);
        let zero_term = json.replace("\"term_periods\":12", "\"term_periods\":0");
        assert!(serde_json::from_str::<ProductTerms>(&zero_term).is_err());
    }

    proptest! {
        #[test]
        fn accepted_cut_days_are_sorted_distinct_and_within_1_to_28(days in proptest::collection::vec(0u32..40, 0..6)) {
            if let Ok(cut) = CutDays::new(days.clone()) {
                prop_assert!(cut.days().windows(2).all(|w| w[0] < w[1]));
                prop_assert!(cut.days().iter().all(|d| (1..=28).contains(d)));
                prop_assert_eq!(CutDays::parse(&cut.to_string()), Ok(cut.clone()));
            }
        }
    }
}
