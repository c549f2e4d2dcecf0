//! Tenant holidays (used by the period cut for effective due dates). Seeded with Mexico's bank holidays
//! lazily: when a disbursement's schedule reaches a year in which the tenant has no holiday at all, that
//! year's bank holidays are added (in the disbursement's transaction). A year the tenant already has any
//! holiday in is left exactly as the tenant edited it.

use crate::LendingError;
use crate::support::{audit, required_text};
use chrono::{Datelike, NaiveDate};
use credinet_core::ids::TenantId;
use credinet_core::lending::holidays::mexican_bank_holidays;
use credinet_core::text::Field;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::holidays as repo;
use credinet_store::sea_orm::ConnectionTrait;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
}

/// Seeds Mexico's bank holidays for every year from `from` to `to` that has no holiday yet.
pub async fn ensure_years<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), LendingError> {
    for year in from.year()..=to.year() {
        let (first, last) = (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        );
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        if repo::count_between(db, tenant, first, last).await? == 0 {
            let list: Vec<(NaiveDate, String)> = mexican_bank_holidays(year)
                .into_iter()
                .map(|(d, n)| (d, n.to_string()))
                .collect();
            repo::add_missing(db, tenant, &list).await?;
        }
    }
    Ok(())
}

/// The tenant's holidays between two dates (inclusive), seeding the years it covers first.
pub async fn between(
    store: &Store,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Holiday>, LendingError> {
    let tx = store.write().await?;
    ensure_years(&tx, tenant, from, to).await?;
    let rows = repo::between(&tx, tenant, from, to).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| Holiday {
            date: r.date,
            name: r.name,
        })
        .collect())
}

pub async fn add(
    store: &Store,
    tenant: TenantId,
    date: NaiveDate,
    name: &str,
    by: &Requester,
) -> Result<Holiday, LendingError> {
    let name = required_text(name, Field::HolidayName, 100)?;
    let now = store.now();
    let tx = store.write().await?;
    // Seed the year first, so that adding one holiday does not stop the bank holidays from being seeded.
    ensure_years(&tx, tenant, date, date).await?;
    let row = repo::add(&tx, tenant, date, &name).await?;
    let after = json!({ "date": row.date, "name": row.name });
    audit(
        &tx,
        tenant,
        by,
        "holiday_added",
        "holiday",
        date,
        None,
        Some(after),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Holiday {
        date: row.date,
        name: row.name,
    })
}

pub async fn remove(
    store: &Store,
    tenant: TenantId,
    date: NaiveDate,
    by: &Requester,
) -> Result<(), LendingError> {
    let now = store.now();
    let tx = store.write().await?;
    ensure_years(&tx, tenant, date, date).await?;
    if !repo::remove(&tx, tenant, date).await? {
        return Err(LendingError::NotFound("holiday"));
    }
    let before = json!({ "date": date });
    audit(
        &tx,
        tenant,
        by,
        "holiday_removed",
        "holiday",
        date,
        Some(before),
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
