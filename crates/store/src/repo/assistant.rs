//! The WhatsApp assistant's sessions, messages and pipeline stages (migration 15). Every function takes
//! the tenant; a session is found by (tenant, channel, sender) and locked before its message is handled,
//! which is how two servers on one database answer one conversation in order (SPEC §8).

use super::micros;
use crate::StoreError;
use crate::entities::{assistant_message, assistant_session, assistant_stage};
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

pub use assistant_message::Model as Message;
pub use assistant_session::Model as Session;

/// The longest sender key kept: a contact name longer than the column is cut there (two names equal in
/// their first 255 characters would share a session — a risk not worth a wider unique index).
const SENDER_KEY_CHARS: usize = 255;

/// A sender's key as its session stores it (cut at [`SENDER_KEY_CHARS`]).
pub fn stored_sender_key(sender_key: &str) -> String {
    sender_key.chars().take(SENDER_KEY_CHARS).collect()
}

/// The session of `sender` on `channel`, created when it writes for the first time, locked until the
/// transaction ends (`FOR UPDATE`; on SQLite the write transaction is the only writer).
pub async fn lock_session<C: ConnectionTrait>(
    tx: &C,
    tenant: TenantId,
    channel: &str,
    sender_key: &str,
    now: DateTime<Utc>,
) -> Result<Session, StoreError> {
    let now = micros(now);
    let key = stored_sender_key(sender_key);
    let locked = || {
        assistant_session::Entity::find()
            .filter(assistant_session::Column::TenantId.eq(tenant.get()))
            .filter(assistant_session::Column::Channel.eq(channel))
            .filter(assistant_session::Column::SenderKey.eq(key.clone()))
            .lock_exclusive()
            .one(tx)
    };
    // Every message but a sender's first finds its session: one statement instead of two.
    if let Some(session) = locked().await? {
        return Ok(session);
    }
    let fresh = assistant_session::ActiveModel {
        tenant_id: Set(tenant.get()),
        channel: Set(channel.to_string()),
        sender_key: Set(key.clone()),
        client_id: Set(None),
        awaiting: Set("nothing".into()),
        candidate_client_id: Set(None),
        failed_attempts: Set(0),
        locked_until: Set(None),
        handoff_until: Set(None),
        opted_out: Set(false),
        verified_at: Set(None),
        last_message_at: Set(now),
        created_at: Set(now),
        ..Default::default()
    };
    // Two first messages of one sender at once: one insert wins, the other does nothing and both then
    // queue on the row's lock.
    assistant_session::Entity::insert(fresh)
        .on_conflict(
            OnConflict::columns([
                assistant_session::Column::TenantId,
                assistant_session::Column::Channel,
                assistant_session::Column::SenderKey,
            ])
            .do_nothing_on([assistant_session::Column::TenantId])
            .to_owned(),
        )
        .exec_without_returning(tx)
        .await?;
    locked()
        .await?
        .ok_or_else(|| StoreError::NotFound("assistant session".into()))
}

/// Writes back what handling a message changed in its session (state, verification, handoff, opt-out).
pub async fn save_session<C: ConnectionTrait>(tx: &C, session: &Session) -> Result<(), StoreError> {
    let mut row: assistant_session::ActiveModel = session.clone().into();
    for column in [
        assistant_session::Column::ClientId,
        assistant_session::Column::Awaiting,
        assistant_session::Column::CandidateClientId,
        assistant_session::Column::FailedAttempts,
        assistant_session::Column::LockedUntil,
        assistant_session::Column::HandoffUntil,
        assistant_session::Column::OptedOut,
        assistant_session::Column::VerifiedAt,
        assistant_session::Column::LastMessageAt,
    ] {
        row.reset(column);
    }
    assistant_session::Entity::update_many()
        .set(row)
        .filter(assistant_session::Column::TenantId.eq(session.tenant_id))
        .filter(assistant_session::Column::Id.eq(session.id))
        .exec(tx)
        .await?;
    Ok(())
}

/// The status of a reply waiting to be sent (see [`super::assistant_replies`]).
pub const PENDING: &str = "pending";

