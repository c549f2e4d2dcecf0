//! `/auditoria`: the tenant's audit log as people read it (admins and managers): newest first, each
//! action and object named in Spanish, the object linked to its page, the before/after as the fields
//! that changed; filters by who, action, object and date; pages both ways with «página X de Y»; and the
//! same selection as a spreadsheet ([`export`]).

pub mod diff;
pub mod export;
pub mod labels;

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::lending::{Pager, last_page, urlencode};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{Days, NaiveDate, NaiveTime};
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_store::repo::audit::{self, AuditEntry, AuditFilter};
use diff::Change;
use serde::Deserialize;

const PER_PAGE: u64 = 50;

pub struct Row {
    pub seq: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    /// The object as named in Spanish, with its id.
    pub entity: String,
    pub href: Option<String>,
    pub ip: String,
    pub changes: Vec<Change>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    total: u64,
    pages: Pager,
    /// The filters as chosen, to show them again and carry them in the links.
    chosen: Chosen,
    query: String,
    actors: Vec<String>,
    actions: &'static [(&'static str, &'static str)],
    entities: &'static [(&'static str, &'static str)],
}

/// The filters as the form sends them; an empty field is no filter.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    quien: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    accion: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    objeto: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    id: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    desde: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    hasta: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
    /// `raw` on the export: the stored keys and UTC instants, for programs.
    #[serde(default, deserialize_with = "blank_is_none")]
    format: Option<String>,
}

/// The filters as the form shows them again.
#[derive(Default)]
pub struct Chosen {
    pub quien: String,
    pub accion: String,
    pub objeto: String,
    pub id: String,
    pub desde: String,
    pub hasta: String,
}

impl AuditQuery {
    /// The filter of the store: the dates are the tenant's local days, `hasta` included.
    fn filter(&self, staff: &Staff) -> AuditFilter {
        let zone = &staff.tenant.zone;
        let start = |d: NaiveDate| zone.resolve(d.and_time(NaiveTime::MIN));
        AuditFilter {
            actor: self.quien.clone(),
            action: self.accion.clone(),
            entity: self.objeto.clone(),
            entity_id: self.id.clone(),
            from: self.desde.map(start),
            until: self
                .hasta
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .map(start),
            before: None,
        }
    }

    fn chosen(&self) -> Chosen {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let date = |v: &Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
        Chosen {
            quien: text(&self.quien),
            accion: text(&self.accion),
            objeto: text(&self.objeto),
            id: text(&self.id),
            desde: date(&self.desde),
            hasta: date(&self.hasta),
        }
    }
}

impl Chosen {
    /// The filters as a query string, for the pager's links and the export.
    fn query(&self) -> String {
        [
            ("quien", &self.quien),
            ("accion", &self.accion),
            ("objeto", &self.objeto),
            ("id", &self.id),
            ("desde", &self.desde),
            ("hasta", &self.hasta),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

fn row(staff: &Staff, e: AuditEntry) -> Row {
    let entity = match &e.entity_id {
        Some(id) => format!("{} {id}", labels::entity(&e.entity)),
        None => labels::entity(&e.entity),
    };
    Row {
        seq: e.seq.map(|s| s.to_string()).unwrap_or_default(),
        at: local(staff, e.at),
        href: e
            .entity_id
            .as_deref()
            .and_then(|id| labels::entity_href(&e.entity, id)),
        changes: diff::changes(e.before.as_deref(), e.after.as_deref(), &staff.tenant.zone),
        actor: e.actor_label,
        action: labels::action(&e.action),
        entity,
        ip: e.ip.unwrap_or_default(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<AuditQuery>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_read_audit(),
        "consultar la bitácora de auditoría",
    )?;
    let db = state.store().db();
    let filter = q.filter(&staff);
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let offset = |n: u64| (n - 1) * PER_PAGE;
    let (mut entries, total) =
        audit::search(db, staff.tenant.id, &filter, offset(asked), PER_PAGE).await?;
    let last = last_page(total, PER_PAGE);
    let current = if asked > last {
        entries = audit::search(db, staff.tenant.id, &filter, offset(last), PER_PAGE)
            .await?
            .0;
        last
    } else {
        asked
    };
    let chosen = q.chosen();
    let query = chosen.query();
    let href = if query.is_empty() {
        "/auditoria?p=".to_string()
    } else {
        format!("/auditoria?{query}&p=")
    };
    render(&AuditPage {
        chrome: Chrome::new(&staff, "/auditoria"),
        rows: entries.into_iter().map(|e| row(&staff, e)).collect(),
        total,
        pages: Pager::new(href, total, PER_PAGE, current).asked(asked),
        actors: audit::actors(db, staff.tenant.id).await?,
        actions: labels::ACTIONS,
        entities: labels::ENTITIES,
        chosen,
        query,
    })
}
