//! Collections report: what was collected in a range of local days, by cut period and by the person
//! (or key) who registered each payment. A payment reversed later is counted apart, never netted out
//! silently: the collected column is what stands today.

use super::periods::{CutPeriod, DateRange};
use crate::LendingError;
use credinet_core::ids::TenantId;
use credinet_core::lending::terms::CutDays;
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::StoreError;
use credinet_store::repo::audit::Actor;
use credinet_store::repo::collections as repo;

/// Counts and sums of one group of payments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    /// Payments that stand.
    pub payments: i64,
    pub collected: Money,
    /// Payments of the group that were reversed afterwards.
    pub reversed_payments: i64,
    pub reversed: Money,
}

impl Tally {
    fn add(&mut self, reversed: bool, payments: i64, amount: i64) -> Result<(), LendingError> {
        let amount = Money::from_centavos(amount);
        let (count, sum) = if reversed {
            (&mut self.reversed_payments, &mut self.reversed)
        } else {
            (&mut self.payments, &mut self.collected)
        };
        *count += payments;
        *sum = sum.checked_add(amount).ok_or_else(overflow)?;
        Ok(())
    }

    fn merge(&mut self, other: &Tally) -> Result<(), LendingError> {
        self.add(false, other.payments, other.collected.centavos())?;
        self.add(true, other.reversed_payments, other.reversed.centavos())
    }
}

fn overflow() -> LendingError {
    LendingError::Store(StoreError::Corrupt(
        "collections add up beyond the range of money".into(),
    ))
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeriodLine {
    pub period: CutPeriod,
    pub tally: Tally,
}

/// Who registered the payments: a staff user, an API key, the CLI; `None` for payments with no
/// recorded actor (imported ones).
#[derive(Debug, Clone, PartialEq)]
pub struct CollectorLine {
    pub who: Option<Actor>,
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CollectionsReport {
    pub range: DateRange,
    /// Every cut period touching the range, oldest first, empty ones included.
    pub periods: Vec<PeriodLine>,
    /// Most collected first.
    pub collectors: Vec<CollectorLine>,
    pub total: Tally,
}

pub async fn collections(
    store: &Store,
    tenant: TenantId,
    cut_days: &CutDays,
    range: DateRange,
) -> Result<CollectionsReport, LendingError> {
    let db = store.db();
    let days = repo::by_day(db, tenant, range.from, range.to).await?;
    let people = repo::by_collector(db, tenant, range.from, range.to).await?;

    let mut periods: Vec<PeriodLine> = CutPeriod::covering(cut_days, range)
        .into_iter()
        .map(|period| PeriodLine {
            period,
            tally: Tally::default(),
        })
        .collect();
    let mut total = Tally::default();
    for day in &days {
        if let Some(line) = periods.iter_mut().find(|p| p.period.contains(day.day)) {
            line.tally.add(day.reversed, day.payments, day.amount)?;
        }
        total.add(day.reversed, day.payments, day.amount)?;
    }

    let mut collectors: Vec<CollectorLine> = Vec::new();
    for row in people {
        let who = Actor::from_columns(row.kind, row.id, row.label)?;
        let mut tally = Tally::default();
        tally.add(row.reversed, row.payments, row.amount)?;
        match collectors.iter_mut().find(|c| c.who == who) {
            Some(line) => line.tally.merge(&tally)?,
            None => collectors.push(CollectorLine { who, tally }),
        }
    }
    collectors.sort_by(|a, b| {
        b.tally
            .collected
            .cmp(&a.tally.collected)
            .then_with(|| label(a).cmp(label(b)))
    });
    Ok(CollectionsReport {
        range,
        periods,
        collectors,
        total,
    })
}

fn label(line: &CollectorLine) -> &str {
    line.who.as_ref().map_or("", |a| a.label.as_str())
}
