//! API keys for `/v1`: `Authorization: Bearer cn_…`. A key belongs to one tenant and carries a role.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use credinet_accounts::token;
use credinet_core::role::Role;
use credinet_store::repo::api_keys::ApiKey;
use credinet_store::repo::tenants::Tenant;
use std::sync::Arc;

/// The integration calling `/v1`.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    pub tenant: Arc<Tenant>,
    pub key: ApiKey,
}

impl ApiCaller {
    pub fn role(&self) -> Role {
        self.key.role
    }

    pub fn require(&self, allowed: bool, what: &str) -> Result<(), ApiError> {
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "an API key with role '{}' cannot {what}",
                self.key.role
            )))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<ApiCaller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthorized("an API key is required"))
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
    match authenticate(&state, bearer).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

async fn authenticate(state: &AppState, bearer: Option<String>) -> Result<ApiCaller, ApiError> {
    let given = bearer.ok_or_else(|| {
        ApiError::unauthorized("send the API key as 'Authorization: Bearer cn_…'")
    })?;
    let store = state.store();
    let key = store
        .live_api_key(&token::digest(&given))
        .await?
        .ok_or_else(|| ApiError::unauthorized("the API key is unknown or revoked"))?;
    let tenant = store
        .tenant(key.tenant_id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("the API key's tenant is gone"))?;
    store.api_key_used(&key, store.now()).await?;
    Ok(ApiCaller {
        tenant: Arc::new(tenant),
        key,
    })
}
