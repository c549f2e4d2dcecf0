//! How a generated loan stands on the day of a cut: how long ago its first installment fell due, how
//! many periods behind its payments are, and whether the oldest unpaid installment got part of its
//! money. Drawn per loan from a seeded generator, so the same seed gives the same portfolio.
//!
//! The weights are those of a small lender's book in an ordinary fortnight (most borrowers current,
//! a tail of each delinquency bucket): with cut days 8 and 23 an installment falls due the day before
//! each cut, so a loan `m` periods behind is about `15·m − 14` days past due at the cut — 1 period is
//! the 1–15 bucket, 2 is 16–30, 3–4 are 31–60, 5–6 are 61–90 and 7 or more are 90+.

use rand::Rng;

/// A loan's position at the cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Standing {
    /// Installments whose due date falls before the cut date counting past the last one, i.e. periods
    /// since the first due date (0: nothing due yet).
    pub elapsed: u32,
    /// Periods since the oldest unpaid installment fell due (0: current). Never more than `elapsed`.
    pub behind: u32,
    /// Whether the oldest unpaid installment was partly paid (only when behind).
    pub partial: bool,
    /// Days before each due date on which a punctual borrower pays (0–3).
    pub early_by: u32,
}

/// Share of the book per periods behind, in per mille: (lowest, highest, weight).
const BEHIND: [(u32, u32, u32); 6] = [
    (0, 0, 550),
    (1, 1, 150),
    (2, 2, 90),
    (3, 4, 80),
    (5, 6, 50),
    (7, 10, 80),
];

/// Share of the loans behind whose oldest unpaid installment got part of its money, in per mille.
const PARTIAL: u32 = 350;

/// Draws a standing for a loan of `term` installments that is still active: at least one installment
/// is unpaid, so a current loan has had at most `term − 1` due dates.
pub fn draw(rng: &mut impl Rng, term: u32) -> Standing {
    let mut pick = rng.gen_range(0..1000);
    let (low, high) = BEHIND
        .iter()
        .find_map(|&(low, high, weight)| {
            if pick < weight {
                Some((low, high))
            } else {
                pick -= weight;
                None
            }
        })
        .unwrap_or((0, 0));
    let behind = rng.gen_range(low..=high);
    // Installments paid in full: any number that leaves one unpaid.
    let paid = rng.gen_range(0..term);
    let partial = behind > 0 && rng.gen_range(0..1000) < PARTIAL;
    Standing {
        elapsed: paid + behind,
        behind,
        partial,
        early_by: rng.gen_range(0..4),
    }
}

/// Every loan as the payments benchmark has always seeded them: disbursed three weeks ago, nothing
/// due yet at the portfolio's date beyond what the schedule says, nothing paid.
pub fn fresh() -> Standing {
    Standing {
        elapsed: 0,
        behind: 0,
        partial: false,
        early_by: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_same_seed_draws_the_same_standings() {
        let a: Vec<Standing> = {
            let mut rng = StdRng::seed_from_u64(7);
            (0..500).map(|_| draw(&mut rng, 12)).collect()
        };
        let mut rng = StdRng::seed_from_u64(7);
        let b: Vec<Standing> = (0..500).map(|_| draw(&mut rng, 12)).collect();
        assert_eq!(a, b);
    }

    #[test]
    fn every_bucket_is_drawn_and_a_loan_always_has_something_unpaid() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut seen = [0u32; 11];
        for _ in 0..20_000 {
            let term = if rng.gen_bool(0.5) { 6 } else { 12 };
            let s = draw(&mut rng, term);
            assert!(s.behind <= s.elapsed);
            assert!(s.elapsed - s.behind < term, "{s:?} would be paid off");
            assert!(!s.partial || s.behind > 0);
            seen[s.behind as usize] += 1;
        }
        let current = f64::from(seen[0]) / 20_000.0;
        assert!((0.52..0.58).contains(&current), "current share {current}");
        assert!(
            seen.iter().all(|&n| n > 0),
            "every number of periods behind: {seen:?}"
        );
    }
}
