//! Running a cut: check the date, claim the cut, then cut page after page until no loan is left, each
//! page in its own transaction with its checkpoint, and sum the statements into the summary.

use super::error::CutError;
use super::plan::{self, LateFees};
use super::{Cut, queries};
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use credinet_core::lending::cut::CutDate;
use credinet_store::Store;
use credinet_store::repo::audit::{self, Record, Requester};
use credinet_store::repo::cuts::{self, page, write};
use credinet_store::repo::holidays;
use serde_json::json;
use std::collections::BTreeSet;
use std::ops::ControlFlow;

/// How a cut goes through the loans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutOptions {
    /// Loans per page (one transaction each): bounds memory and how much a crash makes redo.
    pub page_size: u64,
}

impl Default for CutOptions {
    fn default() -> Self {
        CutOptions { page_size: 500 }
    }
}

/// Where a running cut is, after each committed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CutProgress {
    pub cut_date: NaiveDate,
    /// Loans to cut, counted when the cut was claimed; later changes (a loan paid off meanwhile) can
    /// make the end a little different.
    pub loans_total: u64,
    pub loans_done: u64,
    pub pages_done: u64,
}

/// Runs the cut of `date` for `tenant`, or resumes it where an interrupted run left it, or returns it as
/// it is when it is already done (writing nothing). `on_progress` is called after each committed page;
/// returning `ControlFlow::Break` stops the run there ([`CutError::Interrupted`]), as a crash would.
///
/// The date must be one of the tenant's cut days, not after today in its zone, and not before its
/// latest cut; an earlier unfinished cut must be finished first. A refused date writes nothing.
pub async fn run(
    store: &Store,
    tenant: TenantId,
    date: NaiveDate,
    by: &Requester,
    options: CutOptions,
    mut on_progress: impl FnMut(&CutProgress) -> ControlFlow<()>,
) -> Result<Cut, CutError> {
    let now = store.now();
    let settings = store.tenant(tenant).await?.ok_or(CutError::UnknownTenant)?;
    let today = settings.zone.local_date(now);
    let cut = CutDate::parse(date, &settings.settings.cut_days, today)?;
    if let Some(latest) = cuts::latest(store.db(), tenant).await? {
        if latest.cut_date > date {
            return Err(CutError::BeforeLatest {
                date,
                latest: latest.cut_date,
            });
        }
        if latest.cut_date < date && latest.status != cuts::DONE {
            return Err(CutError::EarlierUnfinished {
                date,
                unfinished: latest.cut_date,
            });
        }
    }
    let row = claim(store, tenant, cut, by).await?;
    if row.status == cuts::DONE {
        return queries::to_cut(row);
    }
    let cut_id = row.id;
    let holidays: BTreeSet<NaiveDate> = holidays::between(
        store.db(),
        tenant,
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(date),
        date + chrono::Days::new(366),
    )
    .await?
    .into_iter()
    .map(|h| h.date)
    .collect();
    let mut late_fees = LateFees::default();
    let page_size = options.page_size.max(1);
    loop {
        let tx = store.write().await?;
        let now = store.now();
        let row = page::lock(&tx, tenant, cut_id).await?;
        if row.status == cuts::DONE {
            tx.rollback().await?;
            return queries::to_cut(row);
        }
        let loans = page::load(&tx, tenant, date, row.last_loan_id, page_size).await?;
        if !loans.is_empty() {
            let planned = plan::page(&loans, cut, &holidays, &mut late_fees)?;
            write::page(
                &tx,
                tenant,
                cut_id,
                date,
                row.last_loan_id,
                &planned.write,
                now,
            )
            .await?;
            let entry = record(by, "period_cut_page", cut_id, planned.audit);
            audit::append(&tx, tenant, entry, now).await?;
        }
        let last_page = (loans.len() as u64) < page_size;
        if last_page {
            let summary = cuts::finish(&tx, tenant, cut_id, now).await?;
            let after = json!({"cut_date": date, "summary": summary});
            audit::append(
                &tx,
                tenant,
                record(by, "period_cut_done", cut_id, after),
                now,
            )
            .await?;
        }
        tx.commit().await?;
        let row = queries::row(store, tenant, cut_id).await?;
        if last_page {
            return queries::to_cut(row);
        }
        let progress = CutProgress {
            cut_date: date,
            loans_total: count(row.loans_total),
            loans_done: count(row.loans_done),
            pages_done: count(row.pages_done),
        };
        if on_progress(&progress).is_break() {
            return Err(CutError::Interrupted {
                date,
                loans_done: progress.loans_done,
            });
        }
    }
}

/// The cut's row: claimed now (with the count of loans to cut and an audit entry), or as another run
/// left it.
async fn claim(
    store: &Store,
    tenant: TenantId,
    cut: CutDate,
    by: &Requester,
) -> Result<credinet_store::entities::period_cut::Model, CutError> {
    if let Some(row) = cuts::by_date(store.db(), tenant, cut.date()).await? {
        return Ok(row);
    }
    let tx = store.write().await?;
    let now = store.now();
    let total = cuts::eligible_count(&tx, tenant, cut.date()).await?;
    let (row, claimed) =
        cuts::claim(&tx, tenant, cut.date(), cut.period_start(), total, now).await?;
    if claimed {
        let after =
            json!({"cut_date": cut.date(), "period_start": cut.period_start(), "loans": total});
        audit::append(
            &tx,
            tenant,
            record(by, "period_cut_started", row.id, after),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(row)
}

fn record(by: &Requester, action: &'static str, cut_id: i64, after: serde_json::Value) -> Record {
    Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action,
        entity: "period_cut",
        entity_id: Some(cut_id.to_string()),
        before: None,
        after: Some(after),
    }
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
