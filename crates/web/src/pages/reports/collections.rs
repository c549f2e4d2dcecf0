//! `GET /reportes/cobranza`: what was collected in a range of days, by cut period and by who registered
//! it; `…/periodos.csv` and `…/cajeros.csv` export the two tables.

use super::{range_of, require_reader};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::lending::{ExportFormat, csv_download, pesos};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use credinet_lending::reports::CollectionsReport;
use credinet_lending::reports::collections::{self, Tally};
use credinet_lending::reports::csv;
use serde::Deserialize;

/// Cut periods shown when no range is asked for: about three months.
const DEFAULT_PERIODS: usize = 6;

#[derive(Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    desde: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    hasta: Option<NaiveDate>,
}

pub struct Line {
    pub label: String,
    pub note: String,
    pub payments: i64,
    pub collected: String,
    pub reversed_payments: i64,
    pub reversed: String,
}

fn line(label: String, note: String, t: &Tally) -> Line {
    Line {
        label,
        note,
        payments: t.payments,
        collected: pesos(t.collected),
        reversed_payments: t.reversed_payments,
        reversed: pesos(t.reversed),
    }
}

#[derive(Template)]
#[template(path = "reports/collections.html")]
struct CollectionsPage {
    chrome: Chrome,
    from: String,
    to: String,
    periods: Vec<Line>,
    collectors: Vec<Line>,
    total: Line,
}

async fn report(
    state: &AppState,
    staff: &Staff,
    q: &RangeQuery,
) -> Result<CollectionsReport, PageError> {
    require_reader(staff)?;
    let today = staff.tenant.zone.local_date(state.store().now());
    let range = range_of(staff, today, q.desde, q.hasta, DEFAULT_PERIODS)?;
    collections::collections(
        state.store(),
        staff.tenant.id,
        &staff.tenant.settings.cut_days,
        range,
    )
    .await
    .map_err(crate::pages::lending::clients::not_found)
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<RangeQuery>,
) -> Result<Response, PageError> {
    let r = report(&state, &staff, &q).await?;
    let periods = r
        .periods
        .iter()
        .map(|p| {
            line(
                format!("Corte del {}", day(p.period.cut)),
                format!("del {} al {}", day(p.period.from), day(p.period.last_day())),
                &p.tally,
            )
        })
        .collect();
    let collectors = r
        .collectors
        .iter()
        .map(|c| match &c.who {
            Some(a) => line(
                a.label.clone(),
                csv::actor_kind_es(a.kind).to_string(),
                &c.tally,
            ),
            None => line("Sin registro".into(), "pagos importados".into(), &c.tally),
        })
        .collect();
    let page = CollectionsPage {
        chrome: Chrome::new(&staff, "/reportes/cobranza"),
        from: r.range.from.to_string(),
        to: r.range.to.to_string(),
        periods,
        collectors,
        total: line("Total".into(), String::new(), &r.total),
    };
    render(&page)
}

pub async fn periods_csv(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<RangeQuery>,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    let r = report(&state, &staff, &q).await?;
    Ok(csv_download(
        "cobranza-por-periodo.csv",
        csv::collections_by_period_sheet(&r).write(format.reader(&staff)),
    ))
}

pub async fn collectors_csv(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<RangeQuery>,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    let r = report(&state, &staff, &q).await?;
    Ok(csv_download(
        "cobranza-por-cajero.csv",
        csv::collections_by_collector_sheet(&r).write(format.reader(&staff)),
    ))
}
