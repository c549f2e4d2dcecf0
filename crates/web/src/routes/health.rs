//! `/healthz` (the process answers) and `/readyz` (the database answers and its schema is current).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use credinet_store::migrations;
use serde_json::{Value, json};

pub async fn alive() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = state.store();
    if let Err(e) = store.ping().await {
        tracing::warn!(error = %e, "readiness: database unreachable");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "status": "unavailable", "database": "unreachable" })),
        );
    }
    match migrations::pending(store).await {
        Ok(pending) if pending.is_empty() => (
            StatusCode::OK,
            Json(json!({ "status": "ready", "database": "ok", "migrations": "current" })),
        ),
        Ok(pending) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({ "status": "unavailable", "database": "ok", "migrations": "pending", "pending": pending }),
            ),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: cannot read migrations");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": "error" })),
            )
        }
    }
}
