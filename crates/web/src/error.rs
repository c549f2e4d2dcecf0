//! Errors at the HTTP edge: RFC 9457 problem details for `/v1`, an error page for the back office.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use credinet_store::StoreError;
use serde::Serialize;

/// A problem detail (`application/problem+json`, RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An error answered by the JSON API.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: Some(detail.into()),
        }
    }
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{what} not found"),
        )
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-input", detail)
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => ApiError::conflict(format!("{what} already exists")),
            StoreError::NotFound(what) => ApiError::not_found(&what),
            busy if busy.is_overloaded() => {
                tracing::warn!("no database connection in time: answering 503");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "overloaded",
                    "the server is busy; retry after the Retry-After seconds (a payment with the same Idempotency-Key lands once)",
                )
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal",
                    detail: None,
                }
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem_response(self.status, self.code, self.detail)
    }
}

/// Builds a problem-details response; also used for errors raised by the framework (bad JSON, body
/// too large) so every `/v1` error has the same shape.
pub fn problem_response(status: StatusCode, code: &str, detail: Option<String>) -> Response {
    let problem = Problem {
        kind: format!("https://credinet.dev/problems/{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_string(),
        status: status.as_u16(),
        detail,
    };
    let mut response = (status, axum::Json(problem)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// What an overloaded server asks a client to wait before retrying.
const RETRY_AFTER_SECONDS: &str = "1";

/// Gives every 503 a `Retry-After`, whoever produced it: the request timeout answers 503 from outside the
/// handlers, and under load a client that retries with its Idempotency-Key must be told when.
pub(crate) async fn busy_answers_say_when_to_retry(mut response: Response) -> Response {
    if response.status() == StatusCode::SERVICE_UNAVAILABLE
        && !response.headers().contains_key(header::RETRY_AFTER)
    {
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from_static(RETRY_AFTER_SECONDS),
        );
    }
    response
}

/// An error answered by a back-office page.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the login page.
    SignIn,
    Forbidden(String),
    NotFound,
    BadRequest(String),
    /// A query string the page cannot read (`?desde=ayer`): a link typed or edited by hand.
    BadQuery,
    /// A form that arrived without its fields or with the wrong kind of value: not one of our forms,
    /// or an old copy of one.
    BadForm,
    /// No database connection in time: try again shortly.
    Busy,
    Internal,
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => PageError::NotFound,
            StoreError::Conflict(what) => {
                tracing::info!(conflict = %what, "conflict shown on a page");
                PageError::BadRequest("Ya existe un registro con esos datos.".into())
            }
            busy if busy.is_overloaded() => {
                tracing::warn!("no database connection in time: answering 503");
                PageError::Busy
            }
            other => {
                tracing::error!(error = %other, "store error");
                PageError::Internal
            }
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        tracing::error!(error = %e, "template error");
        PageError::Internal
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            PageError::SignIn => return Redirect::to("/login").into_response(),
            PageError::Forbidden(m) => (StatusCode::FORBIDDEN, m),
            PageError::NotFound => (
                StatusCode::NOT_FOUND,
                crate::pages::NOT_FOUND.to_string(),
            ),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            PageError::BadQuery => (
                StatusCode::BAD_REQUEST,
                "La dirección trae un filtro o un número de página que no entendemos. Vuelva a la lista y filtre desde el formulario."
                    .to_string(),
            ),
            PageError::BadForm => (
                StatusCode::BAD_REQUEST,
                "El formulario llegó incompleto o con datos que no entendemos. Recargue la página e intente de nuevo."
                    .to_string(),
            ),
            PageError::Busy => {
                let mut response = crate::pages::error_page_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "El sistema está muy ocupado en este momento. Intente de nuevo en unos segundos.",
                );
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_static(RETRY_AFTER_SECONDS),
                );
                return response;
            }
            PageError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Ocurrió un error interno; quedó registrado.".to_string(),
            ),
        };
        crate::pages::error_page_response(status, &message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::{ConnAcquireErr, DbErr};

    fn pool_timed_out() -> StoreError {
        StoreError::Db(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
    }

    #[test]
    fn an_overloaded_database_answers_503_with_retry_after_never_500() {
        let response = ApiError::from(pool_timed_out()).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let page = PageError::from(pool_timed_out()).into_response();
        assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(page.headers()[header::RETRY_AFTER], "1");
    }

    /// Seen under load: a payment that outlived the request timeout got a bare 503, and the client had
    /// no way to know when to retry.
    #[tokio::test]
    async fn a_request_that_times_out_is_told_when_to_retry() {
        use tower::ServiceExt;
        let slow = axum::Router::new()
            .route(
                "/slow",
                axum::routing::get(|| async {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    "late"
                }),
            )
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                std::time::Duration::from_secs(1),
            ))
            .layer(axum::middleware::map_response(
                busy_answers_say_when_to_retry,
            ));
        let response = slow
            .oneshot(
                axum::http::Request::get("/slow")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "1");
    }
}
