//! `GET /cortes`: the tenant's cuts, newest first, each with its summary; `/cortes/exportar.csv`.

use super::{CutRow, cut_row};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::lending::{ExportFormat, Pager, clamped, csv_download};
use crate::pages::reports::require_reader;
use crate::pages::{Chrome, local, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::reports::csv::cuts_sheet;
use credinet_lending::reports::statement::from_cut;
use credinet_lending::{PageRequest, cuts};
use serde::Deserialize;

const PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "cuts/list.html")]
struct CutsPage {
    chrome: Chrome,
    rows: Vec<CutRow>,
    total: u64,
    cut_days: String,
    /// The next cut as local time (`dd/mm/aaaa HH:MM CST`), from the scheduler's own schedule.
    next_cut: Option<String>,
    pages: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    require_reader(&staff)?;
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let (current, page) = clamped(asked, PER_PAGE, |n| {
        cuts::list(
            state.store(),
            staff.tenant.id,
            PageRequest::number(n, PER_PAGE),
        )
    })
    .await
    .map_err(|e| crate::pages::lending::clients::not_found(from_cut(e)))?;
    let rows = page
        .items
        .iter()
        .map(|c| {
            cut_row(
                c,
                c.finished_at.map(|t| local(&staff, t)).unwrap_or_default(),
            )
        })
        .collect();
    let next_cut = state
        .scheduler()
        .view_for(credinet_ops::jobs::PeriodCut::NAME, &staff.tenant)
        .await?
        .and_then(|view| view.next)
        .map(|at| local(&staff, at));
    render(&CutsPage {
        chrome: Chrome::new(&staff, "/cortes"),
        rows,
        total: page.total,
        cut_days: staff.tenant.settings.cut_days.to_string(),
        next_cut,
        pages: Pager::new("/cortes?p=".into(), page.total, PER_PAGE, current).asked(asked),
    })
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(format): PageQuery<ExportFormat>,
) -> Result<Response, PageError> {
    require_reader(&staff)?;
    let (store, tenant) = (state.store(), staff.tenant.id);
    let all = all_pages(|p| async move { cuts::list(store, tenant, p).await.map_err(from_cut) })
        .await
        .map_err(crate::pages::lending::clients::not_found)?;
    Ok(csv_download(
        "cortes.csv",
        cuts_sheet(&all).write(format.reader(&staff)),
    ))
}
