//! The records of the assistant's messages, collected while the messages are handled and written
//! together at the end of their transaction (ADR 31): the messages in and out in one statement, their
//! stage events in another, the Cloud API replies' queue rows in a third, and each session's last
//! state in one more — instead of five statements a message. It also holds the sessions the
//! transaction has locked, so a second message of one conversation in the same transaction sees what
//! the first one changed.

use super::assistant::{Direction, NewMessage, Session};
use super::bulk::reserve_ids;
use super::micros;
use crate::entities::{
    assistant_message, assistant_reply_queue as queue, assistant_session, assistant_stage,
};
use crate::{StoreError, WriteTx};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend};
use sea_orm::{EntityTrait, QueryFilter};
use std::collections::HashMap;

/// Where a message waits until the batch is written: its index, which becomes its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending(usize);

/// The records of the messages handled so far in one write transaction.
#[derive(Default)]
pub struct MessageWrites {
    messages: Vec<assistant_message::ActiveModel>,
    /// By message index: its tenant and session.
    owners: Vec<(i64, i64)>,
    /// By message index: (stage, duration in µs, outcome, when).
    stages: Vec<(usize, &'static str, i64, String, DateTime<Utc>)>,
    /// Replies the channel pushes (Cloud API), by message index.
    to_send: Vec<(usize, DateTime<Utc>)>,
    /// The sessions this transaction locked, by (tenant, channel, sender key), as last changed.
    sessions: HashMap<(i64, String, String), Session>,
    /// The sessions whose changes must be written.
    changed: Vec<(i64, String, String)>,
    /// The inbound channel ids recorded in this batch (tenant, channel, id).
    channel_ids: Vec<(i64, String, String)>,
}

impl MessageWrites {
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty() && self.changed.is_empty()
    }

    /// The session as an earlier message of this transaction left it, if one did.
    pub fn session(&self, tenant: i64, channel: &str, sender_key: &str) -> Option<&Session> {
        self.sessions
            .get(&(tenant, channel.to_string(), sender_key.to_string()))
    }

    /// Keeps `session` (locked by this transaction) as the message just handled left it; written
    /// with the batch.
    pub fn save_session(&mut self, session: Session) {
        let key = (
            session.tenant_id,
            session.channel.clone(),
            session.sender_key.clone(),
        );
        if !self.changed.contains(&key) {
            self.changed.push(key.clone());
        }
        self.sessions.insert(key, session);
    }

    /// Remembers a session this transaction locked without changing it (a redelivery), so a later
    /// message of the batch does not lock it again.
    pub fn keep_session(&mut self, session: Session) {
        let key = (
            session.tenant_id,
            session.channel.clone(),
            session.sender_key.clone(),
        );
        self.sessions.entry(key).or_insert(session);
    }

    /// Whether an inbound message with this channel id is already in this batch.
    pub fn has_channel_id(&self, tenant: i64, channel: &str, channel_message_id: &str) -> bool {
        self.channel_ids
            .iter()
            .any(|(t, c, id)| *t == tenant && c == channel && id == channel_message_id)
    }

    /// Adds a message of `session` to the batch.
    pub fn message(
        &mut self,
        session: &Session,
        new: NewMessage<'_>,
        now: DateTime<Utc>,
    ) -> Pending {
        let index = self.messages.len();
        if let (Direction::In, Some(id)) = (new.direction, new.channel_message_id) {
            self.channel_ids
                .push((session.tenant_id, session.channel.clone(), id.to_string()));
        }
        if new.pending_send {
            self.to_send.push((index, micros(now)));
        }
        self.owners.push((session.tenant_id, session.id));
        self.messages
            .push(super::assistant::message_row(session, &new, now));
        Pending(index)
    }

