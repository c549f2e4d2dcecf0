//! Login attempts are rows, so the lockout counts failures across every instance.

use super::micros;
use crate::StoreError;
use crate::entities::login_attempt;
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QueryOrder,
};

/// Records an attempt; returns its id.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    email: &str,
    succeeded: bool,
    ip: Option<String>,
    at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let row = login_attempt::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        email: Set(email.to_string()),
        succeeded: Set(succeeded),
        ip: Set(ip),
        at: Set(micros(at)),
    }
    .insert(db)
    .await?;
    Ok(row.id)
}

/// Turns an attempt recorded as failed while its password was checked into a success.
pub async fn mark_succeeded<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: i64,
) -> Result<(), StoreError> {
    login_attempt::Entity::update_many()
        .col_expr(login_attempt::Column::Succeeded, Expr::value(true))
        .filter(login_attempt::Column::TenantId.eq(tenant.get()))
        .filter(login_attempt::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Failed attempts for `email` since `since` and after the last successful login, and the time of the
/// oldest of them (the lockout ends when it leaves the window).
pub async fn recent_failures<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    email: &str,
    since: DateTime<Utc>,
) -> Result<(u64, Option<DateTime<Utc>>), StoreError> {
    let last_success = login_attempt::Entity::find()
        .filter(login_attempt::Column::TenantId.eq(tenant.get()))
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::Succeeded.eq(true))
        .filter(login_attempt::Column::At.gte(since))
        .order_by_desc(login_attempt::Column::At)
        .one(db)
        .await?
        .map(|r| r.at);
    let from = last_success.map_or(since, |t| t.max(since));
    let failures = || {
        login_attempt::Entity::find()
            .filter(login_attempt::Column::TenantId.eq(tenant.get()))
            .filter(login_attempt::Column::Email.eq(email))
            .filter(login_attempt::Column::Succeeded.eq(false))
            .filter(login_attempt::Column::At.gt(from))
    };
    let count = failures().count(db).await?;
    let oldest = failures()
        .order_by_asc(login_attempt::Column::At)
        .one(db)
        .await?
        .map(|r| r.at);
    Ok((count, oldest))
}

/// Forgets the failed attempts for `email`: an admin unlocking an account. Returns how many went. The
/// failures stay in the audit log (`user_login_failed`); these rows only feed the lockout count.
pub async fn forget_failures<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    email: &str,
) -> Result<u64, StoreError> {
    let result = login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::TenantId.eq(tenant.get()))
        .filter(login_attempt::Column::Email.eq(email))
        .filter(login_attempt::Column::Succeeded.eq(false))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}
