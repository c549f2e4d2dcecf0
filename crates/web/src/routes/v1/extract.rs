//! What `/v1` reads from a request — body, path, query, the `Idempotency-Key` header — through
//! extractors whose refusals are problem details like every other `/v1` error, never the framework's
//! plain text.

use crate::error::ApiError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use credinet_core::idempotency::IdempotencyKey;
use serde::Serialize;

/// `Json` whose rejections (malformed JSON, wrong types, missing content type, too large) are problem
/// details.
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

/// `Path` with typed ids (`ApiPath<LoanId>`): `/v1/loans/abc` or an id past `i64` is a 400 problem
/// detail.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        let status = rejection.status();
        if status.is_server_error() {
            // The route and the extractor disagree on the parameters: our bug, not the caller's.
            tracing::error!(error = %rejection.body_text(), "path parameters do not fit the handler");
            return ApiError {
                status,
                code: "internal",
                detail: None,
            };
        }
        ApiError::new(status, "invalid-path", rejection.body_text())
    }
}

/// `Query` whose malformed strings (`?client_id=abc`, `?from=yesterday`) are 400 problem details.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(rejection.status(), "invalid-query", rejection.body_text())
    }
}

/// The optional `Idempotency-Key` header, parsed once: a key that is empty, longer than
/// [`IdempotencyKey::MAX_LEN`] or not printable ASCII is a 422 problem detail naming the header.
pub struct IdempotencyHeader(pub Option<IdempotencyKey>);

pub const IDEMPOTENCY_HEADER: &str = "Idempotency-Key";

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyHeader {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IDEMPOTENCY_HEADER) else {
            return Ok(IdempotencyHeader(None));
        };
        let refuse = |why: String| {
            ApiError::unprocessable(format!("the {IDEMPOTENCY_HEADER} header: {why}"))
        };
        let raw = value
            .to_str()
            .map_err(|_| refuse("an idempotency key is printable ASCII".into()))?;
        IdempotencyKey::parse(raw)
            .map(|key| IdempotencyHeader(Some(key)))
            .map_err(|e| refuse(e.to_string()))
    }
}
