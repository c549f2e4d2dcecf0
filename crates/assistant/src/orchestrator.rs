//! The orchestrator: one inbound message through the pipeline (SPEC §5) — the tenant's session, locked
//! in the database so one session's messages are handled one at a time and in order even across
//! servers (SPEC §8); a redelivered message recognised and left unanswered; idle expiry; then router →
//! dispatcher → module → redactor, each stage recorded with its duration, the replies recorded with
//! their template version, and the session saved — all in one transaction, so a failure leaves nothing
//! half-written and a retried delivery starts clean.

use crate::AssistantError;
use crate::dispatcher::{self, Action, Situation};
use crate::message::{Channel, Content, Inbound, Sender};
use crate::modules::{faq, lending};
use crate::outcome::Outcome;
use crate::redactor;
use crate::router::{self, Awaiting, Intent, Routed};
use crate::session;
use crate::settings::AssistantSettings;
use crate::tenant_config::TenantAssistant;
use crate::verification;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::ClientId;
use credinet_store::repo::assistant::{self as repo, Direction, NewMessage, Session};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::{audit, clients};
use credinet_store::{Store, WriteTx};
use std::time::Instant;

/// What the transcript records in place of a verification secret (a birth date or a PIN).
pub const SECRET_IN_TRANSCRIPT: &str = "[dato de verificación]";

/// The pipeline over one store.
#[derive(Clone)]
pub struct Assistant {
    store: Store,
    settings: AssistantSettings,
}

/// What handling a message gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub session_id: i64,
    /// In order; empty when the bot stays silent.
    pub replies: Vec<Reply>,
    /// The message was handled before (a Cloud API redelivery): nothing was done.
    pub duplicate: bool,
}

/// A reply recorded in the transcript; `message_id` is its row, for the channel's delivery id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub message_id: i64,
    pub text: String,
}

