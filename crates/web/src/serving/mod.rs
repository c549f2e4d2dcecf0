//! Serving connections, with the bounds `axum::serve` lacks (ADR 13).
//!
//! `axum::serve` has no header-read or idle timeout and no connection limit: a half-sent request line
//! stayed open for minutes, and 1,100 idle sockets used up a 1,024 descriptor limit, after which
//! `/healthz` hung. Here:
//!
//! - hyper's header-read timer closes a connection that has not sent a whole request head in
//!   `header_read_timeout_seconds`. hyper starts that timer whenever the connection waits for a head:
//!   right after it is accepted, and after each answer on a keep-alive connection — so the same bound is
//!   the idle keep-alive timeout (so its default is longer than a reverse proxy's upstream keep-alive:
//!   ADR 13).
//! - at most `max_connections` are served at once: past that, new connections wait in the kernel's
//!   accept queue (which costs this process no descriptor) until a served one ends.
//! - the soft limit on open files is raised to the hard one at start ([`fd_limit`]).
//!
//! HTTP/1.1 only: the version sniffing of hyper's auto builder waits for a first byte with no timeout,
//! so a silent socket would never be closed; browsers never speak h2c and the reverse proxy of `deploy/`
//! speaks HTTP/1.1 to us.

pub mod fd_limit;
pub mod unread_body;

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// The bounds on connections (from [`crate::HttpSettings`]).
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_read_timeout: Duration,
    pub max_connections: usize,
}

/// Accepts and serves connections until `shutdown` completes, then lets the requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    wait_after_accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = router
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(remote));
                request
            });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // A client that went away or was too slow with its request head: routine.
                tracing::debug!(peer = %remote, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A connection reset before it was accepted is the client's business; anything else (out of
/// descriptors, above all) is worth a log line and a pause, or the loop would spin on it.
async fn wait_after_accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accepting a connection failed; trying again in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
