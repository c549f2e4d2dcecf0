//! The client's address and user agent, for the audit log.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, header};
use credinet_store::repo::audit::Origin;
use std::convert::Infallible;
use std::net::SocketAddr;

/// Extracts [`Origin`] for handlers without a caller (the login form); the gates put it in the caller.
pub struct ClientOrigin(pub Origin);

impl FromRequestParts<AppState> for ClientOrigin {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientOrigin(origin_of(
            &parts.headers,
            &parts.extensions,
            state.http().trust_proxy,
        )))
    }
}

/// The peer address, or the first `X-Forwarded-For` hop when `trust_proxy` is set, and the user agent.
pub fn origin_of(headers: &HeaderMap, extensions: &Extensions, trust_proxy: bool) -> Origin {
    let forwarded = trust_proxy
        .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_string());
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Origin {
        ip: forwarded.or(peer),
        user_agent,
    }
}