/// What a stage took and how it ended, written once the inbound message has its row.
struct Stages(Vec<(&'static str, i64, String)>);

impl Stages {
    fn push(&mut self, stage: &'static str, since: Instant, outcome: impl Into<String>) {
        let us = i64::try_from(since.elapsed().as_micros()).unwrap_or(i64::MAX);
        self.0.push((stage, us, outcome.into()));
    }
}

impl Assistant {
    pub fn new(store: Store, settings: AssistantSettings) -> Assistant {
        Assistant { store, settings }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &AssistantSettings {
        &self.settings
    }

    /// Handles `inbound` for `tenant`. `group_replies`: the tenant answers group chats.
    pub async fn handle(
        &self,
        tenant: &Tenant,
        group_replies: bool,
        inbound: &Inbound,
    ) -> Result<Handled, AssistantError> {
        let started = Instant::now();
        let mut stages = Stages(Vec::with_capacity(5));
        let now = self.store.now();
        let today = tenant.zone.local_date(now);
        let tx = self.store.write().await?;
        let mut session = repo::lock_session(
            &tx,
            tenant.id,
            inbound.channel.as_str(),
            &inbound.sender.key(),
            now,
        )
        .await?;
        let expired = session::expire_if_idle(&mut session, now, self.settings.session_idle());
        let body = match &inbound.content {
            Content::Text(text) => printable(text),
            Content::Unsupported(kind) => format!("[{}]", printable(kind)),
        };
        stages.push(
            "orchestrator",
            started,
            if expired {
                "session_expired"
            } else {
                "session"
            },
        );

        let at = Instant::now();
        let awaiting = session::awaiting(&session);
        let routed = match &inbound.content {
            Content::Text(text) => router::route(text, awaiting),
            Content::Unsupported(_) => Routed {
                intent: Intent::Unknown,
                confidence: 0.0,
            },
        };
        stages.push("router", at, routed.intent.as_str());

        // The answer to «your birth date or PIN» is a secret: the transcript staff read keeps that one
        // was given, not what it was (a PIN must never be shown, SPEC §5).
        let recorded = if awaiting == Awaiting::Secret && routed.intent == Intent::Answer {
            SECRET_IN_TRANSCRIPT
        } else {
            body.as_str()
        };
        let new = NewMessage {
            direction: Direction::In,
            channel_message_id: inbound.message_id.as_deref(),
            body: recorded,
            intent: Some(routed.intent.as_str()),
            confidence_pct: Some((routed.confidence * 100.0).round() as i32),
            template: None,
            pending_send: false,
        };
        let Some(message) = repo::record_message(&tx, &session, new, now).await? else {
            tx.rollback().await?;
            tracing::info!(tenant = %tenant.id, session = session.id, "redelivered message acknowledged, not answered");
            return Ok(Handled {
                session_id: session.id,
                replies: Vec::new(),
                duplicate: true,
            });
        };

        let at = Instant::now();
        let situation = Situation {
            verified: session::is_verified(&session),
            locked: session::is_locked(&session, now),
            opted_out: session.opted_out,
            in_handoff: session::in_handoff(&session, now),
            awaiting,
            unanswered_group: inbound.in_group && !group_replies,
            is_test: inbound.is_test,
            unsupported: matches!(inbound.content, Content::Unsupported(_)),
        };
        let action = dispatcher::dispatch(routed, &situation);
        stages.push("dispatcher", at, format!("{action:?}"));

        let at = Instant::now();
        let step = Step {
            store: &self.store,
            settings: &self.settings,
            tx: &tx,
            tenant,
            today,
            now,
        };
        let outcome = step.act(action, &mut session, inbound, &body).await?;
        stages.push(
            "module",
            at,
            outcome.as_ref().map_or("silent", Outcome::template),
        );

        let at = Instant::now();
        let rendered = outcome
            .as_ref()
            .map(|o| redactor::render(o, &tenant.legal_name))
            .transpose()?;
        stages.push(
            "redactor",
            at,
            rendered.as_ref().map_or("silent", |r| r.template),
        );

        let mut replies = Vec::new();
        if let Some(r) = rendered {
            let out = NewMessage {
                direction: Direction::Out,
                channel_message_id: None,
                body: &r.text,
                intent: Some(routed.intent.as_str()),
                confidence_pct: None,
                template: Some((r.template, r.version)),
                // The Cloud API answers by a push the reply sender makes after the commit, from this
                // row: a server stopped before it succeeds leaves it for the next one.
                pending_send: inbound.channel == Channel::CloudApi,
            };
            if let Some(row) = repo::record_message(&tx, &session, out, now).await? {
                replies.push(Reply {
                    message_id: row.id,
                    text: r.text,
                });
            }
        }
        repo::record_stages(&tx, &message, &stages.0, now).await?;
        session.last_message_at = now;
        repo::save_session(&tx, &session).await?;
        tx.commit().await?;
        Ok(Handled {
            session_id: session.id,
            replies,
            duplicate: false,
        })
    }

    /// An agent hands the conversation back to the bot: it answers the next message again. `false` when
    /// the tenant has no such session.
    pub async fn release_handoff(
        &self,
        tenant: credinet_core::ids::TenantId,
        session_id: i64,
        by: &audit::Requester,
    ) -> Result<bool, AssistantError> {
        let now = self.store.now();
        let tx = self.store.write().await?;
        let Some(mut session) = repo::lock_session_by_id(&tx, tenant, session_id).await? else {
            return Ok(false);
        };
        let before = session.handoff_until;
        session.handoff_until = None;
        repo::save_session(&tx, &session).await?;
        let record = audit::Record {
            actor: by.actor.clone(),
            origin: by.origin.clone(),
            action: "assistant_handoff_released",
            entity: "assistant_session",
            entity_id: Some(session_id.to_string()),
            before: Some(serde_json::json!({ "handoff_until": before })),
            after: Some(serde_json::json!({ "handoff_until": null })),
        };
        audit::append(&tx, tenant, record, now).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Text as it is stored: control characters other than line breaks and tabs dropped (PostgreSQL refuses
/// a NUL; the others only hide text in the transcript).
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// What one action needs to act.
struct Step<'a> {
    store: &'a Store,
    settings: &'a AssistantSettings,
    tx: &'a WriteTx,
    tenant: &'a Tenant,
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Step<'_> {
    /// Carries the action out on the session and says what to answer (`None`: silence).
    async fn act(
        &self,
        action: Action,
        session: &mut Session,
        inbound: &Inbound,
        text: &str,
    ) -> Result<Option<Outcome>, AssistantError> {
        let outcome = match action {
            Action::Silent => return Ok(None),
            Action::Diagnostic => Outcome::Diagnostic {
                channel: inbound.channel.as_str(),
                sender_is_phone: matches!(inbound.sender, Sender::Phone(_)),
            },
            Action::Unsupported => Outcome::Unsupported,
            Action::Menu { fallback } => {
                session::set_awaiting(session, Awaiting::MenuChoice);
                Outcome::Menu { fallback }
            }
            Action::OptIn => {
                session.opted_out = false;
                session::set_awaiting(session, Awaiting::MenuChoice);
                Outcome::Menu { fallback: false }
            }
            Action::Thanks => {
                session::set_awaiting(session, Awaiting::Nothing);
                Outcome::Thanks
            }
            Action::OptOut => {
                session.opted_out = true;
                session::set_awaiting(session, Awaiting::Nothing);
                Outcome::OptedOut
            }
            Action::Handoff => {
                session.handoff_until = Some(self.now + self.settings.handoff_window());
                session::set_awaiting(session, Awaiting::Nothing);
                Outcome::Handoff
            }
            Action::Locked => Outcome::Locked {
                minutes: self.minutes_locked(session),
            },
            Action::AskIdentifier => {
                session::set_awaiting(session, Awaiting::Identifier);
                Outcome::AskIdentifier { again: false }
            }
            Action::AskAgain(Awaiting::Secret) => Outcome::AskSecret { again: true },
            Action::AskAgain(_) => {
                session::set_awaiting(session, Awaiting::Identifier);
                Outcome::AskIdentifier { again: true }
            }
            Action::CheckIdentifier => {
                let identifier = verification::read_identifier(text);
                let found = verification::find_client(self.tx, self.tenant.id, &identifier).await?;
                session.candidate_client_id = found.map(|c| c.get());
                session::set_awaiting(session, Awaiting::Secret);
                Outcome::AskSecret { again: false }
            }
            Action::CheckSecret => self.check_secret(session, text).await?,
            Action::Lending(intent) => {
                let client = session
                    .client_id
                    .map(ClientId::new)
                    .expect("the dispatcher sends only verified sessions to lending");
                session::set_awaiting(session, Awaiting::MenuChoice);
                let config = TenantAssistant::of(self.tenant);
                lending::answer(
                    self.store,
                    self.tx,
                    self.tenant.id,
                    client,
                    intent,
                    self.today,
                    &config,
                )
                .await?
            }
            Action::Faq => {
                let config = TenantAssistant::of(self.tenant);
                match faq::answer(&config.faq, text) {
                    Some(answer) => Outcome::Faq { answer },
                    None => {
                        session::set_awaiting(session, Awaiting::MenuChoice);
                        Outcome::Menu { fallback: true }
                    }
                }
            }
        };
        Ok(Some(outcome))
    }

    fn minutes_locked(&self, session: &Session) -> i64 {
        session
            .locked_until
            .map(|until| (until - self.now).num_minutes() + 1)
            .unwrap_or(0)
            .max(1)
    }

    /// The secret against the client the identifier named. A session bound to a client verifies only
    /// as that client. Too many failures in a row lock verification and tell staff.
    async fn check_secret(
        &self,
        session: &mut Session,
        text: &str,
    ) -> Result<Outcome, AssistantError> {
        let secret = verification::read_secret(text, self.today);
        let candidate = match (session.client_id, session.candidate_client_id) {
            (Some(bound), Some(named)) if bound != named => None,
            (_, named) => named.map(ClientId::new),
        };
        session.candidate_client_id = None;
        let matches =
            verification::secret_matches(self.tx, self.tenant.id, candidate, &secret).await?;
        if let (true, Some(client)) = (matches, candidate) {
            session.client_id = Some(client.get());
            session.verified_at = Some(self.now);
            session.failed_attempts = 0;
            session::set_awaiting(session, Awaiting::MenuChoice);
            let name = clients::get(self.tx, self.tenant.id, client)
                .await?
                .map(|c| c.full_name)
                .unwrap_or_default();
            let first_name = name
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            return Ok(Outcome::Verified { first_name });
        }
        session.failed_attempts += 1;
        if session.failed_attempts < self.settings.max_failures() {
            session::set_awaiting(session, Awaiting::Identifier);
            return Ok(Outcome::VerificationFailed {
                attempts_left: self.settings.max_failures() - session.failed_attempts,
            });
        }
        let until = self.now + self.settings.verification_lock();
        session.locked_until = Some(until);
        let attempts = session.failed_attempts;
        session.failed_attempts = 0;
        session::set_awaiting(session, Awaiting::Nothing);
        let event = NewEvent {
            kind: EventKind::VerificationLocked,
            entity: "assistant_session",
            entity_id: Some(session.id.to_string()),
            payload: serde_json::json!({
                "channel": session.channel,
                "attempts": attempts,
                "locked_until": until,
            }),
        };
        events::append(self.tx, self.tenant.id, event, self.now).await?;
        tracing::warn!(tenant = %self.tenant.id, session = session.id, "assistant verification locked");
        Ok(Outcome::Locked {
            minutes: self.minutes_locked(session),
        })
    }
}
