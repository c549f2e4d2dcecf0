//! `GET` and `POST /v1/channels/cloud-api`: WhatsApp Cloud API webhooks (SPEC §5). The handshake
//! echoes Meta's challenge when the verify token is a tenant's. A delivery is checked against the
//! `X-Hub-Signature-256` of its raw body with the app secret of each receiving number's tenant (401 if
//! any does not match, before anything is handled), then every message of the batch goes through the
//! pipeline in order (a redelivered message id is acknowledged, not answered again) and every status is
//! recorded on its reply. The answer is 200 at once; the replies, recorded `pending` with the message,
//! go out through the Graph API after it ([`crate::cloud_replies`]).

use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use credinet_assistant::channels::{cloud_api, signature};
use credinet_core::ids::TenantId;
use credinet_store::repo::assistant as transcript;
use credinet_store::repo::assistant_channels::{self, ChannelConfig};
use credinet_store::repo::tenants;
use std::collections::HashMap;

pub async fn handshake(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let q = |k: &str| query.get(k).map(String::as_str);
    let configs = match assistant_channels::with_verify_token(state.store().db()).await {
        Ok(configs) => configs,
        Err(e) => {
            tracing::error!(error = %e, "cloud api handshake not checked");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let challenge = configs.iter().find_map(|c| {
        cloud_api::handshake(
            q("hub.mode"),
            q("hub.verify_token"),
            q("hub.challenge"),
            c.cloud_verify_token.as_deref().unwrap_or_default(),
        )
    });
    match challenge {
        Some(challenge) => challenge.into_response(),
        None => ApiError::forbidden("the verify token is not one of this server's").into_response(),
    }
}

pub async fn receive(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let refused =
        || ApiError::unauthorized("X-Hub-Signature-256 is missing or wrong").into_response();
    // Checked per receiving number below: a delivery with nothing for a number of this server does
    // nothing, signed or not.
    let sig = headers
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let deliveries = match cloud_api::parse(&body) {
        Ok(deliveries) => deliveries,
        Err(e) => {
            tracing::info!(error = %e, "cloud api delivery refused: body");
            return ApiError::bad_request(e.to_string()).into_response();
        }
    };
    let store = state.store();
    // Every receiving number's tenant, and the signature under its app secret, before anything is done.
    let mut known: Vec<(cloud_api::Delivery, ChannelConfig)> = Vec::new();
    for delivery in deliveries {
        let config = match assistant_channels::by_cloud_number(
            store.db(),
            &delivery.phone_number_id,
        )
        .await
        {
            Ok(Some(config)) => config,
            Ok(None) => {
                tracing::warn!(
                    phone_number_id = %delivery.phone_number_id,
                    "cloud api delivery for a number no tenant has: ignored"
                );
                continue;
            }
            Err(e) => return unavailable(&e),
        };
        let secret = config.cloud_app_secret.as_deref().unwrap_or_default();
        if secret.is_empty() || !signature::sha256_signature_matches(secret.as_bytes(), &body, sig)
        {
            tracing::info!(
                tenant = config.tenant_id,
                "cloud api delivery refused: signature"
            );
            return refused();
        }
        known.push((delivery, config));
    }
    let mut replied = false;
    for (delivery, config) in known {
        let tenant_id = TenantId::new(config.tenant_id);
        let tenant = match tenants::by_id(store.db(), tenant_id).await {
            Ok(Some(tenant)) => tenant,
            Ok(None) => continue,
            Err(e) => return unavailable(&e),
        };
        for status in &delivery.statuses {
            if let Err(e) = transcript::set_delivery_status(
                store.db(),
                tenant_id,
                "cloud_api",
                &status.message_id,
                &status.status,
            )
            .await
            {
                return unavailable(&e);
            }
            if let Some(error) = &status.error {
                tracing::warn!(tenant = %tenant_id, %error, "a reply was not delivered");
            }
        }
        for message in &delivery.messages {
            let handled = match state
                .assistant()
                .handle(&tenant, config.group_replies, message)
                .await
            {
                Ok(handled) => handled,
                Err(e) => {
                    // Meta redelivers what is not acknowledged; a 503 lets it try this batch again,
                    // and what was handled already is recognised by its message id.
                    tracing::error!(tenant = %tenant_id, error = %e, "cloud api message not handled");
                    return StatusCode::SERVICE_UNAVAILABLE.into_response();
                }
            };
            replied |= !handled.replies.is_empty();
        }
    }
    // The replies are rows now (`pending`): the sender pushes them through the Graph API.
    if replied {
        state.replies().wake();
    }
    StatusCode::OK.into_response()
}

fn unavailable(e: &credinet_store::StoreError) -> Response {
    tracing::error!(error = %e, "cloud api delivery not handled");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}
