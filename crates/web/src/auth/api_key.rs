//! API keys for `/v1`: `Authorization: Bearer cn_…`. A key belongs to one tenant and carries a role.

use super::caller::{Caller, Edge};
use crate::error::ApiError;
use crate::origin::origin_of;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use credinet_accounts::Accounts;
use credinet_core::role::Role;
use credinet_store::repo::api_keys::ApiKey;
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
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
    match authenticate(&state, bearer, origin).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
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
