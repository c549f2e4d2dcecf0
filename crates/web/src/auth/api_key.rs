//! API keys for `/v1`: `Authorization: Bearer cn_…`. A key belongs to one tenant and carries a role.

use super::caller::{Caller, Edge};
use crate::error::{ApiError, problem_response};
use crate::monitoring::CallerTenant;
use crate::origin::origin_of;
use crate::state::AppState;
use crate::throttle::RetryAfter;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use credinet_accounts::Accounts;
use credinet_core::role::Role;
use credinet_store::repo::api_keys::ApiKey;
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use std::net::IpAddr;
use std::sync::Arc;

/// The integration calling `/v1`.
pub type ApiCaller = Caller<ApiKey>;

/// An integration gets in with a live API key of its tenant.
impl Edge for ApiKey {
    type Error = ApiError;

    fn missing() -> ApiError {
        ApiError::unauthorized("an API key is required")
    }

    fn refused(role: Role, what: &str) -> ApiError {
        ApiError::forbidden(format!("an API key with role '{role}' cannot {what}"))
    }
}

/// Middleware: admits requests with a live key and records which key called.
pub async fn gate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|v| v.trim().to_string());
    let origin = origin_of(
        request.headers(),
        request.extensions(),
        state.http().trust_proxy,
    );
    let ip = origin
        .ip
        .as_deref()
        .and_then(|ip| ip.parse::<IpAddr>().ok());
    match authenticate(&state, bearer, origin).await {
        Ok(caller) => {
            if let Some(slot) = request.extensions().get::<CallerTenant>() {
                slot.admit(caller.tenant.id, caller.tenant.slug.as_str());
            }
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(refused) if refused.status == StatusCode::UNAUTHORIZED => {
            match state.throttles().refused_key(ip) {
                Ok(()) => refused.into_response(),
                Err(wait) => too_many_refusals(wait),
            }
        }
        Err(e) => e.into_response(),
    }
}

/// An address that keeps sending bad keys is told to wait (ADR 13); valid keys are never throttled.
fn too_many_refusals(wait: RetryAfter) -> Response {
    let seconds = wait.seconds();
    let detail = format!(
        "too many requests with a missing, unknown or revoked API key from this address; retry after {seconds} s"
    );
    let mut response = problem_response(
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-requests",
        Some(detail),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    response
}

async fn authenticate(
    state: &AppState,
    bearer: Option<String>,
    origin: Origin,
) -> Result<ApiCaller, ApiError> {
    let given = bearer.ok_or_else(|| {
        ApiError::unauthorized("send the API key as 'Authorization: Bearer cn_…'")
    })?;
    let (tenant, key) = Accounts::new(state.store())
        .key_holder(&given)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the API key is unknown or revoked"))?;
    let requester = Requester {
        actor: Actor {
            kind: ActorKind::ApiKey,
            id: Some(key.id.get()),
            label: format!("api:{}", key.name),
        },
        origin,
    };
    Ok(Caller::new(Arc::new(tenant), key.role, key, requester))
}
