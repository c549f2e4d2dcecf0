//! `/notificaciones`: the tenant's notification channels (a summary, never their secrets) with forms to
//! add, edit, switch off and on and test them; routing rules with forms to add, change and remove
//! them; and the outbox, whose dead letters an admin puts back in the queue. Admins only.
//!
//! Every form answers with a redirect back here, and what the page must say once (a notice, a refused
//! form with what was typed — never a secret —, the outcome of a test message) travels in the one-time
//! flash (ADR 19). One file per action: [`channels`], [`rules`], [`test`], [`retry`].

pub mod channels;
pub mod retry;
pub mod rules;
pub mod test;

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::flash::{self, Flash, Outcome};
use crate::pages::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_notify::draft::{self, DraftRefusal};
use credinet_notify::{ChannelConfig, ChannelKind, Owner};
use credinet_store::repo::notify::{channels as stored_channels, messages, rules as stored_rules};
use std::collections::HashMap;

/// The page's path: where every form of it comes back to.
pub const PATH: &str = "/notificaciones";
/// Messages shown, newest first.
const OUTBOX_ROWS: u64 = 50;
/// The forms of the page, as [`Flash::Refused`] names them.
const NEW_CHANNEL_FORM: &str = "canal-nuevo";
const NEW_RULE_FORM: &str = "regla-nueva";

fn channel_form_name(id: i64) -> String {
    format!("canal-{id}")
}

fn rule_form_name(id: i64) -> String {
    format!("regla-{id}")
}

pub struct ChannelRow {
    pub id: i64,
    pub name: String,
    /// `telegram`, `discord`, `email` or `webhook`: which fields its edit form has.
    pub kind: String,
    pub kind_label: &'static str,
    /// Where it sends, without any secret (a chat id, a host, an address).
    pub summary: String,
    pub enabled: bool,
    /// Its edit form: the stored values that are not secret, or what was typed and refused.
    pub form: Form,
    pub fields: FieldSet,
}

/// Which fields a channel form has, and the prefix of their ids (one form per channel on the page).
pub struct FieldSet {
    pub prefix: String,
    /// The channel's kind; empty on the new-channel form, which has every kind's fields.
    pub kind: String,
    /// An edit: a secret left empty is kept.
    pub editing: bool,
}

impl FieldSet {
    pub fn shows(&self, kind: &str) -> bool {
        self.kind.is_empty() || self.kind == kind
    }
}

pub struct RuleRow {
    pub id: i64,
    pub event: String,
    pub channel: String,
    /// Its edit form, as stored or as typed and refused.
    pub form: Form,
    /// The prefix of its fields' ids.
    pub prefix: String,
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

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    channels: Vec<ChannelRow>,
    rules: Vec<RuleRow>,
    messages: Vec<MessageRow>,
    /// Said once, after a change.
    notice: Option<String>,
    /// Said once, after a request refused as a whole.
    error: Option<String>,
    /// The outcome of a test message, per channel and chat.
    tests: Vec<Outcome>,
    new_channel: Form,
    new_fields: FieldSet,
    new_rule: Form,
    /// (value, label) of the channel kinds.
    kinds: Vec<(&'static str, &'static str)>,
    /// (value, label) of the events a rule may name.
    events: Vec<(String, String)>,
    /// (id, name) of the tenant's channels, for the rules' selects.
    channel_options: Vec<(String, String)>,
}

/// What the page says besides its tables: the flash of the redirect that led here.
#[derive(Default)]
struct Said {
    notice: Option<String>,
    error: Option<String>,
    tests: Vec<Outcome>,
    /// A refused form: which one, and what was typed.
    refused: Option<(String, Form)>,
}

impl From<Option<Flash>> for Said {
    fn from(flash: Option<Flash>) -> Said {
        match flash {
            Some(Flash::Notice(n)) => Said {
                notice: Some(n),
                ..Said::default()
            },
            Some(Flash::Error(e)) => Said {
                error: Some(e),
                ..Said::default()
            },
            Some(Flash::Outcomes(tests)) => Said {
                tests,
                ..Said::default()
            },
            Some(Flash::Refused { form, typed }) => Said {
                refused: Some((form, typed)),
                ..Said::default()
            },
            _ => Said::default(),
        }
    }
}

