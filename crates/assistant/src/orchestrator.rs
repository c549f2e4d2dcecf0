//! The orchestrator: one inbound message through the pipeline (SPEC §5) — the tenant's session, locked
//! in the database so one session's messages are handled one at a time and in order even across
//! servers (SPEC §8); a redelivered message recognised and left unanswered; idle expiry; then router →
//! dispatcher → module → redactor, each stage recorded with its duration, the replies recorded with
//! their template version, and the session saved — all in one transaction, so a failure leaves nothing
//! half-written and a retried delivery starts clean.
//!
//! Messages that arrive together share that transaction (group commit, ADR 31): a writer task takes
//! whatever has queued, handles each message in turn inside one transaction (a conversation's second
//! message sees what its first changed), writes all their records in a few multi-row statements and
//! commits once; each webhook answers only after that commit.

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
use credinet_store::group_commit::{GroupCommit, NotWritten};
use credinet_store::repo::assistant::{self as repo, Direction, NewMessage, Session};
use credinet_store::repo::assistant_batch::{self, MessageWrites, Pending, Written};
use credinet_store::repo::events::{self, NewEvent};
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::{audit, clients};
use credinet_store::{Store, StoreError, WriteTx};
use std::time::Instant;

/// What the transcript records in place of a verification secret (a birth date or a PIN).
pub const SECRET_IN_TRANSCRIPT: &str = "[dato de verificación]";

/// The most messages handled in one write transaction.
const MAX_BATCH: usize = 64;
/// How often a message chosen as a deadlock's victim is handled before the error is given up.
const DEADLOCK_ATTEMPTS: u32 = 5;

/// The pipeline over one store.
#[derive(Clone)]
pub struct Assistant {
    store: Store,
    settings: AssistantSettings,
    /// Where messages wait to be handled together (ADR 31); `None` on MySQL/MariaDB, where each
    /// message is its own transaction, and outside a runtime.
    group: Option<GroupCommit<Job, Result<Handled, AssistantError>>>,
}

