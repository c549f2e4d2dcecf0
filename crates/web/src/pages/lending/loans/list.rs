//! The loan list with its filter and export, and the approval queue.

use super::super::clients::not_found;
use super::super::{Pager, clamped, csv_download, pesos, urlencode};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::{Chrome, local, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use credinet_lending::loans::{self, LoanFilter, LoanListItem, LoanStatus};
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::{PageRequest, csv};
use serde::Deserialize;

const PER_PAGE: u64 = 25;

pub struct Row {
    pub id: i64,
    pub number: String,
    pub client: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub principal: String,
    pub outstanding: String,
    pub created: String,
}

fn row(staff: &Staff, item: LoanListItem) -> Row {
    Row {
        id: item.loan.id.get(),
        number: item.loan.number,
        client: item.client_name,
        status: item.loan.status.label_es(),
        status_code: item.loan.status.as_str(),
        principal: pesos(item.loan.principal),
        outstanding: pesos(item.loan.outstanding),
        created: local(staff, item.loan.created_at),
    }
}

#[derive(Template)]
#[template(path = "lending/loans.html")]
struct LoansPage {
    chrome: Chrome,
    title: &'static str,
    rows: Vec<Row>,
    total: u64,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    pages: Pager,
    queue: bool,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    estado: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

fn filter(raw: Option<&str>) -> LoanFilter {
    let statuses = raw.and_then(LoanStatus::parse).into_iter().collect();
    LoanFilter {
        statuses,
        client: None,
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let current = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let statuses = filter(q.estado.as_deref());
    let (current, page) = clamped(current, PER_PAGE, |n| {
        loans::list(
            state.store(),
            staff.tenant.id,
            &statuses,
            PageRequest::number(n, PER_PAGE),
        )
    })
    .await
    .map_err(not_found)?;
    let view = LoansPage {
        chrome: Chrome::new(&staff, "/prestamos"),
        title: "Préstamos",
        total: page.total,
        pages: Pager::new(
            format!(
                "/prestamos?estado={}&p=",
                urlencode(q.estado.as_deref().unwrap_or_default())
            ),
            page.total,
            PER_PAGE,
            current,
        ),
        rows: page.items.into_iter().map(|i| row(&staff, i)).collect(),
        status: q.estado.unwrap_or_default(),
        statuses: LoanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_es()))
            .collect(),
        queue: false,
    };
    render(&view)
}

/// Applications waiting for a checker.
pub async fn queue(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    // The menu offers the queue only to those who approve; the page itself must say the same.
    staff.require(
        staff.role.can_approve_loans(),
        "ver las solicitudes por aprobar",
    )?;
    let filter = LoanFilter {
        statuses: vec![LoanStatus::Submitted, LoanStatus::Approved],
        client: None,
    };
    let page = loans::list(
        state.store(),
        staff.tenant.id,
        &filter,
        PageRequest::number(1, 500),
    )
    .await
    .map_err(not_found)?;
    let view = LoansPage {
        chrome: Chrome::new(&staff, "/prestamos/aprobacion"),
        title: "Solicitudes por aprobar o dispersar",
        total: page.total,
        pages: Pager::new(String::new(), page.total, 500, 1),
        rows: page.items.into_iter().map(|i| row(&staff, i)).collect(),
        status: String::new(),
        statuses: Vec::new(),
        queue: true,
    };
    render(&view)
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let filter = filter(q.estado.as_deref());
    let rows = all_pages(|p| loans::list(state.store(), staff.tenant.id, &filter, p))
        .await
        .map_err(not_found)?;
    Ok(csv_download("prestamos.csv", csv::loans_csv(&rows)))
}
