//! Messages to deliver: claimed under a lease by one deliverer at a time, then recorded as sent,
//! scheduled for another attempt, or dead.
//!
//! A claim's lease (`claimed_until`) is also its token: an outcome is recorded only on a row that still
//! carries the lease the deliverer was given, so a deliverer that outlived its lease cannot overwrite
//! what the one that took the message over recorded.

use super::Owner;
use crate::entities::notify_message;
use crate::repo::micros;
use crate::{Store, StoreError, WriteTx};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect,
};

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const DEAD: &str = "dead";

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub tenant_id: Option<i64>,
    pub channel_id: i64,
    pub group_id: i64,
    pub kind: String,
    pub destination: String,
    pub part: i32,
    pub parts: i32,
    pub occurrences: i32,
    pub subject: Option<String>,
    pub body: String,
}

pub async fn insert_many(
    tx: &WriteTx,
    new: Vec<NewMessage>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = micros(now);
    for chunk in new.chunks(500) {
        let rows = chunk.iter().cloned().map(|m| notify_message::ActiveModel {
            id: NotSet,
            tenant_id: Set(m.tenant_id),
            channel_id: Set(m.channel_id),
            group_id: Set(m.group_id),
            kind: Set(m.kind),
            destination: Set(m.destination),
            part: Set(m.part),
            parts: Set(m.parts),
            occurrences: Set(m.occurrences),
            subject: Set(m.subject),
            body: Set(m.body),
            status: Set(PENDING.to_string()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            claimed_until: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
        });
        notify_message::Entity::insert_many(rows)
            .exec_without_returning(tx)
            .await?;
    }
    Ok(())
}

/// Messages leased to one deliverer until `until`.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub messages: Vec<notify_message::Model>,
    pub until: DateTime<Utc>,
}

