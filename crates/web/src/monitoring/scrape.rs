//! `GET /metrics`: who may read it, and the answer.
//!
//! With `metrics_token` set, a scrape must carry `Authorization: Bearer <token>` (Prometheus's
//! `authorization` block); without it, only a client on this host (a loopback address, the forwarded
//! one behind a trusted proxy) may read it. The figures name tenants and their portfolio sizes: never
//! open to the Internet by default (ADR 20).

use super::metrics::render;
use crate::error::problem_response;
use crate::origin::origin_of;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn metrics(State(state): State<AppState>, request: Request) -> Response {
    if let Some(refused) = refusal(&state, &request) {
        return refused;
    }
    match render(state.store(), state.observer().http_metrics()).await {
        Ok(text) => (
            [(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE))],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the figures for /metrics failed");
            problem_response(
                StatusCode::SERVICE_UNAVAILABLE,
                "metrics-unavailable",
                Some("the database did not answer; try again".into()),
            )
        }
    }
}

/// The answer to a client that may not read the metrics; `None` admits it.
fn refusal(state: &AppState, request: &Request) -> Option<Response> {
    match &state.http().metrics_token {
        Some(token) => {
            let given = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim);
            // Compared as digests, so the comparison's time says nothing about the token.
            let digest = |s: &str| Sha256::digest(s.as_bytes());
            if given.is_some_and(|g| digest(g) == digest(token.expose())) {
                None
            } else {
                let mut refused = problem_response(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    Some("a bearer token (metrics_token) is required".into()),
                );
                refused
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                Some(refused)
            }
        }
        None => {
            let origin = origin_of(
                request.headers(),
                request.extensions(),
                state.http().trust_proxy,
            );
            let local = origin
                .ip
                .as_deref()
                .and_then(|ip| ip.parse::<IpAddr>().ok())
                .is_some_and(|ip| ip.is_loopback());
            if local {
                None
            } else {
                Some(problem_response(
                    StatusCode::FORBIDDEN,
                    "forbidden",
                    Some("metrics are served to this host only unless metrics_token is set".into()),
                ))
            }
        }
    }
}
