//! The period cuts on screen: `/cortes`, their history with each cut's summary, and `/cortes/{fecha}`,
//! one cut with its statements; a cut still running shows its progress, refreshed by htmx polling a
//! small fragment until it is done. Read by the roles that read reports (ADR 10).

pub mod list;
pub mod show;

use crate::pages::lending::pesos;
use credinet_lending::cuts::{Cut, CutSummary};
use credinet_lending::reports::BasisPoints;

/// A cut as a row of the history and the heading of its page.
pub struct CutRow {
    pub date: String,
    pub iso: String,
    pub period: String,
    pub status: &'static str,
    pub running: bool,
    pub loans: String,
    pub billed: String,
    pub collected: String,
    pub charged: String,
    pub overdue: String,
    pub outstanding: String,
    pub par15: String,
    pub par30: String,
    pub finished: String,
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub fn par(summary: &CutSummary) -> (BasisPoints, BasisPoints) {
    let whole = summary.outstanding_principal.centavos();
    (
        BasisPoints::share(summary.par15_principal.centavos(), whole),
        BasisPoints::share(summary.par30_principal.centavos(), whole),
    )
}

pub fn cut_row(cut: &Cut, finished: String) -> CutRow {
    let dash = || "—".to_string();
    let s = cut.summary.as_ref();
    let money = |f: fn(&CutSummary) -> credinet_core::money::Money| {
        s.map(|s| pesos(f(s))).unwrap_or_else(dash)
    };
    let (par15, par30) = s.map(par).unzip();
    CutRow {
        date: day(cut.cut_date),
        iso: cut.cut_date.to_string(),
        period: format!(
            "del {} al {}",
            day(cut.period_start),
            day(cut.cut_date.pred_opt().unwrap_or(cut.cut_date))
        ),
        status: cut.status.label_es(),
        running: cut.summary.is_none(),
        loans: s.map_or_else(
            || format!("{} de {}", cut.loans_done, cut.loans_total),
            |s| s.loans.to_string(),
        ),
        billed: money(|s| s.billed),
        collected: money(|s| s.collected),
        charged: money(|s| s.charged),
        overdue: money(|s| s.overdue),
        outstanding: money(|s| s.outstanding),
        par15: par15.map(|p| p.to_string()).unwrap_or_else(dash),
        par30: par30.map(|p| p.to_string()).unwrap_or_else(dash),
        finished,
    }
}
