//! The layer around every route that watches the answers: each is timed for `/metrics`, and a 5xx
//! becomes an `error_500` event.

use super::error_events::{ErrorEvents, ServerError};
use super::metrics::HttpMetrics;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use credinet_core::ids::TenantId;
use credinet_store::Store;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Route template of a request no route matched (its raw path is never a label or in an event).
pub const UNMATCHED: &str = "unmatched";

/// `/readyz` answers 503 to report that the database is unreachable: that is its job, not a failure of
/// the service (`service_down`, from `credinet watch`, is what announces it).
const REPORTS_BY_STATUS: &[&str] = &["/readyz"];

/// Marks the panic guard's 500 (see `guard::with_panics_caught`).
#[derive(Debug, Clone, Copy)]
pub struct Panicked;

/// Who called, once a gate knows: the gates fill it in, the layer reads it after the answer (even when
/// the handler panicked, since the slot lives outside it).
#[derive(Debug, Clone, Default)]
pub struct CallerTenant(Arc<OnceLock<(TenantId, String)>>);

impl CallerTenant {
    /// Records the admitted caller's tenant (the first gate to know wins; there is only one per route).
    pub fn admit(&self, tenant: TenantId, slug: &str) {
        let _ = self.0.set((tenant, slug.to_string()));
    }
}

/// The method as a label: a client may send any token as a method, so only the standard ones are
/// named and the rest are `other` (labels stay a bounded set).
fn method_label(method: &Method) -> &'static str {
    [
        ("GET", Method::GET),
        ("HEAD", Method::HEAD),
        ("POST", Method::POST),
        ("PUT", Method::PUT),
        ("PATCH", Method::PATCH),
        ("DELETE", Method::DELETE),
        ("OPTIONS", Method::OPTIONS),
        ("CONNECT", Method::CONNECT),
        ("TRACE", Method::TRACE),
    ]
    .into_iter()
    .find(|(_, m)| m == method)
    .map_or("other", |(label, _)| label)
}

/// What the layer needs; cheap to clone.
#[derive(Clone, Debug)]
pub struct Observer {
    errors: ErrorEvents,
    http: HttpMetrics,
    store: Store,
}

impl Observer {
    pub fn new(store: Store) -> Observer {
        Observer {
            errors: ErrorEvents::spawn(store.clone()),
            http: HttpMetrics::default(),
            store,
        }
    }

    /// The request durations this process measured.
    pub fn http_metrics(&self) -> &HttpMetrics {
        &self.http
    }
}

/// Wraps every route of `router` (axum applies `layer` per route, so the matched template is known).
pub fn observed(router: Router, observer: Observer) -> Router {
    router.layer(middleware::from_fn_with_state(observer, observe))
}

async fn observe(State(observer): State<Observer>, mut request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED.to_string());
    let method = method_label(request.method()).to_string();
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        // The id may come from the client: bounded, so an event cannot be made to carry a payload.
        .map(|v| v.chars().take(64).collect::<String>())
        .unwrap_or_default();
    let caller = CallerTenant::default();
    request.extensions_mut().insert(caller.clone());

    let started = Instant::now();
    let response = next.run(request).await;

    let status = response.status();
    observer
        .http
        .observe(&method, &route, status.as_u16(), started.elapsed());
    if status.is_server_error() && !REPORTS_BY_STATUS.contains(&route.as_str()) {
        observer.errors.report(ServerError {
            method,
            route,
            status: status.as_u16(),
            request_id,
            panicked: response.extensions().get::<Panicked>().is_some(),
            tenant: caller.0.get().cloned(),
            at: observer.store.now(),
        });
    }
    response
}
