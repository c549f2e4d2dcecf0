//! An answer given before the request's body was read ends the connection, and says so.
//!
//! A 413 for a body over the limit, a 401 or 403 from a gate, a CSRF refusal: each answers without
//! reading (all of) what the client is still sending. hyper cannot then find where the next request
//! starts, so it closes the connection — without telling the client, whose next request on that
//! keep-alive connection was dropped. `Connection: close` on such an answer makes hyper close cleanly
//! after it, and tells the client to open a new connection for its next request.

use crate::error::problem_response;
use crate::pages::error_page_response;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// Middleware: a body announced (by `Content-Length`) over the limit is refused before any of it is
/// read, rather than after a megabyte of it; `Connection: close` follows from
/// [`close_when_body_left_unread`].
pub async fn refuse_announced_oversize(
    State(limit): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match announced {
        Some(length) if length > limit as u64 => {
            let status = StatusCode::PAYLOAD_TOO_LARGE;
            if request.uri().path().starts_with("/v1") {
                let detail = format!("the body is {length} bytes; the most accepted is {limit}");
                problem_response(status, "body-too-large", Some(detail))
            } else {
                error_page_response(status, "El formulario es demasiado grande.")
            }
        }
        _ => next.run(request).await,
    }
}

/// Middleware: watches the request body and closes the connection after an answer that left it unread.
pub async fn close_when_body_left_unread(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        // Nothing to read (no body, or an empty one): keep-alive is safe whatever the handler does.
        return next.run(Request::from_parts(parts, body)).await;
    }
    let finished = Arc::new(AtomicBool::new(false));
    let watched = Watched {
        inner: body,
        finished: finished.clone(),
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::new(watched)))
        .await;
    if !finished.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A request body that notes when it has been read to its end.
struct Watched {
    inner: Body,
    finished: Arc<AtomicBool>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    use tower::ServiceExt;

    fn app() -> Router {
        Router::new()
            .route(
                "/read",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .route("/ignore", post(|| async { StatusCode::UNAUTHORIZED }))
            .layer(DefaultBodyLimit::max(8))
            .layer(axum::middleware::from_fn(close_when_body_left_unread))
    }

    async fn connection_header(path: &str, body: &'static str) -> (StatusCode, Option<String>) {
        let response = app()
            .oneshot(Request::post(path).body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let connection = response
            .headers()
            .get(header::CONNECTION)
            .map(|v| v.to_str().unwrap().to_string());
        (response.status(), connection)
    }

    #[tokio::test]
    async fn an_answer_that_read_the_whole_body_keeps_the_connection() {
        assert_eq!(
            connection_header("/read", "1234").await,
            (StatusCode::OK, None)
        );
        assert_eq!(
            connection_header("/ignore", "").await,
            (StatusCode::UNAUTHORIZED, None)
        );
    }

    #[tokio::test]
    async fn an_answer_before_the_body_was_read_closes_the_connection() {
        // Read in part: the limit is passed in the first of two chunks.
        let chunks = ["far more than eight bytes", "and more"].map(Ok::<_, std::io::Error>);
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        let response = app()
            .oneshot(Request::post("/read").body(body).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(response.headers()[header::CONNECTION], "close");
        assert_eq!(
            connection_header("/ignore", "a body nobody reads").await,
            (StatusCode::UNAUTHORIZED, Some("close".into()))
        );
    }
}
