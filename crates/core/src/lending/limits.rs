//! What a product lends: the smallest and largest principal and the shortest and longest term an
//! application may ask for (issue 22: an application of $99,999,999.00 was accepted).
//!
//! A product keeps its own term (`ProductTerms::term_periods`) as the term offered when the applicant
//! names none; the limits say which other terms it may be asked for. Pure: the lending service reads
//! the product, asks [`ProductLimits::admit`] and stores nothing that was refused.

use super::terms::MAX_TERM_PERIODS;
use crate::money::Money;
use serde::Serialize;

/// The largest principal a product lends when nobody has said otherwise: products defined before limits
/// existed (migration 11) and `/v1` bodies that leave the limits out. A million pesos is far above any
/// microloan these lenders make and far below an amount typed with a few zeros too many.
pub const DEFAULT_MAX_PRINCIPAL: Money = Money::from_centavos(100_000_000);

/// The smallest principal a product lends when nobody has said otherwise: one peso, i.e. any amount the
/// schedule can split (it refuses installments of 0.00 on its own).
pub const DEFAULT_MIN_PRINCIPAL: Money = Money::from_centavos(100);

/// A product's limits. Built by [`ProductLimits::new`], which checks they make sense together with the
/// product's own term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ProductLimits {
    min_principal: Money,
    max_principal: Money,
    min_term: u32,
    max_term: u32,
}

/// Why a product's limits, or an application against them, are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitsError {
    #[error("the minimum principal must be a positive amount, got {0}")]
    NonPositiveMinimum(Money),
    #[error("the minimum principal {min} is above the maximum {max}")]
    PrincipalRangeInverted { min: Money, max: Money },
    #[error(
        "the term limits must lie between 1 and {MAX_TERM_PERIODS} periods, got {min} to {max}"
    )]
    TermOutOfBounds { min: u32, max: u32 },
    #[error("the minimum term {min} is above the maximum {max}")]
    TermRangeInverted { min: u32, max: u32 },
    #[error("the product's term of {term} periods lies outside its limits of {min} to {max}")]
    DefaultTermOutside { term: u32, min: u32, max: u32 },
    #[error("the principal {asked} is below this product's minimum of {min}")]
    PrincipalBelowMinimum { asked: Money, min: Money },
    #[error("the principal {asked} is above this product's maximum of {max}")]
    PrincipalAboveMaximum { asked: Money, max: Money },
    #[error("a term of {asked} periods is outside this product's limits of {min} to {max} periods")]
    TermOutside { asked: u32, min: u32, max: u32 },
}

impl ProductLimits {
    /// Limits for a product whose own term is `term`: both ranges non-empty, the principal positive,
    /// the terms within what any product may have, and the product's term among those offered.
    pub fn new(
        min_principal: Money,
        max_principal: Money,
        min_term: u32,
        max_term: u32,
        term: u32,
    ) -> Result<ProductLimits, LimitsError> {
        if !min_principal.is_positive() {
            return Err(LimitsError::NonPositiveMinimum(min_principal));
        }
        if min_principal > max_principal {
            return Err(LimitsError::PrincipalRangeInverted {
                min: min_principal,
                max: max_principal,
            });
        }
        if min_term == 0 || max_term > MAX_TERM_PERIODS {
            return Err(LimitsError::TermOutOfBounds {
                min: min_term,
                max: max_term,
            });
        }
        if min_term > max_term {
            return Err(LimitsError::TermRangeInverted {
                min: min_term,
                max: max_term,
            });
        }
        if !(min_term..=max_term).contains(&term) {
            return Err(LimitsError::DefaultTermOutside {
                term,
                min: min_term,
                max: max_term,
            });
        }
        Ok(ProductLimits {
            min_principal,
            max_principal,
            min_term,
            max_term,
        })
    }

    /// The limits a product gets when none were given: its own term only (what it offered before limits
    /// existed), and any principal from [`DEFAULT_MIN_PRINCIPAL`] to [`DEFAULT_MAX_PRINCIPAL`].
    pub fn defaults_for(term: u32) -> ProductLimits {
        ProductLimits {
            min_principal: DEFAULT_MIN_PRINCIPAL,
            max_principal: DEFAULT_MAX_PRINCIPAL,
            min_term: term,
            max_term: term,
        }
    }

