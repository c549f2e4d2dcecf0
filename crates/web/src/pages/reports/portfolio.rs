//! `GET /reportes/cartera`: the portfolio as the latest cut left it — outstanding, overdue, loans by
//! delinquency bucket — and PAR15/PAR30 at each of the last cuts, drawn as a server-side SVG with the
//! same figures in a table under it. `…/cortes.csv` and `…/clasificacion.csv` export both tables.

use super::require_reader;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::chart;
use crate::pages::cuts::par;
use crate::pages::extract::PageQuery;
use crate::pages::lending::{ExportFormat, csv_download, pesos};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use credinet_lending::reports::csv::{buckets_sheet, cuts_sheet};
use credinet_lending::reports::portfolio::{PortfolioReport, portfolio};
use credinet_lending::reports::statement::from_cut;

/// Cuts on the chart: a year of biweekly cuts.
const CUTS: u64 = 24;

pub struct CutLine {
    pub date: String,
    pub iso: String,
    pub outstanding_principal: String,
    pub overdue: String,
    pub par15: String,
    pub par30: String,
}

pub struct BucketRow {
    pub label: &'static str,
    pub loans: i64,
    pub outstanding_principal: String,
    pub outstanding: String,
    pub overdue: String,
}

#[derive(Template)]
#[template(path = "reports/portfolio.html")]
struct PortfolioPage {
    chrome: Chrome,
    latest: Option<String>,
    outstanding: String,
    outstanding_principal: String,
    overdue: String,
    overdue_loans: String,
    par15: String,
    par30: String,
    chart: String,
    cuts: Vec<CutLine>,
    buckets: Vec<BucketRow>,
}

async fn report(state: &AppState, staff: &Staff) -> Result<PortfolioReport, PageError> {
    require_reader(staff)?;
    portfolio(state.store(), staff.tenant.id, CUTS)
        .await
        .map_err(|e| crate::pages::lending::clients::not_found(from_cut(e)))
}

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    let r = report(&state, &staff).await?;
    let dash = || "—".to_string();
    let latest = r.latest();
    let points: Vec<_> = r.cuts.iter().map(|c| c.par).collect();
    let page = PortfolioPage {
        chrome: Chrome::new(&staff, "/reportes/cartera"),
        latest: latest.map(|c| c.cut.cut_date.format("%d/%m/%Y").to_string()),
        outstanding: latest.map_or_else(dash, |c| pesos(c.summary.outstanding)),
        outstanding_principal: latest.map_or_else(dash, |c| pesos(c.summary.outstanding_principal)),
        overdue: latest.map_or_else(dash, |c| pesos(c.summary.overdue)),
        overdue_loans: latest.map_or_else(dash, |c| {
            format!(
                "{} de {} préstamos",
                c.summary.overdue_loans, c.summary.loans
            )
        }),
        par15: latest.map_or_else(dash, |c| c.par.par15.to_string()),
        par30: latest.map_or_else(dash, |c| c.par.par30.to_string()),
        chart: chart::par_by_cut(&points),
        cuts: r
            .cuts
            .iter()
            .rev()
            .map(|c| {
                let (par15, par30) = par(&c.summary);
                CutLine {
                    date: c.cut.cut_date.format("%d/%m/%Y").to_string(),
                    iso: c.cut.cut_date.to_string(),
                    outstanding_principal: pesos(c.summary.outstanding_principal),
                    overdue: pesos(c.summary.overdue),
                    par15: par15.to_string(),
                    par30: par30.to_string(),
                }
            })
            .collect(),
        buckets: r
            .buckets
            .iter()
            .map(|b| BucketRow {
                label: b.bucket.label_es(),
                loans: b.loans,
                outstanding_principal: pesos(b.outstanding_principal),
                outstanding: pesos(b.outstanding),
                overdue: pesos(b.overdue),
            })
            .collect(),
    };
    render(&page)
}

pub async fn cuts_export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    let r = report(&state, &staff).await?;
    let cuts: Vec<_> = r.cuts.iter().map(|c| c.cut.clone()).collect();
    Ok(csv_download(
        "cartera-por-corte.csv",
        cuts_sheet(&cuts).write(format.reader(&staff)),
    ))
}

pub async fn buckets_export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    let r = report(&state, &staff).await?;
    Ok(csv_download(
        "cartera-por-clasificacion.csv",
        buckets_sheet(&r).write(format.reader(&staff)),
    ))
}