/// A message about to be recorded.
pub struct NewMessage<'a> {
    pub direction: Direction,
    pub channel_message_id: Option<&'a str>,
    pub body: &'a str,
    pub intent: Option<&'a str>,
    pub confidence_pct: Option<i32>,
    pub template: Option<(&'a str, i32)>,
    /// A reply the channel must push (Cloud API): recorded `pending`, due now, for the reply sender.
    pub pending_send: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// The row of a message of `session`, as both writers store it: one by one ([`record_message`]) and
/// many to a transaction ([`super::assistant_batch`]).
pub(crate) fn message_row(
    session: &Session,
    new: &NewMessage<'_>,
    now: DateTime<Utc>,
) -> assistant_message::ActiveModel {
    assistant_message::ActiveModel {
        tenant_id: Set(session.tenant_id),
        session_id: Set(session.id),
        channel: Set(session.channel.clone()),
        direction: Set(new.direction.as_str().into()),
        channel_message_id: Set(new.channel_message_id.map(str::to_string)),
        body: Set(new.body.to_string()),
        intent: Set(new.intent.map(str::to_string)),
        confidence_pct: Set(new.confidence_pct),
        template: Set(new.template.map(|(name, _)| name.to_string())),
        template_version: Set(new.template.map(|(_, version)| version)),
        status: Set(new.pending_send.then(|| PENDING.to_string())),
        created_at: Set(micros(now)),
        ..Default::default()
    }
}

/// Records a message of `session`. An inbound message whose channel id was recorded before is not
/// recorded again: `None` says it is a redelivery to acknowledge and not answer. Call it with the
/// session locked, so a redelivery racing the first delivery waits for it and then finds it.
pub async fn record_message<C: ConnectionTrait>(
    tx: &C,
    session: &Session,
    new: NewMessage<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    if let Some(channel_id) = new.channel_message_id {
        let seen = assistant_message::Entity::find()
            .filter(assistant_message::Column::TenantId.eq(session.tenant_id))
            .filter(assistant_message::Column::Channel.eq(session.channel.as_str()))
            .filter(assistant_message::Column::ChannelMessageId.eq(channel_id))
            .one(tx)
            .await?;
        if seen.is_some() {
            return Ok(None);
        }
    }
    let row = message_row(session, &new, now);
    let message = row.insert(tx).await?;
    if new.pending_send {
        super::assistant_replies::enqueue(tx, &message, now).await?;
    }
    Ok(Some(message))
}

/// Records how long one pipeline stage took on `message` and how it ended.
pub async fn record_stage<C: ConnectionTrait>(
    tx: &C,
    message: &Message,
    stage: &str,
    duration_us: i64,
    outcome: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    assistant_stage::ActiveModel {
        tenant_id: Set(message.tenant_id),
        message_id: Set(message.id),
        stage: Set(stage.to_string()),
        duration_us: Set(duration_us),
        outcome: Set(outcome.chars().take(60).collect()),
        created_at: Set(micros(now)),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Records the stages of `message` — (stage, duration in µs, outcome) in the order they ran — in one
/// statement.
pub async fn record_stages<C: ConnectionTrait>(
    tx: &C,
    message: &Message,
    stages: &[(&str, i64, String)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if stages.is_empty() {
        return Ok(());
    }
    let now = micros(now);
    let rows = stages.iter().map(
        |(stage, duration_us, outcome)| assistant_stage::ActiveModel {
            tenant_id: Set(message.tenant_id),
            message_id: Set(message.id),
            stage: Set(stage.to_string()),
            duration_us: Set(*duration_us),
            outcome: Set(outcome.chars().take(60).collect()),
            created_at: Set(now),
            ..Default::default()
        },
    );
    assistant_stage::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// The stages recorded for `message`, in the order they ran.
pub async fn stages_of<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    message_id: i64,
) -> Result<Vec<assistant_stage::Model>, StoreError> {
    Ok(assistant_stage::Entity::find()
        .filter(assistant_stage::Column::TenantId.eq(tenant.get()))
        .filter(assistant_stage::Column::MessageId.eq(message_id))
        .order_by_asc(assistant_stage::Column::Id)
        .all(db)
        .await?)
}

/// The last `limit` messages of a session, oldest first (the transcript staff read).
pub async fn transcript<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    session_id: i64,
    limit: u64,
) -> Result<Vec<Message>, StoreError> {
    let mut newest = assistant_message::Entity::find()
        .filter(assistant_message::Column::TenantId.eq(tenant.get()))
        .filter(assistant_message::Column::SessionId.eq(session_id))
        .order_by_desc(assistant_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    newest.reverse();
    Ok(newest)
}

/// The sessions verified as `client`, most recent first (the client page's conversations).
pub async fn sessions_of_client<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    client_id: i64,
) -> Result<Vec<Session>, StoreError> {
    Ok(assistant_session::Entity::find()
        .filter(assistant_session::Column::TenantId.eq(tenant.get()))
        .filter(assistant_session::Column::ClientId.eq(client_id))
        .order_by_desc(assistant_session::Column::LastMessageAt)
        .all(db)
        .await?)
}

/// Records a Cloud API delivery status (`delivered`, `read`, `failed`) on the reply it is about. A status
/// for a message this tenant never sent changes nothing.
pub async fn set_delivery_status<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    channel: &str,
    channel_message_id: &str,
    status: &str,
) -> Result<(), StoreError> {
    assistant_message::Entity::update_many()
        .col_expr(
            assistant_message::Column::Status,
            status.chars().take(16).collect::<String>().into(),
        )
        .filter(assistant_message::Column::TenantId.eq(tenant.get()))
        .filter(assistant_message::Column::Channel.eq(channel))
        .filter(assistant_message::Column::ChannelMessageId.eq(channel_message_id))
        .filter(assistant_message::Column::Direction.eq(Direction::Out.as_str()))
        .exec(db)
        .await?;
    Ok(())
}

/// Session `id` of the tenant, locked until the transaction ends (staff acting on one conversation,
/// e.g. an agent releasing a handoff); `None` for another tenant's session.
pub async fn lock_session_by_id<C: ConnectionTrait>(
    tx: &C,
    tenant: TenantId,
    id: i64,
) -> Result<Option<Session>, StoreError> {
    Ok(assistant_session::Entity::find()
        .filter(assistant_session::Column::TenantId.eq(tenant.get()))
        .filter(assistant_session::Column::Id.eq(id))
        .lock_exclusive()
        .one(tx)
        .await?)
}
