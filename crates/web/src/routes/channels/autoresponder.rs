//! `POST /v1/channels/autoresponder/{tenant}`: the AutoResponder for WhatsApp app's "Connect your own
//! server" rule. 200 `{"replies":[…]}` for every accepted request (empty: no reply), 401 for a missing
//! or wrong token (or signature, when the tenant requires one), 400 with a problem body for a body that
//! is not the app's JSON.

use crate::error::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use credinet_assistant::channels::autoresponder::{self, Answer, Presented};
use credinet_assistant::channels::signature;

pub async fn receive(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refused = || {
        ApiError::unauthorized("the assistant token (or signature) is missing or wrong")
            .into_response()
    };
    let store = state.store();
    // Both from this process's short-lived copies (ADR 31): every message reads them.
    let found = match store.tenant_by_slug(tenant.trim()).await {
        Ok(found) => found,
        Err(e) => return failed(&e),
    };
    let Some(tenant) = found else {
        return refused();
    };
    let config = match store.assistant_channel(tenant.id).await {
        Ok(Some(config)) => config,
        Ok(None) => return refused(),
        Err(e) => return failed(&e),
    };
    let Some(digest) = config.autoresponder_token_digest.as_deref() else {
        return refused();
    };
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let presented = Presented {
        authorization: text(header::AUTHORIZATION.as_str()),
        custom_header: config.autoresponder_header.as_deref().and_then(text),
    };
    if !presented.carries_digest(digest) {
        tracing::info!(tenant = %tenant.id, "autoresponder request refused: token");
        return refused();
    }
    if let Some(secret) = config.autoresponder_hmac_secret.as_deref() {
        let signed = text("x-hub-signature-256")
            .is_some_and(|sig| signature::sha256_signature_matches(secret.as_bytes(), &body, sig));
        if !signed {
            tracing::info!(tenant = %tenant.id, "autoresponder request refused: signature");
            return refused();
        }
    }
    let inbound = match autoresponder::parse(&body) {
        Ok(inbound) => inbound,
        Err(e) => {
            tracing::info!(tenant = %tenant.id, error = %e, "autoresponder request refused: body");
            return ApiError::bad_request(e.to_string()).into_response();
        }
    };
    match state
        .assistant()
        .handle(&tenant, config.group_replies, &inbound)
        .await
    {
        Ok(handled) => {
            Json(Answer::new(handled.replies.into_iter().map(|r| r.text))).into_response()
        }
        Err(e) => {
            tracing::error!(tenant = %tenant.id, error = %e, "autoresponder message not handled");
            Json(Answer::new([])).into_response()
        }
    }
}

/// The store failed before the message was read: the app gets its "no reply" answer (it shows nothing
/// and the person may write again), the log says why.
fn failed(e: &credinet_store::StoreError) -> Response {
    tracing::error!(error = %e, "autoresponder request not handled");
    Json(Answer::new([])).into_response()
}
