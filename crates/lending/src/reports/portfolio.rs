//! Portfolio report: the figures of the latest finished cut (outstanding, overdue, loans by delinquency
//! bucket) and PAR15/PAR30 at each of the last cuts. Everything is read from what the cuts recorded, so
//! the report shows the portfolio as of each cut date, not a recomputation that could disagree with the
//! statements.

use super::par::{BasisPoints, ParPoint};
use crate::cuts::{self, Cut, CutError, CutStatus, CutSummary};
use crate::page::PageRequest;
use credinet_core::ids::TenantId;
use credinet_core::lending::delinquency::DelinquencyBucket;
use credinet_core::money::Money;
use credinet_store::repo::cut_reports;
use credinet_store::{Store, StoreError};

/// A finished cut's summary and its PAR.
#[derive(Debug, Clone, PartialEq)]
pub struct CutFigures {
    pub cut: Cut,
    pub summary: CutSummary,
    pub par: ParPoint,
}

impl CutFigures {
    fn of(cut: Cut) -> Option<CutFigures> {
        let summary = cut.summary.filter(|_| cut.status == CutStatus::Done)?;
        let whole = summary.outstanding_principal.centavos();
        let par = ParPoint {
            cut_date: cut.cut_date,
            par15: BasisPoints::share(summary.par15_principal.centavos(), whole),
            par30: BasisPoints::share(summary.par30_principal.centavos(), whole),
        };
        Some(CutFigures { cut, summary, par })
    }
}

/// Loans of one bucket at the latest cut.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketLine {
    pub bucket: DelinquencyBucket,
    pub loans: i64,
    pub outstanding_principal: Money,
    pub outstanding: Money,
    pub overdue: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioReport {
    /// The last finished cuts, oldest first.
    pub cuts: Vec<CutFigures>,
    /// Every bucket, empty ones included, at the latest finished cut (empty when there is none).
    pub buckets: Vec<BucketLine>,
}

impl PortfolioReport {
    pub fn latest(&self) -> Option<&CutFigures> {
        self.cuts.last()
    }
}

/// The report over the last `cuts` cuts (at most 500).
pub async fn portfolio(
    store: &Store,
    tenant: TenantId,
    cuts: u64,
) -> Result<PortfolioReport, CutError> {
    let page = cuts::list(store, tenant, PageRequest::number(1, cuts)).await?;
    let mut figures: Vec<CutFigures> = page.items.into_iter().filter_map(CutFigures::of).collect();
    figures.reverse();
    let buckets = match figures.last() {
        None => Vec::new(),
        Some(latest) => {
            let rows = cut_reports::buckets(store.db(), tenant, latest.cut.id).await?;
            let mut lines = Vec::new();
            for bucket in DelinquencyBucket::ALL {
                let name = bucket_code(bucket);
                let row = rows.iter().find(|r| r.bucket == name);
                lines.push(BucketLine {
                    bucket,
                    loans: row.map_or(0, |r| r.loans),
                    outstanding_principal: Money::from_centavos(
                        row.map_or(0, |r| r.outstanding_principal),
                    ),
                    outstanding: Money::from_centavos(row.map_or(0, |r| r.outstanding)),
                    overdue: Money::from_centavos(row.map_or(0, |r| r.overdue)),
                });
            }
            if let Some(unknown) = rows.iter().find(|r| {
                !DelinquencyBucket::ALL
                    .iter()
                    .any(|b| bucket_code(*b) == r.bucket)
            }) {
                return Err(CutError::Store(StoreError::Corrupt(format!(
                    "statements of cut {}: bucket '{}'",
                    latest.cut.id, unknown.bucket
                ))));
            }
            lines
        }
    };
    Ok(PortfolioReport {
        cuts: figures,
        buckets,
    })
}

/// The bucket as the statements store it and the CSVs write it (its serde name, `d1_to15`).
pub fn bucket_code(bucket: DelinquencyBucket) -> String {
    bucket.code().to_string()
}
