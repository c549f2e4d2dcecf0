//! `/auditoria`: the tenant's audit log, newest first (admins and managers).

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use credinet_core::ids::AuditEntryId;
use credinet_store::repo::audit;
use serde::Deserialize;

const PAGE: u64 = 100;

pub struct Row {
    pub seq: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub ip: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    older: Option<i64>,
}

#[derive(Deserialize, Default)]
pub struct Paging {
    #[serde(default, deserialize_with = "blank_is_none")]
    antes: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<Paging>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_read_audit(),
        "consultar la bitácora de auditoría",
    )?;
    let entries = audit::list(
        state.store().db(),
        staff.tenant.id,
        q.antes.map(AuditEntryId::new),
        PAGE,
    )
    .await?;
    let older = (entries.len() as u64 == PAGE)
        .then(|| entries.last().map(|e| e.id.get()))
        .flatten();
    let rows = entries
        .into_iter()
        .map(|e| Row {
            seq: e.seq.map(|s| s.to_string()).unwrap_or_default(),
            at: local(&staff, e.at),
            actor: e.actor_label,
            action: e.action,
            entity: match e.entity_id {
                Some(id) => format!("{} {}", e.entity, id),
                None => e.entity,
            },
            ip: e.ip.unwrap_or_default(),
            before: e.before.unwrap_or_default(),
            after: e.after.unwrap_or_default(),
        })
        .collect();
    render(&AuditPage {
        chrome: Chrome::new(&staff, "/auditoria"),
        rows,
        older,
    })
}
