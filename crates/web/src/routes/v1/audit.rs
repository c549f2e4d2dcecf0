//! `/v1/audit`: the caller's tenant's audit log (admin and manager keys).

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use credinet_core::ids::AuditEntryId;
use credinet_store::repo::audit::{self, AuditEntry};
use serde::{Deserialize, Serialize};

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditFilter {
    /// Only entries with an id below this one: pages that stay put while new entries arrive (pass the
    /// `id` of the newest entry of the first page).
    #[param(value_type = Option<i64>)]
    pub before: Option<AuditEntryId>,
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

fn reader(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_read_audit(), "read the audit log")
}

#[utoipa::path(get, path = "/v1/audit", tag = "audit", security(("api_key" = [])), params(AuditFilter, PageQuery),
    responses((status = 200, body = Paged<AuditEntryView>, description = "Newest first"),
        (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(filter): ApiQuery<AuditFilter>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<AuditEntryView>>, ApiError> {
    reader(&caller)?;
    let request = paging.request()?;
    let filter = audit::AuditFilter {
        before: filter.before,
        ..audit::AuditFilter::default()
    };
    let (entries, total) = audit::search(
        state.store().db(),
        caller.tenant.id,
        &filter,
        request.offset,
        request.limit,
    )
    .await?;
    Ok(ApiJson(Paged {
        items: entries.into_iter().map(AuditEntryView::from).collect(),
        total,
        offset: request.offset,
        limit: request.limit,
    }))
}

#[utoipa::path(get, path = "/v1/audit/{id}", tag = "audit", security(("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = AuditEntryView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<AuditEntryId>,
) -> Result<ApiJson<AuditEntryView>, ApiError> {
    reader(&caller)?;
    let entry = audit::get(state.store().db(), caller.tenant.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("audit entry"))?;
    Ok(ApiJson(entry.into()))
}