    /// Checks an application's principal and term. The principal speaks first: it is what people
    /// mistype.
    pub fn admit(&self, principal: Money, term: u32) -> Result<(), LimitsError> {
        if principal < self.min_principal {
            return Err(LimitsError::PrincipalBelowMinimum {
                asked: principal,
                min: self.min_principal,
            });
        }
        if principal > self.max_principal {
            return Err(LimitsError::PrincipalAboveMaximum {
                asked: principal,
                max: self.max_principal,
            });
        }
        if !(self.min_term..=self.max_term).contains(&term) {
            return Err(LimitsError::TermOutside {
                asked: term,
                min: self.min_term,
                max: self.max_term,
            });
        }
        Ok(())
    }

    pub fn min_principal(&self) -> Money {
        self.min_principal
    }
    pub fn max_principal(&self) -> Money {
        self.max_principal
    }
    pub fn min_term(&self) -> u32 {
        self.min_term
    }
    pub fn max_term(&self) -> u32 {
        self.max_term
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pesos(p: i64) -> Money {
        Money::from_centavos(p * 100)
    }

    fn limits() -> ProductLimits {
        ProductLimits::new(pesos(1_000), pesos(50_000), 6, 24, 12).expect("valid limits")
    }

    #[test]
    fn an_application_inside_both_ranges_is_admitted_at_their_edges_too() {
        let l = limits();
        assert_eq!(l.admit(pesos(1_000), 6), Ok(()));
        assert_eq!(l.admit(pesos(50_000), 24), Ok(()));
        assert_eq!(l.admit(pesos(20_000), 12), Ok(()));
    }

    #[test]
    fn a_principal_outside_its_range_is_refused_with_the_limit_it_crossed() {
        let l = limits();
        assert_eq!(
            l.admit(Money::from_centavos(9_999_999_900), 12),
            Err(LimitsError::PrincipalAboveMaximum {
                asked: Money::from_centavos(9_999_999_900),
                max: pesos(50_000)
            })
        );
        assert_eq!(
            l.admit(Money::from_centavos(99_999), 12),
            Err(LimitsError::PrincipalBelowMinimum {
                asked: Money::from_centavos(99_999),
                min: pesos(1_000)
            })
        );
    }

    #[test]
    fn a_term_outside_its_range_is_refused_after_the_principal() {
        let l = limits();
        assert_eq!(
            l.admit(pesos(5_000), 25),
            Err(LimitsError::TermOutside {
                asked: 25,
                min: 6,
                max: 24
            })
        );
        assert_eq!(
            l.admit(pesos(5_000), 5),
            Err(LimitsError::TermOutside {
                asked: 5,
                min: 6,
                max: 24
            })
        );
        assert!(matches!(
            l.admit(pesos(1), 99),
            Err(LimitsError::PrincipalBelowMinimum { .. })
        ));
    }

    #[test]
    fn limits_that_contradict_themselves_or_the_product_term_are_refused() {
        assert_eq!(
            ProductLimits::new(Money::ZERO, pesos(1), 1, 1, 1),
            Err(LimitsError::NonPositiveMinimum(Money::ZERO))
        );
        assert!(matches!(
            ProductLimits::new(pesos(2), pesos(1), 1, 1, 1),
            Err(LimitsError::PrincipalRangeInverted { .. })
        ));
        assert!(matches!(
            ProductLimits::new(pesos(1), pesos(2), 0, 1, 1),
            Err(LimitsError::TermOutOfBounds { .. })
        ));
        assert!(matches!(
            ProductLimits::new(pesos(1), pesos(2), 1, MAX_TERM_PERIODS + 1, 1),
            Err(LimitsError::TermOutOfBounds { .. })
        ));
        assert!(matches!(
            ProductLimits::new(pesos(1), pesos(2), 9, 3, 4),
            Err(LimitsError::TermRangeInverted { .. })
        ));
        assert_eq!(
            ProductLimits::new(pesos(1), pesos(2), 6, 12, 24),
            Err(LimitsError::DefaultTermOutside {
                term: 24,
                min: 6,
                max: 12
            })
        );
    }

    #[test]
    fn default_limits_keep_the_product_term_and_refuse_a_typo_of_many_zeros() {
        let l = ProductLimits::defaults_for(12);
        assert_eq!((l.min_term(), l.max_term()), (12, 12));
        assert_eq!(l.admit(pesos(10_000), 12), Ok(()));
        assert!(matches!(
            l.admit(Money::from_centavos(9_999_999_900), 12),
            Err(LimitsError::PrincipalAboveMaximum { .. })
        ));
    }
}
