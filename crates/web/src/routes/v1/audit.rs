//! `/v1/audit`: the caller's tenant's audit log (admin and manager keys).

use super::{ApiJson, Page};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use credinet_core::ids::AuditEntryId;
use credinet_store::repo::audit::{self, AuditEntry};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct Paging {
    /// Entries with an id below this one (the `id` of the last entry of the previous page).
    pub before: Option<i64>,
    /// At most 500; default 100.
    pub limit: Option<u64>,
}

/// One audit entry. `seq` and `hash` are empty until the entry is sealed into the tenant's chain.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AuditEntryView {
    pub id: i64,
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// JSON of the state before the change, when it changed money or configuration.
    pub before: Option<String>,
    pub after: Option<String>,
    pub hash: Option<String>,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            id: e.id.get(),
            seq: e.seq,
            at: e.at,
            actor_kind: e.actor_kind,
            actor_label: e.actor_label,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            ip: e.ip,
            user_agent: e.user_agent,
            before: e.before,
            after: e.after,
            hash: e.hash,
        }
    }
}

/// A page of audit entries, newest first.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct AuditList {
    pub items: Vec<AuditEntryView>,
}

fn reader(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role().can_read_audit(), "read the audit log")
}

#[utoipa::path(get, path = "/v1/audit", tag = "audit", security(("api_key" = [])), params(Paging),
    responses((status = 200, body = AuditList), (status = 403, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(paging): Query<Paging>,
) -> Result<ApiJson<Page<AuditEntryView>>, ApiError> {
    reader(&caller)?;
    let limit = paging.limit.unwrap_or(100).clamp(1, 500);
    let entries = audit::list(
        state.store().db(),
        caller.tenant.id,
        paging.before.map(AuditEntryId::new),
        limit,
    )
    .await?;
    Ok(ApiJson(Page {
        items: entries.into_iter().map(AuditEntryView::from).collect(),
    }))
}

#[utoipa::path(get, path = "/v1/audit/{id}", tag = "audit", security(("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AuditEntryView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<ApiJson<AuditEntryView>, ApiError> {
    reader(&caller)?;
    let entry = audit::get(state.store().db(), caller.tenant.id, AuditEntryId::new(id))
        .await?
        .ok_or_else(|| ApiError::not_found("audit entry"))?;
    Ok(ApiJson(entry.into()))
}
