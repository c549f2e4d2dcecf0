//! CSV exports of every list (`/v1/exports/clients.csv`, `loans.csv`, `payments.csv`), with the same
//! filters as the JSON lists, every page.

use super::ApiQuery;
use super::clients::ClientSearch;
use super::loans::LoanQuery;
use super::payments::PaymentQuery;
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use credinet_lending::clients::{self, ClientFilter};
use credinet_lending::page::MAX_PAGE;
use credinet_lending::{LendingError, Page, PageRequest, csv, loans, payments};
use std::future::Future;

/// Reads every page of a list.
pub async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, LendingError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, LendingError>>,
{
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let page = fetch(PageRequest {
            offset,
            limit: MAX_PAGE,
        })
        .await?;
        let n = page.items.len() as u64;
        out.extend(page.items);
        offset += n;
        if n < MAX_PAGE || offset >= page.total {
            return Ok(out);
        }
    }
}

fn csv_response(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

#[utoipa::path(get, path = "/v1/exports/clients.csv", tag = "exports", security(("api_key" = [])), params(ClientSearch),
    responses((status = 200, content_type = "text/csv", description = "Every matching client")))]
pub async fn clients(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<ClientSearch>,
) -> Result<Response, ApiError> {
    let filter = ClientFilter { search: q.q };
    let rows = all_pages(|p| clients::list(state.store(), caller.tenant.id, &filter, p)).await?;
    Ok(csv_response("clientes.csv", csv::clients_csv(&rows)))
}

#[utoipa::path(get, path = "/v1/exports/loans.csv", tag = "exports", security(("api_key" = [])), params(LoanQuery),
    responses((status = 200, content_type = "text/csv", description = "Every matching loan")))]
pub async fn loans(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<LoanQuery>,
) -> Result<Response, ApiError> {
    let filter = q.filter()?;
    let rows = all_pages(|p| loans::list(state.store(), caller.tenant.id, &filter, p)).await?;
    Ok(csv_response("prestamos.csv", csv::loans_csv(&rows)))
}

#[utoipa::path(get, path = "/v1/exports/payments.csv", tag = "exports", security(("api_key" = [])), params(PaymentQuery),
    responses((status = 200, content_type = "text/csv", description = "Every matching payment")))]
pub async fn payments(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(q): ApiQuery<PaymentQuery>,
) -> Result<Response, ApiError> {
    let filter = q.filter();
    let rows = all_pages(|p| payments::list(state.store(), caller.tenant.id, &filter, p)).await?;
    Ok(csv_response("pagos.csv", csv::payments_csv(&rows)))
}
