//! Cloud API replies waiting to be sent (migration 13, ADR 31). A reply is recorded `pending`, with its
//! queue row, in the transaction that handled its message; the reply sender claims the due ones, sends
//! each through the Graph API and records how it went. A claimed reply is held (its `send_after` moved
//! ahead) while it is
//! being sent, so a second server does not send it too, and a server stopped mid-send leaves it due again
//! once the hold passes: a stop loses nothing (at worst a reply the Graph API took but whose answer was
//! not recorded goes twice).

use super::assistant::Message;
use super::micros;
use crate::entities::{assistant_message, assistant_reply_queue as queue, assistant_session};
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// A reply to send and whom to: the session's sender (an E.164 number on the Cloud API).
#[derive(Debug, Clone)]
pub struct DueReply {
    pub message: Message,
    pub recipient: String,
    /// Attempts made before this one.
    pub attempts: i32,
}

/// Queues `message` (a reply just recorded `pending`) to be sent now; in the caller's transaction.
pub async fn enqueue<C: ConnectionTrait>(
    tx: &C,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    queue::ActiveModel {
        tenant_id: Set(message.tenant_id),
        message_id: Set(message.id),
        session_id: Set(message.session_id),
        attempts: Set(0),
        send_after: Set(Some(micros(now))),
        last_error: Set(None),
        created_at: Set(micros(now)),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    Ok(())
}

/// Claims at most `limit` replies due now, every tenant's, and holds them for `hold`. Only the oldest
/// pending reply of a conversation is due, so a conversation's replies go out in order even when an
/// earlier one waits for a retry.
pub async fn claim_due(
    store: &Store,
    limit: u64,
    hold: Duration,
) -> Result<Vec<DueReply>, StoreError> {
    let now = store.now();
    let until = micros(now + hold);
    let tx = store.write_queue().await?;
    let mut due = queue::Entity::find()
        .filter(queue::Column::SendAfter.lte(micros(now)))
        .order_by_asc(queue::Column::Id)
        .limit(limit);
    if store.backend() != DbBackend::Sqlite {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let candidates = due.all(&tx).await?;
    if candidates.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    let mut sessions: Vec<i64> = candidates.iter().map(|q| q.session_id).collect();
    sessions.sort_unstable();
    sessions.dedup();
    // The oldest reply still queued in each conversation (due or waiting for a retry).
    let oldest: HashMap<i64, i64> = queue::Entity::find()
        .select_only()
        .column(queue::Column::SessionId)
        .column_as(queue::Column::Id.min(), "oldest")
        .filter(queue::Column::SendAfter.is_not_null())
        .filter(queue::Column::SessionId.is_in(sessions.iter().copied()))
        .group_by(queue::Column::SessionId)
        .into_tuple::<(i64, i64)>()
        .all(&tx)
        .await?
        .into_iter()
        .collect();
    let claimed: Vec<queue::Model> = candidates
        .into_iter()
        .filter(|q| oldest.get(&q.session_id) == Some(&q.id))
        .collect();
    if claimed.is_empty() {
        tx.commit().await?;
        return Ok(Vec::new());
    }
    queue::Entity::update_many()
        .col_expr(queue::Column::SendAfter, Some(until).into())
        .filter(queue::Column::Id.is_in(claimed.iter().map(|q| q.id)))
        .exec(&tx)
        .await?;
    let mut messages: HashMap<i64, Message> = assistant_message::Entity::find()
        .filter(assistant_message::Column::Id.is_in(claimed.iter().map(|q| q.message_id)))
        .all(&tx)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let recipients: HashMap<i64, String> = assistant_session::Entity::find()
        .filter(assistant_session::Column::Id.is_in(claimed.iter().map(|q| q.session_id)))
        .all(&tx)
        .await?
        .into_iter()
        .map(|s| (s.id, s.sender_key))
        .collect();
    tx.commit().await?;
    Ok(claimed
        .into_iter()
        .filter_map(|q| {
            Some(DueReply {
                message: messages.remove(&q.message_id)?,
                recipient: recipients.get(&q.session_id)?.clone(),
                attempts: q.attempts,
            })
        })
        .collect())
}

/// The Graph API took the reply: `sent`, with Meta's id when it gave one (its delivery statuses find
/// the reply by it). The reply's status and its queue row change in one transaction: a stop between
/// them would leave a `sent` reply due again, and send it twice.
pub async fn sent(
    store: &Store,
    tenant: TenantId,
    message_id: i64,
    attempts: i32,
    channel_message_id: Option<&str>,
) -> Result<(), StoreError> {
    let tx = store.write().await?;
    let mut update = assistant_message::Entity::update_many()
        .col_expr(assistant_message::Column::Status, SENT.to_string().into());
    if let Some(id) = channel_message_id {
        let id: String = id.chars().take(200).collect();
        update = update.col_expr(assistant_message::Column::ChannelMessageId, id.into());
    }
    update
        .filter(assistant_message::Column::TenantId.eq(tenant.get()))
        .filter(assistant_message::Column::Id.eq(message_id))
        .exec(&tx)
        .await?;
    finish(&tx, tenant, message_id, attempts, None, None).await?;
    tx.commit().await?;
    Ok(())
}

/// An attempt failed: tried again at `retry_at`, or `failed` for good when it is `None` (status and
/// queue row in one transaction).
pub async fn attempt_failed(
    store: &Store,
    tenant: TenantId,
    message_id: i64,
    attempts: i32,
    retry_at: Option<DateTime<Utc>>,
    error: &str,
) -> Result<(), StoreError> {
    let tx = store.write().await?;
    if retry_at.is_none() {
        assistant_message::Entity::update_many()
            .col_expr(assistant_message::Column::Status, FAILED.to_string().into())
            .filter(assistant_message::Column::TenantId.eq(tenant.get()))
            .filter(assistant_message::Column::Id.eq(message_id))
            .exec(&tx)
            .await?;
    }
    finish(&tx, tenant, message_id, attempts, retry_at, Some(error)).await?;
    tx.commit().await?;
    Ok(())
}

/// Records an attempt on the queue row: the next one at `retry_at`, none when it is `None`.
async fn finish<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    message_id: i64,
    attempts: i32,
    retry_at: Option<DateTime<Utc>>,
    error: Option<&str>,
) -> Result<(), StoreError> {
    queue::Entity::update_many()
        .col_expr(queue::Column::Attempts, attempts.into())
        .col_expr(queue::Column::SendAfter, retry_at.map(micros).into())
        .col_expr(
            queue::Column::LastError,
            error
                .map(|e| e.chars().take(200).collect::<String>())
                .into(),
        )
        .filter(queue::Column::TenantId.eq(tenant.get()))
        .filter(queue::Column::MessageId.eq(message_id))
        .exec(db)
        .await?;
    Ok(())
}
