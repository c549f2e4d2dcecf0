//! The client page's WhatsApp conversations (SPEC §5): each session bound to the client with its latest
//! messages, dates as dd/mm/aaaa and the tenant's local time. Staff may read everything the borrower
//! wrote (nothing is masked); the template escapes it.

use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::state::AppState;
use chrono::{DateTime, Offset, Utc};
use credinet_assistant::{AssistantError, session, transcripts};
use credinet_core::ids::ClientId;
use credinet_core::phone::Phone;
use credinet_core::zone::utc_offset_label;

/// Messages shown per conversation: the newest ones.
const MESSAGES_SHOWN: u64 = 50;

pub struct ConversationView {
    pub channel: &'static str,
    /// The phone number, or the contact name the AutoResponder app saw.
    pub sender: String,
    pub state: String,
    pub last: String,
    pub earlier: bool,
    pub messages: Vec<MessageView>,
}

pub struct MessageView {
    pub at: String,
    /// «Cliente» or «Asistente».
    pub from: &'static str,
    pub inbound: bool,
    pub text: String,
    /// What the router read (inbound) or what the reply answered (outbound), in Spanish.
    pub intent: &'static str,
    /// The Cloud API's delivery status of a reply, in Spanish.
    pub status: &'static str,
}

/// How the page names the zone its times are in: «America/Mexico_City, UTC−06:00».
/// A session's sender as a page shows it: the phone grouped (`+52 55 1234 5678`), or the name the
/// AutoResponder app saw (its key is `name:` and the name).
fn sender_shown(key: &str) -> String {
    match key.strip_prefix("name:") {
        Some(name) => name.to_string(),
        None => Phone::parse(key).map_or_else(|_| key.to_string(), |p| p.grouped()),
    }
}

pub fn zone_note(staff: &Staff, now: DateTime<Utc>) -> String {
    let zone = &staff.tenant.zone;
    let offset = now
        .with_timezone(&zone.tz())
        .offset()
        .fix()
        .local_minus_utc();
    format!("{}, {}", zone.name(), utc_offset_label(offset))
}

pub async fn conversations(
    state: &AppState,
    staff: &Staff,
    client: ClientId,
) -> Result<Vec<ConversationView>, PageError> {
    let found =
        transcripts::of_client(state.store(), staff.tenant.id, client, MESSAGES_SHOWN).await;
    let found = match found {
        Ok(found) => found,
        Err(AssistantError::Store(e)) => return Err(e.into()),
        Err(e) => {
            tracing::error!(tenant = %staff.tenant.id, %client, error = %e, "transcript not read");
            return Err(PageError::Internal);
        }
    };
    let now = state.store().now();
    let idle = state.assistant().settings().session_idle();
    let at = |instant: DateTime<Utc>| {
        instant
            .with_timezone(&staff.tenant.zone.tz())
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    Ok(found
        .into_iter()
        .map(|c| {
            let s = &c.session;
            let state = if session::in_handoff(s, now) {
                format!(
                    "Con un asesor (el asistente calla hasta {})",
                    at(s.handoff_until.unwrap_or(now))
                )
            } else if session::is_locked(s, now) {
                format!(
                    "Verificación bloqueada hasta {}",
                    at(s.locked_until.unwrap_or(now))
                )
            } else if s.opted_out {
                "Pidió no recibir mensajes".to_string()
            } else if session::is_verified(s) && now - s.last_message_at <= idle {
                "Verificada".to_string()
            } else {
                "Inactiva".to_string()
            };
            ConversationView {
                channel: catalogue::assistant_channel(&s.channel),
                sender: sender_shown(&s.sender_key),
                state,
                last: at(s.last_message_at),
                earlier: c.earlier,
                messages: c
                    .messages
                    .into_iter()
                    .map(|m| {
                        let inbound = m.direction == "in";
                        MessageView {
                            at: at(m.created_at),
                            from: if inbound { "Cliente" } else { "Asistente" },
                            inbound,
                            intent: m
                                .intent
                                .as_deref()
                                .map(catalogue::assistant_intent)
                                .unwrap_or(""),
                            status: m
                                .status
                                .as_deref()
                                .map(catalogue::delivery_status)
                                .unwrap_or(""),
                            text: m.body,
                        }
                    })
                    .collect(),
            }
        })
        .collect())
}
