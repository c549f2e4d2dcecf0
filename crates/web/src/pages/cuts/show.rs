//! `GET /cortes/{fecha}`: one cut — its summary, or its progress while it runs — and its statements, a
//! page at a time; `/cortes/{fecha}/avance` is the progress fragment htmx polls, and
//! `/cortes/{fecha}/estados.csv` exports every statement of the cut.

use super::{CutRow, cut_row};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PagePath, PageQuery, blank_is_none};
use crate::pages::lending::{ExportFormat, Pager, clamped, csv_download, pesos};
use crate::pages::reports::require_reader;
use crate::pages::{Chrome, local, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use credinet_lending::PageRequest;
use credinet_lending::cuts::{self, Cut};
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::reports::csv::statements_sheet;
use credinet_lending::reports::statement::from_cut;
use serde::Deserialize;

const PER_PAGE: u64 = 50;

pub struct StatementRow {
    pub loan_id: i64,
    pub opening: String,
    pub charges: String,
    pub payments: String,
    pub reversals: String,
    pub closing: String,
    pub overdue: String,
    pub days_past_due: u32,
    pub bucket: &'static str,
}

/// How far a running cut is.
pub struct Progress {
    pub iso: String,
    pub running: bool,
    pub done: u64,
    pub total: u64,
    pub percent: u64,
    pub started: String,
}

#[derive(Template)]
#[template(path = "cuts/show.html")]
struct CutPage {
    chrome: Chrome,
    cut: CutRow,
    progress: Progress,
    rows: Vec<StatementRow>,
    total: u64,
    pages: Pager,
}

#[derive(Template)]
#[template(path = "cuts/progress.html")]
struct ProgressFragment {
    progress: Progress,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

async fn find(state: &AppState, staff: &Staff, date: NaiveDate) -> Result<Cut, PageError> {
    require_reader(staff)?;
    cuts::get(state.store(), staff.tenant.id, date)
        .await
        .map_err(|e| crate::pages::lending::clients::not_found(from_cut(e)))?
        .ok_or(PageError::NotFound)
}

fn progress(staff: &Staff, cut: &Cut) -> Progress {
    Progress {
        iso: cut.cut_date.to_string(),
        running: cut.summary.is_none(),
        done: cut.loans_done,
        total: cut.loans_total,
        percent: (cut.loans_done * 100)
            .checked_div(cut.loans_total)
            .unwrap_or(100)
            .min(100),
        started: local(staff, cut.started_at),
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(date): PagePath<NaiveDate>,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let cut = find(&state, &staff, date).await?;
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let (store, tenant) = (state.store(), staff.tenant.id);
    let (current, page) = clamped(asked, PER_PAGE, |n| async move {
        cuts::statements_of_cut(store, tenant, date, PageRequest::number(n, PER_PAGE))
            .await
            .map_err(|e| crate::pages::lending::clients::not_found(from_cut(e)))?
            .ok_or(PageError::NotFound)
    })
    .await?;
    let rows = page
        .items
        .iter()
        .map(|s| StatementRow {
            loan_id: s.loan_id.get(),
            opening: pesos(s.line.opening),
            charges: s.line.charges().map(pesos).unwrap_or_default(),
            payments: pesos(s.line.payments),
            reversals: pesos(s.line.reversals),
            closing: pesos(s.line.closing),
            overdue: pesos(s.line.overdue),
            days_past_due: s.line.days_past_due,
            bucket: s.line.bucket.label_es(),
        })
        .collect();
    let finished = cut
        .finished_at
        .map(|t| local(&staff, t))
        .unwrap_or_default();
    render(&CutPage {
        chrome: Chrome::new(&staff, "/cortes"),
        progress: progress(&staff, &cut),
        cut: cut_row(&cut, finished),
        rows,
        total: page.total,
        pages: Pager::new(format!("/cortes/{date}?p="), page.total, PER_PAGE, current).asked(asked),
    })
}

/// The progress block alone. Once the cut is done it asks htmx to reload the page (`HX-Refresh`), which
/// then shows the summary and stops polling.
pub async fn progress_fragment(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(date): PagePath<NaiveDate>,
) -> Result<Response, PageError> {
    let cut = find(&state, &staff, date).await?;
    let fragment = ProgressFragment {
        progress: progress(&staff, &cut),
    };
    let body = axum::response::Html(fragment.render()?);
    if fragment.progress.running {
        Ok(body.into_response())
    } else {
        Ok(([("HX-Refresh", "true")], body).into_response())
    }
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(date): PagePath<NaiveDate>,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    find(&state, &staff, date).await?;
    let (store, tenant) = (state.store(), staff.tenant.id);
    let all = all_pages(|p| async move {
        cuts::statements_of_cut(store, tenant, date, p)
            .await
            .map_err(from_cut)?
            .ok_or(credinet_lending::LendingError::NotFound("cut"))
    })
    .await
    .map_err(crate::pages::lending::clients::not_found)?;
    Ok(csv_download(
        &format!("estados-{date}.csv"),
        statements_sheet(&all).write(format.reader(&staff)),
    ))
}
