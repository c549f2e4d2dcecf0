//! Browser sessions are rows, so every instance behind a load balancer sees the same sessions.

use super::micros;
use crate::StoreError;
use crate::entities::web_session;
use chrono::{DateTime, Utc};
use credinet_core::ids::{TenantId, UserId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

#[derive(Clone, PartialEq)]
pub struct WebSession {
    pub id_hash: String,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl std::fmt::Debug for WebSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebSession")
            .field("tenant_id", &self.tenant_id)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .field("last_seen_at", &self.last_seen_at)
            .finish_non_exhaustive()
    }
}

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub tenant: TenantId,
    pub user: UserId,
    pub csrf_token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now = micros(now);
    web_session::ActiveModel {
        id: Set(new.id_hash.to_string()),
        tenant_id: Set(new.tenant.get()),
        user_id: Set(new.user.get()),
        csrf_token: Set(new.csrf_token.to_string()),
        created_at: Set(now),
        expires_at: Set(micros(new.expires_at)),
        last_seen_at: Set(now),
        ip: Set(new.ip),
        user_agent: Set(new.user_agent.map(|ua| ua.chars().take(512).collect())),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The live session whose token hashes to `id_hash`: not expired by idleness, and signed in after
/// `signed_in_after` (sessions have an absolute lifetime however much they are used).
pub async fn find_live<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
    signed_in_after: DateTime<Utc>,
) -> Result<Option<WebSession>, StoreError> {
    let row = web_session::Entity::find_by_id(id_hash.to_string())
        .filter(web_session::Column::ExpiresAt.gt(now))
        .filter(web_session::Column::CreatedAt.gt(signed_in_after))
        .one(db)
        .await?;
    Ok(row.map(|r| WebSession {
        id_hash: r.id,
        tenant_id: TenantId::new(r.tenant_id),
        user_id: UserId::new(r.user_id),
        csrf_token: r.csrf_token,
        expires_at: r.expires_at,
        last_seen_at: r.last_seen_at,
    }))
}

/// Slides the expiry of an active session forward.
pub async fn touch<C: ConnectionTrait>(
    db: &C,
    id_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    web_session::Entity::update_many()
        .col_expr(web_session::Column::LastSeenAt, now.into())
        .col_expr(web_session::Column::ExpiresAt, micros(expires_at).into())
        .filter(web_session::Column::Id.eq(id_hash))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn delete<C: ConnectionTrait>(db: &C, id_hash: &str) -> Result<(), StoreError> {
    web_session::Entity::delete_by_id(id_hash.to_string())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of one user (password change, deactivation).
pub async fn delete_for_user<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    user: UserId,
) -> Result<u64, StoreError> {
    let result = web_session::Entity::delete_many()
        .filter(web_session::Column::TenantId.eq(tenant.get()))
        .filter(web_session::Column::UserId.eq(user.get()))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Ends every session of one user but `keep` (the one that changed its own password stays signed in;
/// any other browser where the old password was used is signed out).
pub async fn delete_for_user_except<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    user: UserId,
    keep: &str,
) -> Result<u64, StoreError> {
    let result = web_session::Entity::delete_many()
        .filter(web_session::Column::TenantId.eq(tenant.get()))
        .filter(web_session::Column::UserId.eq(user.get()))
        .filter(web_session::Column::Id.ne(keep))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Deletes the sessions that can no longer be used: idle past their expiry, or signed in at or before
/// `signed_in_by` (older than the absolute lifetime). Returns how many went. A session row holds no
/// money and no audit trail; sign-ins and sign-outs are in the audit log.
pub async fn delete_expired<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    signed_in_by: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let result = web_session::Entity::delete_many()
        .filter(
            sea_orm::Condition::any()
                .add(web_session::Column::ExpiresAt.lte(micros(now)))
                .add(web_session::Column::CreatedAt.lte(micros(signed_in_by))),
        )
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
