//! `GET /prestamos/{id}/estados/{fecha}`: the loan's statement at a cut, as a page and, under `/pdf`, as
//! the PDF `credinet-documents` renders in process. Both come from one `Statement` value.

use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::lending::clients::not_found;
use crate::pages::lending::pesos;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use credinet_core::ids::LoanId;
use credinet_documents::Statement;
use credinet_lending::reports::statement::statement;

pub struct LineRow {
    pub date: String,
    pub concept: String,
    pub charge: String,
    pub credit: String,
}

#[derive(Template)]
#[template(path = "lending/statement.html")]
struct StatementPage {
    chrome: Chrome,
    loan_id: i64,
    iso: String,
    s: Statement,
    cut_date: String,
    period: String,
    opening: String,
    charges: String,
    payments: String,
    reversals: String,
    closing: String,
    overdue: String,
    bucket: &'static str,
    next_date: String,
    next_amount: String,
    lines: Vec<LineRow>,
}

fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

async fn load(
    state: &AppState,
    staff: &Staff,
    loan: LoanId,
    date: NaiveDate,
) -> Result<Statement, PageError> {
    statement(
        state.store(),
        staff.tenant.id,
        &staff.tenant.legal_name,
        loan,
        date,
    )
    .await
    .map_err(not_found)?
    .ok_or(PageError::NotFound)
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PagePath((loan, date)): PagePath<(LoanId, NaiveDate)>,
) -> Result<Response, PageError> {
    let s = load(&state, &staff, loan, date).await?;
    let lines = s
        .lines
        .iter()
        .map(|l| LineRow {
            date: day(l.date),
            concept: if l.detail.is_empty() {
                l.kind.label_es().to_string()
            } else {
                format!("{} · {}", l.kind.label_es(), l.detail)
            },
            charge: if l.kind.is_charge() {
                pesos(l.amount)
            } else {
                String::new()
            },
            credit: if l.kind.is_charge() {
                String::new()
            } else {
                pesos(l.amount)
            },
        })
        .collect();
    let page = StatementPage {
        chrome: Chrome::new(&staff, "/prestamos"),
        loan_id: loan.get(),
        iso: date.to_string(),
        cut_date: day(s.cut_date),
        period: format!(
            "del {} al {}",
            day(s.period_from),
            day(s.cut_date.pred_opt().unwrap_or(s.cut_date))
        ),
        opening: pesos(s.opening),
        charges: pesos(s.charges),
        payments: pesos(s.payments),
        reversals: pesos(s.reversals),
        closing: pesos(s.closing),
        overdue: pesos(s.overdue),
        bucket: s.bucket.label_es(),
        next_date: s
            .next_due
            .map(|(d, _)| day(d))
            .unwrap_or_else(|| "—".into()),
        next_amount: s
            .next_due
            .map(|(_, m)| pesos(m))
            .unwrap_or_else(|| "—".into()),
        lines,
        s,
    };
    render(&page)
}

pub async fn pdf(
    State(state): State<AppState>,
    staff: Staff,
    PagePath((loan, date)): PagePath<(LoanId, NaiveDate)>,
) -> Result<Response, PageError> {
    let s = load(&state, &staff, loan, date).await?;
    // Rendering is CPU work of a few milliseconds per page; keep it off the request threads anyway.
    let rendered = tokio::task::spawn_blocking(move || s.to_pdf().map(|pdf| (s.loan_number, pdf)))
        .await
        .map_err(|_| PageError::Internal)?;
    let (number, pdf) = rendered.map_err(|e| {
        tracing::error!(error = %e, loan = loan.get(), cut = %date, "statement PDF not rendered");
        PageError::Internal
    })?;
    let name = format!("estado-de-cuenta-{number}-{date}.pdf");
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        pdf,
    )
        .into_response())
}