/// A message waiting for its turn in a batch.
struct Job {
    tenant: Tenant,
    group_replies: bool,
    inbound: Inbound,
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

/// A message handled inside a batch's transaction, before the batch is written: its replies have no
/// ids yet.
struct Prepared {
    session_id: i64,
    replies: Vec<(Pending, String)>,
    duplicate: bool,
}

impl Prepared {
    fn finish(self, written: &Written) -> Result<Handled, AssistantError> {
        let replies = self
            .replies
            .into_iter()
            .map(|(pending, text)| {
                let message_id = written.id(pending).ok_or_else(|| {
                    StoreError::Corrupt("a reply of the batch was not written".into())
                })?;
                Ok(Reply { message_id, text })
            })
            .collect::<Result<_, AssistantError>>()?;
        Ok(Handled {
            session_id: self.session_id,
            replies,
            duplicate: self.duplicate,
        })
    }
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
    /// The pipeline; on SQLite and PostgreSQL, inside a runtime, it also starts the writers that
    /// handle concurrent messages together.
    pub fn new(store: Store, settings: AssistantSettings) -> Assistant {
        let alone = Assistant {
            store: store.clone(),
            settings,
            group: None,
        };
        let capabilities = store.capabilities();
        if !capabilities.batched_payments || tokio::runtime::Handle::try_current().is_err() {
            return alone;
        }
        let writer = alone.clone();
        let group = GroupCommit::spawn(
            capabilities.payment_writers,
            MAX_BATCH,
            move |jobs: Vec<Job>| {
                let writer = writer.clone();
                async move { writer.handle_batch(jobs).await }
            },
        );
        Assistant {
            group: Some(group),
            ..alone
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn settings(&self) -> &AssistantSettings {
        &self.settings
    }

    /// Handles `inbound` for `tenant`. `group_replies`: the tenant answers group chats. The answer
    /// comes once the message's records are committed.
    pub async fn handle(
        &self,
        tenant: &Tenant,
        group_replies: bool,
        inbound: &Inbound,
    ) -> Result<Handled, AssistantError> {
        let job = Job {
            tenant: tenant.clone(),
            group_replies,
            inbound: inbound.clone(),
        };
        let Some(group) = &self.group else {
            return self.handle_alone(&job).await;
        };
        match group.submit(job).await {
            Ok(answer) => answer,
            Err(NotWritten::Closed(job)) => self.handle_alone(&job).await,
            Err(NotWritten::Lost) => Err(AssistantError::Store(StoreError::Corrupt(
                "the assistant's writer stopped".into(),
            ))),
        }
    }

    /// Handles messages that arrived together in one transaction; when that fails as a whole (a
    /// database error, a deadlock with another server), each is handled alone, so one problem never
    /// fails the others. Answers in the order of `jobs`.
    async fn handle_batch(&self, jobs: Vec<Job>) -> Vec<Result<Handled, AssistantError>> {
        if jobs.len() > 1 {
            match self.handle_together(&jobs).await {
                Ok(handled) => return handled.into_iter().map(Ok).collect(),
                Err(e) => {
                    tracing::warn!(error = %e, messages = jobs.len(), "assistant batch failed; handling one by one")
                }
            }
        }
        let mut out = Vec::with_capacity(jobs.len());
        for job in &jobs {
            out.push(self.handle_alone(job).await);
        }
        out
    }

    async fn handle_alone(&self, job: &Job) -> Result<Handled, AssistantError> {
        let mut attempt = 1;
        let mut handled = loop {
            match self.handle_together(std::slice::from_ref(job)).await {
                // MariaDB: two first messages of one new sender each hold a gap lock from the session
                // lookup and then insert into it; one is rolled back whole and may run again.
                Err(AssistantError::Store(e)) if e.is_deadlock() && attempt < DEADLOCK_ATTEMPTS => {
                    attempt += 1;
                    tracing::info!(error = %e, attempt, "assistant message hit a deadlock; handling it again");
                }
                other => break other?,
            }
        };
        handled
            .pop()
            .ok_or_else(|| StoreError::Corrupt("a message got no answer".into()).into())
    }

    /// Handles `jobs` in one write transaction and writes their records together at its end. The
    /// sessions are locked in the order of their keys (a conversation's messages keep their arrival
    /// order), so two batches, here or on another server, never wait for each other in a circle.
    async fn handle_together(&self, jobs: &[Job]) -> Result<Vec<Handled>, AssistantError> {
        let keys: Vec<(i64, &'static str, String)> = jobs
            .iter()
            .map(|j| {
                (
                    j.tenant.id.get(),
                    j.inbound.channel.as_str(),
                    repo::stored_sender_key(&j.inbound.sender.key()),
                )
            })
            .collect();
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by(|a, b| keys[*a].cmp(&keys[*b]));
        let tx = self.store.write().await?;
        let mut writes = MessageWrites::default();
        let mut prepared: Vec<Option<Prepared>> = jobs.iter().map(|_| None).collect();
        for index in order {
            let job = &jobs[index];
            prepared[index] = Some(
                self.prepare(
                    &tx,
                    &mut writes,
                    &job.tenant,
                    job.group_replies,
                    &job.inbound,
                )
                .await?,
            );
        }
        let written = assistant_batch::write(&tx, writes).await?;
        tx.commit().await?;
        prepared
            .into_iter()
            .map(|p| {
                p.ok_or_else(|| StoreError::Corrupt("a message was not handled".into()))?
                    .finish(&written)
            })
            .collect()
    }

    /// One message through the pipeline inside the batch's transaction `tx`; its records go into
    /// `writes`.
    async fn prepare(
        &self,
        tx: &WriteTx,
        writes: &mut MessageWrites,
        tenant: &Tenant,
        group_replies: bool,
        inbound: &Inbound,
    ) -> Result<Prepared, AssistantError> {
        let started = Instant::now();
        let mut stages = Stages(Vec::with_capacity(5));
        let now = self.store.now();
        let today = tenant.zone.local_date(now);
        let channel = inbound.channel.as_str();
        let key = repo::stored_sender_key(&inbound.sender.key());
        let mut session = match writes.session(tenant.id.get(), channel, &key) {
            Some(session) => session.clone(),
            None => repo::lock_session(tx, tenant.id, channel, &key, now).await?,
        };
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

        if let Some(id) = inbound.message_id.as_deref()
            && (writes.has_channel_id(tenant.id.get(), channel, id)
                || assistant_batch::seen(tx, &session, id).await?)
        {
            tracing::info!(tenant = %tenant.id, session = session.id, "redelivered message acknowledged, not answered");
            let session_id = session.id;
            writes.keep_session(session);
            return Ok(Prepared {
                session_id,
                replies: Vec::new(),
                duplicate: true,
            });
        }
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
        let incoming = writes.message(&session, new, now);

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
            tx,
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
            replies.push((writes.message(&session, out, now), r.text));
        }
        writes.stages(incoming, stages.0, now);
        session.last_message_at = now;
        let session_id = session.id;
        writes.save_session(session);
        Ok(Prepared {
            session_id,
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
