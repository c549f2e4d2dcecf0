//! A cut's period summary (SPEC §3): counts and totals over its statements, and PAR15/PAR30.

use super::StatementLine;
use crate::money::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// Totals over every statement of one cut. Amounts are centavos; PAR is kept as the principal at risk
/// beside the principal outstanding, so the ratio is computed exactly when shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CutSummary {
    /// Loans with a statement at this cut.
    pub loans: u64,
    /// Installments that fell due in the period (principal, interest and its IVA).
    pub billed: Money,
    /// Payments counted by this cut's statements.
    pub collected: Money,
    /// Reversals counted by this cut's statements.
    pub reversed: Money,
    /// Late fees and their IVA charged by this cut.
    pub charged: Money,
    /// Owed on overdue installments as of the cut date.
    pub overdue: Money,
    /// Loans with at least one overdue installment.
    pub overdue_loans: u64,
    /// Σ closing balances: what the portfolio owes as of the cut date.
    pub outstanding: Money,
    /// Principal owed as of the cut date.
    pub outstanding_principal: Money,
    /// Principal owed by loans more than 15 (30) days past due.
    pub par15_principal: Money,
    pub par30_principal: Money,
}

impl CutSummary {
    /// Adds one statement: the definition the store's aggregate query follows.
    pub fn add(&mut self, line: &StatementLine) -> Option<()> {
        self.loans += 1;
        self.billed = self.billed.checked_add(line.billed)?;
        self.collected = self.collected.checked_add(line.payments)?;
        self.reversed = self.reversed.checked_add(line.reversals)?;
        self.charged = self.charged.checked_add(line.charges()?)?;
        self.overdue = self.overdue.checked_add(line.overdue)?;
        if line.overdue_installments > 0 {
            self.overdue_loans += 1;
        }
        self.outstanding = self.outstanding.checked_add(line.closing)?;
        self.outstanding_principal = self
            .outstanding_principal
            .checked_add(line.outstanding_principal)?;
        if line.days_past_due > 15 {
            self.par15_principal = self
                .par15_principal
                .checked_add(line.outstanding_principal)?;
        }
        if line.days_past_due > 30 {
            self.par30_principal = self
                .par30_principal
                .checked_add(line.outstanding_principal)?;
        }
        Some(())
    }

    /// PAR15 as a percentage with two decimals, half-up; 0 with nothing outstanding.
    pub fn par15_percent(&self) -> Decimal {
        percent(self.par15_principal, self.outstanding_principal)
    }

    pub fn par30_percent(&self) -> Decimal {
        percent(self.par30_principal, self.outstanding_principal)
    }
}

fn percent(part: Money, whole: Money) -> Decimal {
    if !whole.is_positive() {
        return Decimal::ZERO;
    }
    let mut percent = (Decimal::from(part.centavos()) * Decimal::ONE_HUNDRED
        / Decimal::from(whole.centavos()))
    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    // Always two decimals ("100.00", not "100"), as reports print it.
    percent.rescale(2);
    percent
}