impl Said {
    /// The form called `name`: as typed if it is the one refused, else `stored`.
    fn form(&self, name: &str, stored: impl FnOnce() -> Form) -> Form {
        match &self.refused {
            Some((refused, typed)) if refused == name => typed.clone(),
            _ => stored(),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let (jar, flash) = flash::take(&state, &staff, jar, PATH);
    let page = page(&state, &staff, flash.into(), StatusCode::OK).await?;
    Ok((jar, page).into_response())
}

fn kind_label(kind: &str) -> &'static str {
    match ChannelKind::parse(kind) {
        Some(ChannelKind::Telegram) => "Telegram",
        Some(ChannelKind::Discord) => "Discord",
        Some(ChannelKind::Email) => "Correo (SMTP)",
        Some(ChannelKind::Webhook) => "Webhook firmado",
        None => "Desconocido",
    }
}

/// What a channel's edit form shows before anything is typed: every value but the secrets.
fn stored_form(name: &str, config: Option<&ChannelConfig>) -> Form {
    let mut values = vec![("name", name.to_string())];
    match config {
        Some(ChannelConfig::Telegram { chat_ids, .. }) => {
            values.push(("chat_ids", chat_ids.join(", ")));
        }
        Some(ChannelConfig::Email { from, to, .. }) => {
            values.push(("from", from.clone()));
            values.push(("to", to.join(", ")));
        }
        _ => {}
    }
    Form::with(values)
}

async fn page(
    state: &AppState,
    staff: &Staff,
    said: Said,
    status: StatusCode,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let db = state.store().db();
    let owner = Owner::Tenant(staff.tenant.id);
    let stored = stored_channels::list(db, owner).await?;
    let names: HashMap<i64, String> = stored.iter().map(|c| (c.id, c.name.clone())).collect();
    let name_of = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let channels = stored
        .iter()
        .map(|c| {
            let config = ChannelConfig::parse(&c.config).ok();
            ChannelRow {
                id: c.id,
                name: c.name.clone(),
                kind: c.kind.clone(),
                kind_label: kind_label(&c.kind),
                summary: config
                    .as_ref()
                    .map(ChannelConfig::public_summary)
                    .unwrap_or_else(|| "configuración ilegible".into()),
                enabled: c.enabled,
                form: said.form(&channel_form_name(c.id), || {
                    stored_form(&c.name, config.as_ref())
                }),
                fields: FieldSet {
                    prefix: channel_form_name(c.id),
                    kind: c.kind.clone(),
                    editing: true,
                },
            }
        })
        .collect();
    let rules = stored_rules::list(db, owner)
        .await?
        .into_iter()
        .map(|r| RuleRow {
            id: r.id,
            event: event_label(&r.event_kind),
            channel: name_of(r.channel_id),
            form: said.form(&rule_form_name(r.id), || {
                Form::with([
                    ("event_kind", r.event_kind.clone()),
                    ("channel_id", r.channel_id.to_string()),
                ])
            }),
            prefix: rule_form_name(r.id),
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
            // The delivery error is the service's English; the worker logged it with the message's id.
            last_error: m
                .last_error
                .map(|_| {
                    format!(
                        "No se entregó; el detalle está en el registro del servidor (mensaje {}).",
                        m.id
                    )
                })
                .unwrap_or_default(),
            kind: event_label(&m.kind),
        })
        .collect();
    let events = std::iter::once("*")
        .chain(draft::event_kinds())
        .map(|k| (k.to_string(), event_label(k)))
        .collect();
    let page = NotificationsPage {
        chrome: Chrome::new(staff, PATH),
        new_channel: said.form(NEW_CHANNEL_FORM, || Form::with([("kind", "telegram")])),
        new_fields: FieldSet {
            prefix: NEW_CHANNEL_FORM.into(),
            kind: String::new(),
            editing: false,
        },
        new_rule: said.form(NEW_RULE_FORM, Form::default),
        channels,
        rules,
        messages,
        notice: said.notice,
        error: said.error,
        tests: said.tests,
        kinds: ["telegram", "discord", "email", "webhook"]
            .into_iter()
            .map(|k| (k, kind_label(k)))
            .collect(),
        events,
        channel_options: stored
            .iter()
            .map(|c| (c.id.to_string(), c.name.clone()))
            .collect(),
    };
    render(&page).map(|r| (status, r).into_response())
}

/// An event kind as the page names it: its Spanish title (the stored name is the option's value and
/// what `/v1` and the CLI use).
fn event_label(kind: &str) -> String {
    if kind == "*" {
        "Todos los eventos".into()
    } else {
        credinet_notify::templates::title(kind)
    }
}

fn status_es(status: &str) -> &'static str {
    match status {
        "pending" => "Pendiente",
        "sent" => "Enviado",
        "dead" => "Sin entregar",
        _ => "Desconocido",
    }
}

/// Back to the page with a notice said once.
fn done(state: &AppState, staff: &Staff, notice: &str) -> Response {
    flash::redirect_with(state, staff, PATH, Flash::Notice(notice.into()))
}

/// Back to the page with the form `name` refused on the field `refusal` names, showing what was
/// typed; when that would not fit the flash cookie (a huge paste), the page answers in place, 422.
async fn refused(
    state: &AppState,
    staff: &Staff,
    name: String,
    typed: Form,
    refusal: &DraftRefusal,
) -> Result<Response, PageError> {
    let typed = typed.refused(
        Some(refusal.field.form_name()),
        super::catalogue::notify_draft(refusal),
    );
    let flash = Flash::Refused { form: name, typed };
    if let Some(redirect) = flash::redirect(state, staff, PATH, &flash) {
        return Ok(redirect);
    }
    page(
        state,
        staff,
        Said::from(Some(flash)),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn internal(e: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %e, "notifications page");
    PageError::Internal
}
