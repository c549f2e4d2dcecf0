//! Builds the whole application from an open store and its settings; used by `credinet serve` and by the
//! tests alike.

use crate::auth::csrf::LoginCsrf;
use crate::monitoring::Observer;
use crate::pages::backups::Backups;
use crate::routes;
use crate::routes::table::RouteEntry;
use crate::serving::ConnectionLimits;
use crate::settings::HttpSettings;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use credinet_accounts::AccountSettings;
use credinet_accounts::token;
use credinet_assistant::AssistantSettings;
use credinet_ops::Registry;
use credinet_store::repo::server_secrets;
use credinet_store::{Store, StoreError};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    store: Store,
    limits: ConnectionLimits,
    routes: Vec<RouteEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot read or store the server's secret: {0}")]
    Secret(#[from] StoreError),
}

impl Application {
    /// Binds the address and builds the routes over an open store (see [`Store::open`]). From here on
    /// the store seals audit entries in the background. `jobs` are the scheduler's jobs of this
    /// configuration (`credinet_ops::jobs::standard`), shown and run by hand on the jobs page; `backups`
    /// the database and backup directory the backups page works on (`None`: no backups page).
    pub async fn build(
        store: Store,
        http: HttpSettings,
        accounts: AccountSettings,
        assistant: AssistantSettings,
        jobs: Registry,
        backups: Option<Backups>,
    ) -> Result<Application, StartError> {
        let listener = TcpListener::bind(http.bind)
            .await
            .map_err(|source| StartError::Listen {
                addr: http.bind,
                source,
            })?;
        if let Some(open_files) = crate::serving::fd_limit::raise() {
            // Each connection holds a descriptor; leave room for the database pool, files and logs.
            let room = usize::try_from(open_files).unwrap_or(usize::MAX);
            if http.max_connections.saturating_add(256) > room {
                tracing::warn!(
                    open_files,
                    max_connections = http.max_connections,
                    "max_connections is close to the open files limit: raise the hard limit (LimitNOFILE)"
                );
            }
        }
        store.seal_in_background();
        crate::wal::spawn_checkpointer(store.clone()).await;
        crate::key_listener::spawn(store.clone()).await;
        let login_csrf = LoginCsrf::new(&login_secret(&store, &http).await?);
        let state = AppState::new(
            store.clone(),
            http,
            accounts,
            assistant,
            login_csrf,
            jobs,
            backups,
        );
        let (router, routes) = routes::router(state.clone());
        let router = with_layers(router, state.http(), state.observer().clone());
        Ok(Application {
            listener,
            router,
            store,
            limits: state.http().connection_limits(),
            routes,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Every method and path template served, sorted by path.
    pub fn routes(&self) -> &[RouteEntry] {
        &self.routes
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        crate::serving::serve(self.listener, self.router, self.limits, shutdown).await
    }
}

/// The secret that signs the login form's cookie: the configured one, or the installation's, generated
/// once and kept in the database so that every server signs alike (ADR 13).
async fn login_secret(store: &Store, http: &HttpSettings) -> Result<String, StoreError> {
    if let Some(key) = &http.secret_key {
        return Ok(key.expose().to_string());
    }
    let secret =
        server_secrets::get_or_create(store.db(), "login_csrf", token::random_token, store.now())
            .await?;
    Ok(secret.into_inner())
}

fn with_layers(router: Router, config: &HttpSettings, observer: Observer) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let router =
        crate::guard::with_panics_caught(router).layer(axum::middleware::from_fn_with_state(
            config.body_limit_bytes,
            crate::serving::unread_body::refuse_announced_oversize,
        ));
    let router = crate::guard::with_security_headers(router)
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(axum::middleware::from_fn(
            crate::serving::unread_body::close_when_body_left_unread,
        ))
        // A backup download is gzip already: compressing it again costs a core and drops its length.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("application/gzip")),
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_seconds),
        ))
        .layer(axum::middleware::map_response(
            crate::error::busy_answers_say_when_to_retry,
        ));
    // Outside the panic guard and the timeout, so it sees every answer as the client does; inside the
    // request id, so it can name the request.
    crate::monitoring::observed(router, observer)
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, SequentialIds::default()))
}

/// Request ids: a per-process random prefix and a counter, unique enough to follow one request in logs.
#[derive(Clone)]
struct SequentialIds {
    prefix: u32,
    next: std::sync::Arc<AtomicU64>,
}

impl Default for SequentialIds {
    fn default() -> Self {
        SequentialIds {
            prefix: rand::random(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for SequentialIds {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}-{n}", self.prefix)
            .parse()
            .ok()
            .map(RequestId::new)
    }
}