/// Claims up to `limit` pending messages that are due and that nobody holds, in the order they became
/// due (parts of one message in order), and commits the lease before returning.
pub async fn claim_due(store: &Store, limit: u64, lease: Duration) -> Result<Claimed, StoreError> {
    let now = store.now();
    let until = micros(now + lease);
    let tx = store.write_queue().await?;
    let mut due = notify_message::Entity::find()
        .filter(notify_message::Column::Status.eq(PENDING))
        .filter(notify_message::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(notify_message::Column::ClaimedUntil.is_null())
                .add(notify_message::Column::ClaimedUntil.lte(now)),
        )
        .order_by_asc(notify_message::Column::NextAttemptAt)
        .order_by_asc(notify_message::Column::Id)
        .limit(limit);
    if store.backend() != DbBackend::Sqlite {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let mut messages = due.all(&tx).await?;
    if !messages.is_empty() {
        notify_message::Entity::update_many()
            .col_expr(notify_message::Column::ClaimedUntil, until.into())
            .filter(notify_message::Column::Id.is_in(messages.iter().map(|m| m.id)))
            .exec(&tx)
            .await?;
    }
    tx.commit().await?;
    for message in &mut messages {
        message.claimed_until = Some(until);
    }
    Ok(Claimed { messages, until })
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Try again at `at`; `attempts` is the count after this attempt.
    Retry {
        attempts: i32,
        at: DateTime<Utc>,
        error: String,
    },
    /// Not tried (a rate limit said wait): back to the queue at `at`, attempts unchanged.
    Deferred {
        at: DateTime<Utc>,
    },
    /// Given up: kept as a dead letter until an admin retries it.
    Dead {
        attempts: i32,
        error: String,
    },
    /// Not tried (the worker is stopping, or its lease would end before an answer could come back):
    /// the claim is given back and the message keeps its place in the queue.
    Released,
}

/// Records the outcome of a message claimed with lease `until`; false when the lease was lost (another
/// deliverer took the message over), in which case nothing is written.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    id: i64,
    until: DateTime<Utc>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let update = notify_message::Entity::update_many()
        .filter(notify_message::Column::Id.eq(id))
        .filter(notify_message::Column::Status.eq(PENDING))
        .filter(notify_message::Column::ClaimedUntil.eq(micros(until)))
        .col_expr(
            notify_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
    let update = match outcome {
        Outcome::Sent => update
            .col_expr(notify_message::Column::Status, SENT.into())
            .col_expr(
                notify_message::Column::Attempts,
                Expr::col(notify_message::Column::Attempts).add(1),
            )
            .col_expr(notify_message::Column::SentAt, micros(now).into()),
        Outcome::Retry {
            attempts,
            at,
            error,
        } => update
            .col_expr(notify_message::Column::Attempts, attempts.into())
            .col_expr(notify_message::Column::NextAttemptAt, micros(at).into())
            .col_expr(notify_message::Column::LastError, short(error).into()),
        Outcome::Deferred { at } => {
            update.col_expr(notify_message::Column::NextAttemptAt, micros(at).into())
        }
        Outcome::Dead { attempts, error } => update
            .col_expr(notify_message::Column::Status, DEAD.into())
            .col_expr(notify_message::Column::Attempts, attempts.into())
            .col_expr(notify_message::Column::LastError, short(error).into()),
        Outcome::Released => update,
    };
    Ok(update.exec(db).await?.rows_affected == 1)
}

/// [`record`] as one statement committed on its own: one round trip to the database instead of
/// three (BEGIN, UPDATE, COMMIT). The delivery worker records each message right after its answer and
/// before sending the next one of its lane (ADR 26), so this round trip is on every message's path.
pub async fn record_alone(
    store: &Store,
    id: i64,
    until: DateTime<Utc>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    record(store.writer(), id, until, outcome, now).await
}

fn short(error: String) -> String {
    error.chars().take(500).collect()
}

/// Points a channel's pending messages at a new destination (a Telegram group that became a
/// supergroup has a new chat id).
pub async fn retarget<C: ConnectionTrait>(
    db: &C,
    channel_id: i64,
    from: &str,
    to: &str,
) -> Result<u64, StoreError> {
    let done = notify_message::Entity::update_many()
        .col_expr(notify_message::Column::Destination, to.into())
        .filter(notify_message::Column::ChannelId.eq(channel_id))
        .filter(notify_message::Column::Destination.eq(from))
        .filter(notify_message::Column::Status.eq(PENDING))
        .exec(db)
        .await?;
    Ok(done.rows_affected)
}

/// The owner's messages, newest first, optionally of one status.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    status: Option<&str>,
    limit: u64,
) -> Result<Vec<notify_message::Model>, StoreError> {
    let mut q = notify_message::Entity::find().filter(owner.is(notify_message::Column::TenantId));
    if let Some(status) = status {
        q = q.filter(notify_message::Column::Status.eq(status));
    }
    Ok(q.order_by_desc(notify_message::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// Puts one of the owner's dead letters back in the queue with its attempts reset; false when there
/// is no such dead letter.
pub async fn retry_dead<C: ConnectionTrait>(
    db: &C,
    owner: Owner,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = notify_message::Entity::update_many()
        .col_expr(notify_message::Column::Status, PENDING.into())
        .col_expr(notify_message::Column::Attempts, 0.into())
        .col_expr(notify_message::Column::NextAttemptAt, micros(now).into())
        .col_expr(
            notify_message::Column::ClaimedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(notify_message::Column::Id.eq(id))
        .filter(notify_message::Column::Status.eq(DEAD))
        .filter(owner.is(notify_message::Column::TenantId))
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Messages by (channel, status), every owner's: the outbox depth and failures for `/metrics`.
pub async fn counts<C: ConnectionTrait>(db: &C) -> Result<Vec<(i64, String, i64)>, StoreError> {
    let rows: Vec<(i64, String, i64)> = notify_message::Entity::find()
        .select_only()
        .column(notify_message::Column::ChannelId)
        .column(notify_message::Column::Status)
        .column_as(notify_message::Column::Id.count(), "n")
        .group_by(notify_message::Column::ChannelId)
        .group_by(notify_message::Column::Status)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}
