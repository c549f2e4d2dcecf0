//! `/v1`: the JSON API for tenants' integrations, authenticated by API key.

pub mod api_keys;
pub mod audit;
pub mod clients;
pub mod exports;
mod lending_error;
pub mod loans;
pub mod openapi;
pub mod paging;
pub mod payments;
pub mod products;
pub mod tenant;
pub mod users;

use crate::auth::ApiCaller;
use crate::error::{ApiError, problem_response};
use axum::extract::FromRequest;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use credinet_accounts::{AccountError, Requester};
use credinet_store::repo::audit::{Actor, ActorKind, Origin};
use serde::Serialize;

/// `Json` whose rejections (malformed JSON, wrong types, missing content type, too large) are problem
/// details like every other `/v1` error.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = rejection.status();
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "body-too-large",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid-input",
            _ => "malformed-json",
        };
        ApiError {
            status,
            code,
            detail: Some(rejection.body_text()),
        }
    }
}

impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A page of a list.
#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
}

/// The audit actor for an API key.
pub fn requester(caller: &ApiCaller, origin: Origin) -> Requester {
    Requester {
        actor: Actor {
            kind: ActorKind::ApiKey,
            id: Some(caller.key.id.get()),
            label: format!("api:{}", caller.key.name),
        },
        origin,
    }
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        match e {
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
