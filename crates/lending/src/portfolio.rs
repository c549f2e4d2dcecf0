//! Portfolio figures for dashboards: loans and balances by status, and per-day collections against what
//! fell due. Read-only; each figure is one aggregate statement.

use crate::LendingError;
use crate::loans::LoanStatus;
use chrono::{Duration, NaiveDate};
use credinet_core::ids::TenantId;
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::repo::portfolio as repo;

#[derive(Debug, Clone, PartialEq)]
pub struct StatusLine {
    pub status: LoanStatus,
    pub loans: i64,
    pub principal: Money,
    pub outstanding: Money,
}

/// One local day: what fell due on it and what was collected on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Day {
    pub day: NaiveDate,
    pub due: Money,
    pub collected: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub by_status: Vec<StatusLine>,
    /// The `days` local days ending `today`, oldest first, every day present (zeros included).
    pub days: Vec<Day>,
}

impl Snapshot {
    pub fn line(&self, status: LoanStatus) -> Option<&StatusLine> {
        self.by_status.iter().find(|l| l.status == status)
    }
}

pub async fn snapshot(
    store: &Store,
    tenant: TenantId,
    today: NaiveDate,
    days: u32,
) -> Result<Snapshot, LendingError> {
    let db = store.db();
    let by_status = repo::by_status(db, tenant)
        .await?
        .into_iter()
        .filter_map(|t| {
            Some(StatusLine {
                status: LoanStatus::parse(&t.status)?,
                loans: t.loans,
                principal: Money::from_centavos(t.principal),
                outstanding: Money::from_centavos(t.outstanding),
            })
        })
        .collect();
    let from = today - Duration::days(i64::from(days.max(1)) - 1);
    let collected = repo::collected_by_day(db, tenant, from, today).await?;
    let due = repo::due_by_day(db, tenant, from, today).await?;
    let amount = |list: &[repo::DayAmount], day: NaiveDate| {
        Money::from_centavos(list.iter().find(|d| d.day == day).map_or(0, |d| d.amount))
    };
    let days = from
        .iter_days()
        .take_while(|d| *d <= today)
        .map(|day| Day {
            day,
            due: amount(&due, day),
            collected: amount(&collected, day),
        })
        .collect();
    Ok(Snapshot { by_status, days })
}
