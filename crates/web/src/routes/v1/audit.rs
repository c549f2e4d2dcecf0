//! `/v1/audit`: the caller's tenant's audit log (admin and manager keys).

use super::{ApiJson, Page};
use crate::auth::ApiCaller;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use credinet_core::ids::AuditEntryId;
use credinet_store::repo::audit::{self, AuditEntry};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct Paging {
    /// Entries with an id below this one (the `id` of the last entry of the previous page).
    pub before: Option<i64>,
    /// At most 500; default 100.
    pub limit: Option<u64>,
}

fn reader(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role().can_read_audit(), "read the audit log")
}

pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(paging): Query<Paging>,
) -> Result<ApiJson<Page<AuditEntry>>, ApiError> {
    reader(&caller)?;
    let limit = paging.limit.unwrap_or(100).clamp(1, 500);
    let items = audit::list(
        state.store().db(),
        caller.tenant.id,
        paging.before.map(AuditEntryId::new),
        limit,
    )
    .await?;
    Ok(ApiJson(Page { items }))
}

pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<ApiJson<AuditEntry>, ApiError> {
    reader(&caller)?;
    let entry = audit::get(state.store().db(), caller.tenant.id, AuditEntryId::new(id))
        .await?
        .ok_or_else(|| ApiError::not_found("audit entry"))?;
    Ok(ApiJson(entry))
}
