//! `/notificaciones`: the tenant's notification channels (a summary, never their secrets), routing
//! rules and outbox, with a test button per channel and a retry for dead letters. Admins only.
//! Channels and rules are added with `credinet notify` (README, Notifications).

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::notify::{channels, messages, rules};
use std::collections::HashMap;

/// Messages shown, newest first.
const OUTBOX_ROWS: u64 = 50;

pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    /// Where it sends, without any secret (a chat id, a host, an address).
    pub summary: String,
    pub enabled: bool,
}

pub struct RuleRow {
    pub event: String,
    pub channel: String,
}

pub struct MessageRow {
    pub id: i64,
    pub kind: String,
    pub channel: String,
    pub status: &'static str,
    pub dead: bool,
    pub attempts: i32,
    pub part: String,
    pub created: String,
    pub last_error: String,
}

/// The outcome of one test message, shown above the tables.
pub struct TestRow {
    pub channel: String,
    pub destination: String,
    pub outcome: String,
    pub ok: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    channels: Vec<ChannelRow>,
    rules: Vec<RuleRow>,
    messages: Vec<MessageRow>,
    tests: Vec<TestRow>,
}

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    page(&state, &staff, Vec::new()).await
}

async fn page(state: &AppState, staff: &Staff, tests: Vec<TestRow>) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let db = state.store().db();
    let owner = Owner::Tenant(staff.tenant.id);
    let stored = channels::list(db, owner).await?;
    let names: HashMap<i64, String> = stored.iter().map(|c| (c.id, c.name.clone())).collect();
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let channels = stored
        .iter()
        .map(|c| ChannelRow {
            id: c.id,
            name: c.name.clone(),
            kind: c.kind.clone(),
            summary: ChannelConfig::parse(&c.config)
                .map(|config| config.public_summary())
                .unwrap_or_else(|_| "configuración ilegible".into()),
            enabled: c.enabled,
        })
        .collect();
    let rules = rules::list(db, owner)
        .await?
        .into_iter()
        .map(|r| RuleRow {
            event: if r.event_kind == "*" {
                "todos".into()
            } else {
                r.event_kind
            },
            channel: name_of(r.channel_id),
        })
        .collect();
    let messages = messages::list(db, owner, None, OUTBOX_ROWS)
        .await?
        .into_iter()
        .map(|m| MessageRow {
            id: m.id,
            channel: name_of(m.channel_id),
            status: status_es(&m.status),
            dead: m.status == "dead",
            attempts: m.attempts,
            part: format!("{}/{}", m.part, m.parts),
            created: local(staff, m.created_at),
            last_error: m.last_error.unwrap_or_default(),
            kind: m.kind,
        })
        .collect();
    let page = NotificationsPage {
        chrome: Chrome::new(staff, "/notificaciones"),
        channels,
        rules,
        messages,
        tests,
    };
    render(&page).map(IntoResponse::into_response)
}

fn status_es(status: &str) -> &'static str {
    match status {
        "pending" => "Pendiente",
        "sent" => "Enviado",
        "dead" => "Sin entregar",
        _ => "Desconocido",
    }
}

/// Puts a dead letter of the tenant back in the queue.
pub async fn retry(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let owner = Owner::Tenant(staff.tenant.id);
    match admin::retry_dead(state.store(), owner, id).await {
        Ok(true) => Ok(Redirect::to("/notificaciones").into_response()),
        Ok(false) => Err(PageError::NotFound),
        Err(e) => Err(internal(e)),
    }
}

/// Sends a test message to one of the tenant's channels now, not through the queue, and shows how
/// each destination answered.
pub async fn test(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let owner = Owner::Tenant(staff.tenant.id);
    let Some(channel) = channels::get(state.store().db(), owner, id).await? else {
        return Err(PageError::NotFound);
    };
    let notifier =
        Notifier::new(state.store().clone(), NotifySettings::default()).map_err(internal)?;
    let results = admin::send_test(&notifier, owner, Some(&channel.name))
        .await
        .map_err(internal)?;
    if results.is_empty() {
        let disabled = TestRow {
            channel: channel.name,
            destination: String::new(),
            outcome: "El canal está desactivado: no se envió nada.".into(),
            ok: false,
        };
        return page(&state, &staff, vec![disabled]).await;
    }
    let tests = results
        .into_iter()
        .map(|r| TestRow {
            ok: r.result.is_ok(),
            outcome: match r.result {
                Ok(()) => "Entregado".into(),
                // The error of a send never carries the channel's secret (ADR 15).
                Err(e) => format!("Falló: {e}"),
            },
            channel: r.channel,
            destination: r.destination,
        })
        .collect();
    page(&state, &staff, tests).await
}

fn internal(e: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %e, "notifications page");
    PageError::Internal
}
