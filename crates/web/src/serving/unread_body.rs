//! An answer given before the request's body was read ends the connection, and says so.
//!
//! A 413 for a body over the limit, a 401 or 403 from a gate, a CSRF refusal: each answers without
//! reading (all of) what the client is still sending. hyper cannot then find where the next request
//! starts, so it closes the connection — without telling the client, whose next request on that
//! keep-alive connection was dropped. `Connection: close` on such an answer makes hyper close cleanly
//! after it, and tells the client to open a new connection for its next request.
//!
//! Closing is not enough on its own: a socket closed while the client's bytes still sit unread in it
//! is reset, and a reset can reach the client before it has read the answer — it sees a dropped
//! connection instead of the 413. So the rest of an unread body is read and thrown away before the
//! answer goes out, as nginx's lingering close does, up to [`DRAIN_MOST_BYTES`] and
//! [`DRAIN_MOST_TIME`]; a client sending more than that is cut off.

use crate::error::problem_response;
use crate::pages::error_page_response;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// The most of an unread body read and thrown away so that the answer reaches the client.
pub const DRAIN_MOST_BYTES: u64 = 16 * 1024 * 1024;
/// The longest spent reading an unread body before answering.
pub const DRAIN_MOST_TIME: Duration = Duration::from_secs(5);

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

/// Middleware: watches the request body; after an answer that left it unread, reads the rest away
/// (within bounds) and closes the connection.
pub async fn close_when_body_left_unread(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if body.is_end_stream() {
        // Nothing to read (no body, or an empty one): keep-alive is safe whatever the handler does.
        return next.run(Request::from_parts(parts, body)).await;
    }
    let finished = Arc::new(AtomicBool::new(false));
    let left = Arc::new(Mutex::new(None));
    let watched = Watched {
        inner: Some(body),
        finished: finished.clone(),
        left: left.clone(),
    };
    let mut response = next
        .run(Request::from_parts(parts, Body::new(watched)))
        .await;
    if !finished.load(Ordering::Acquire) {
        let unread = left.lock().map(|mut slot| slot.take()).unwrap_or(None);
        if let Some(unread) = unread {
            drain(unread).await;
        }
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// Reads what is left of a body and throws it away, within [`DRAIN_MOST_BYTES`] and
/// [`DRAIN_MOST_TIME`]; a read error (the client gave up) ends it too.
async fn drain(mut body: Body) {
    let read_away = async {
        let mut read = 0u64;
        while let Some(Ok(frame)) =
            std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await
        {
            read += frame.data_ref().map_or(0, |data| data.len() as u64);
            if read > DRAIN_MOST_BYTES {
                break;
            }
        }
    };
    // A body still arriving after the time is given up on; the connection closes either way.
    let _ = tokio::time::timeout(DRAIN_MOST_TIME, read_away).await;
}

/// A request body that notes when it has been read to its end, and that gives what is left of itself
/// back to the middleware when a handler drops it unread.
struct Watched {
    inner: Option<Body>,
    finished: Arc<AtomicBool>,
    left: Arc<Mutex<Option<Body>>>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(&mut *inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || inner.is_end_stream() {
            self.finished.store(true, Ordering::Release);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map(HttpBody::size_hint)
            .unwrap_or_else(|| SizeHint::with_exact(0))
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if self.finished.load(Ordering::Acquire) {
            return;
        }
        if let (Some(unread), Ok(mut slot)) = (self.inner.take(), self.left.lock()) {
            *slot = Some(unread);
        }
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

    /// Serves [`app`] on a loopback socket, with the announced-size check at `announced_limit`.
    async fn serve_on_loopback(announced_limit: usize) -> std::net::SocketAddr {
        let router = Router::new()
            .route(
                "/read",
                post(|body: Bytes| async move { body.len().to_string() }),
            )
            .route("/ignore", post(|| async { StatusCode::UNAUTHORIZED }))
            .layer(DefaultBodyLimit::max(8))
            .layer(axum::middleware::from_fn_with_state(
                announced_limit,
                refuse_announced_oversize,
            ))
            .layer(axum::middleware::from_fn(close_when_body_left_unread));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await });
        address
    }

    /// Over a real socket: a body far bigger than the socket buffers, answered unread, must not turn
    /// the answer into a reset connection (it did, now and then, before the rest was read away).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_big_body_answered_unread_still_gets_its_answer_over_a_socket() {
        let refused_by_length = serve_on_loopback(8).await;
        let read_in_part = serve_on_loopback(64 * 1024 * 1024).await;
        let client = reqwest::Client::new();
        let big = vec![b'x'; 4 * 1024 * 1024];
        let cases = [
            (refused_by_length, "/read", 413),
            (refused_by_length, "/ignore", 413),
            (read_in_part, "/read", 413),
            (read_in_part, "/ignore", 401),
        ];
        for attempt in 0..25 {
            for (address, path, expected) in cases {
                let answer = client
                    .post(format!("http://{address}{path}"))
                    .body(big.clone())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("attempt {attempt} on {path}: no answer: {e}"));
                assert_eq!(answer.status().as_u16(), expected, "{path}");
            }
        }
    }
}
