//! `/v1`: the JSON API for tenants' integrations, authenticated by API key.

pub mod api_keys;
pub mod audit;
pub mod clients;
pub mod exports;
pub mod extract;
mod lending_error;
pub mod loans;
pub mod openapi;
pub mod paging;
pub mod payments;
pub mod products;
pub mod tenant;
pub mod users;

use crate::error::{ApiError, problem_response};
use axum::http::StatusCode;
use axum::response::Response;
use credinet_accounts::AccountError;

pub use extract::{ApiJson, ApiPath, ApiQuery, IdempotencyHeader};
pub use paging::{PageQuery, Paged};

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Refused(r) => ApiError::unprocessable(r.to_string()),
            AccountError::Invalid(m) => ApiError::unprocessable(m),
            AccountError::Conflict(what) => ApiError::conflict(format!("{what} already exists")),
            AccountError::Store(s) => s.into(),
        }
    }
}

/// `/v1` paths that match no route.
pub async fn not_found() -> Response {
    problem_response(
        StatusCode::NOT_FOUND,
        "not-found",
        Some("no such endpoint".into()),
    )
}
