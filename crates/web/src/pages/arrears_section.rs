//! The dashboard's arrears section: the active portfolio by delinquency bucket today, with PAR15 and
//! PAR30, each bucket linking to the loans list filtered to it. Its own file and template include
//! (templates/dashboard/arrears.html) so the per-role cards of the dashboard change apart from it.

use super::lending::clients::not_found;
use super::lending::loans::bucket_href;
use super::lending::pesos;
use crate::error::PageError;
use crate::state::AppState;
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use credinet_lending::arrears;
use credinet_lending::reports::par::BasisPoints;

pub struct BucketRow {
    pub label: &'static str,
    pub href: String,
    pub tone: &'static str,
    pub loans: u64,
    pub principal_owed: String,
    pub overdue: String,
    /// Share of the principal still owed, "12.34 %".
    pub share: String,
}

pub struct ArrearsSection {
    pub rows: Vec<BucketRow>,
    pub principal_owed: String,
    pub par15: String,
    pub par30: String,
}

pub async fn build(
    state: &AppState,
    tenant: TenantId,
    today: NaiveDate,
    active_loans: u64,
) -> Result<ArrearsSection, PageError> {
    let report = arrears::by_bucket(state.store(), tenant, today, active_loans)
        .await
        .map_err(not_found)?;
    let whole = report.principal_owed.centavos();
    let rows = report
        .buckets
        .iter()
        .map(|line| BucketRow {
            label: line.bucket.label_es(),
            href: bucket_href(line.bucket),
            tone: super::lending::loans::bucket_tone(line.bucket),
            loans: line.loans,
            principal_owed: pesos(line.principal_owed),
            overdue: pesos(line.overdue),
            share: BasisPoints::share(line.principal_owed.centavos(), whole).to_string(),
        })
        .collect();
    Ok(ArrearsSection {
        rows,
        principal_owed: pesos(report.principal_owed),
        par15: report.par15.to_string(),
        par30: report.par30.to_string(),
    })
}