    /// Adds the stage events of `message`, in the order the stages ran.
    pub fn stages(
        &mut self,
        message: Pending,
        stages: Vec<(&'static str, i64, String)>,
        now: DateTime<Utc>,
    ) {
        let now = micros(now);
        self.stages.extend(
            stages
                .into_iter()
                .map(|(stage, us, outcome)| (message.0, stage, us, outcome, now)),
        );
    }
}

/// The ids the batch's messages got, by [`Pending`].
pub struct Written(Vec<i64>);

impl Written {
    pub fn id(&self, message: Pending) -> Option<i64> {
        self.0.get(message.0).copied()
    }
}

/// Writes the batch in `tx`. On SQLite and PostgreSQL the messages' ids are reserved first and every
/// message goes in one statement; on MySQL/MariaDB (no way to reserve ids, ADR 6) each message is
/// inserted on its own — there a batch is one message.
pub async fn write(tx: &WriteTx, writes: MessageWrites) -> Result<Written, StoreError> {
    let MessageWrites {
        messages,
        owners,
        stages,
        to_send,
        mut sessions,
        changed,
        ..
    } = writes;
    let ids = insert_messages(tx, messages).await?;

    let stage_rows: Vec<assistant_stage::ActiveModel> = stages
        .into_iter()
        .map(
            |(index, stage, us, outcome, at)| assistant_stage::ActiveModel {
                tenant_id: Set(owners[index].0),
                message_id: Set(ids[index]),
                stage: Set(stage.to_string()),
                duration_us: Set(us),
                outcome: Set(outcome.chars().take(60).collect()),
                created_at: Set(at),
                ..Default::default()
            },
        )
        .collect();
    for chunk in stage_rows.chunks(ROWS_PER_STATEMENT) {
        assistant_stage::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }

    let queue_rows: Vec<queue::ActiveModel> = to_send
        .into_iter()
        .map(|(index, at)| queue::ActiveModel {
            tenant_id: Set(owners[index].0),
            message_id: Set(ids[index]),
            session_id: Set(owners[index].1),
            attempts: Set(0),
            send_after: Set(Some(at)),
            last_error: Set(None),
            created_at: Set(at),
            ..Default::default()
        })
        .collect();
    for chunk in queue_rows.chunks(ROWS_PER_STATEMENT) {
        queue::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }

    let changed: Vec<Session> = changed
        .into_iter()
        .filter_map(|key| sessions.remove(&key))
        .collect();
    save_sessions(tx, changed).await?;
    Ok(Written(ids))
}

/// Rows per multi-row statement: far below SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
const ROWS_PER_STATEMENT: usize = 500;

async fn insert_messages(
    tx: &WriteTx,
    messages: Vec<assistant_message::ActiveModel>,
) -> Result<Vec<i64>, StoreError> {
    if messages.is_empty() {
        return Ok(Vec::new());
    }
    if tx.get_database_backend() == DbBackend::MySql {
        let mut ids = Vec::with_capacity(messages.len());
        for message in messages {
            ids.push(message.insert(tx).await?.id);
        }
        return Ok(ids);
    }
    let ids = reserve_ids(tx, "assistant_message", messages.len()).await?;
    let rows: Vec<assistant_message::ActiveModel> = messages
        .into_iter()
        .zip(&ids)
        .map(|(mut row, id)| {
            row.id = Set(*id);
            row
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        assistant_message::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(tx)
            .await?;
    }
    Ok(ids)
}

/// Writes the sessions' last states: one upsert by id for several (each row was read and locked by
/// this transaction, so it exists and the insert half never happens), a plain update for one.
async fn save_sessions(tx: &WriteTx, sessions: Vec<Session>) -> Result<(), StoreError> {
    match sessions.as_slice() {
        [] => return Ok(()),
        [one] => return super::assistant::save_session(tx, one).await,
        _ => {}
    }
    let rows: Vec<assistant_session::ActiveModel> = sessions
        .into_iter()
        .map(|s| assistant_session::ActiveModel {
            id: Set(s.id),
            tenant_id: Set(s.tenant_id),
            channel: Set(s.channel),
            sender_key: Set(s.sender_key),
            client_id: Set(s.client_id),
            awaiting: Set(s.awaiting),
            candidate_client_id: Set(s.candidate_client_id),
            failed_attempts: Set(s.failed_attempts),
            locked_until: Set(s.locked_until),
            handoff_until: Set(s.handoff_until),
            opted_out: Set(s.opted_out),
            verified_at: Set(s.verified_at),
            last_message_at: Set(s.last_message_at),
            created_at: Set(s.created_at),
        })
        .collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        assistant_session::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(assistant_session::Column::Id)
                    .update_columns(MUTABLE)
                    .to_owned(),
            )
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// What handling a message may change in its session.
const MUTABLE: [assistant_session::Column; 9] = [
    assistant_session::Column::ClientId,
    assistant_session::Column::Awaiting,
    assistant_session::Column::CandidateClientId,
    assistant_session::Column::FailedAttempts,
    assistant_session::Column::LockedUntil,
    assistant_session::Column::HandoffUntil,
    assistant_session::Column::OptedOut,
    assistant_session::Column::VerifiedAt,
    assistant_session::Column::LastMessageAt,
];

/// Whether an inbound message with this channel id was recorded before (a redelivery).
pub async fn seen<C: ConnectionTrait>(
    db: &C,
    session: &Session,
    channel_message_id: &str,
) -> Result<bool, StoreError> {
    Ok(assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(session.tenant_id))
        .filter(assistant_message::Column::Channel.eq(session.channel.as_str()))
        .filter(assistant_message::Column::ChannelMessageId.eq(channel_message_id))
        .one(db)
        .await?
        .is_some())
}
