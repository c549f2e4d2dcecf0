use super::micros;
use crate::entities::staff_user;
use crate::{StoreError, error::is_unique_violation};
use chrono::{DateTime, Utc};
use credinet_core::ids::{TenantId, UserId};
use credinet_core::role::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    NotSet, QueryFilter, QueryOrder, QuerySelect,
};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StaffUser {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone)]
pub struct NewUser {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password_hash: String,
    pub must_change_password: bool,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .field("must_change_password", &self.must_change_password)
            .finish_non_exhaustive()
    }
}

/// Emails are matched case-insensitively: they are stored lowercased.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    new: NewUser,
    now: DateTime<Utc>,
) -> Result<StaffUser, StoreError> {
    let now = micros(now);
    let email = normalize_email(&new.email);
    let row = staff_user::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        email: Set(email.clone()),
        full_name: Set(new.full_name.trim().to_string()),
        role: Set(new.role.as_str().to_string()),
        password_hash: Set(new.password_hash),
        active: Set(true),
        must_change_password: Set(new.must_change_password),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("user '{email}'"))
        } else {
            e.into()
        }
    })?;
    to_domain(row)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: UserId,
) -> Result<Option<StaffUser>, StoreError> {
    find_row(db, tenant, id).await?.map(to_domain).transpose()
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Vec<StaffUser>, StoreError> {
    staff_user::Entity::find()
        .filter(staff_user::Column::TenantId.eq(tenant.get()))
        .order_by_asc(staff_user::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The user and its password hash, for a login.
pub async fn credentials<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    email: &str,
) -> Result<Option<(StaffUser, String)>, StoreError> {
    with_hash(by_email(tenant, email).one(db).await?)
}

fn by_email(tenant: TenantId, email: &str) -> sea_orm::Select<staff_user::Entity> {
    staff_user::Entity::find()
        .filter(staff_user::Column::TenantId.eq(tenant.get()))
        .filter(staff_user::Column::Email.eq(normalize_email(email)))
}

fn with_hash(row: Option<staff_user::Model>) -> Result<Option<(StaffUser, String)>, StoreError> {
    row.map(|r| {
        let hash = r.password_hash.clone();
        to_domain(r).map(|u| (u, hash))
    })
    .transpose()
}

/// [`credentials`], with the user's row locked until the transaction ends (on SQLite the write
/// transaction is the lock): sign-in counts an account's failures and admits an attempt as one step.
pub async fn credentials_locked<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    email: &str,
) -> Result<Option<(StaffUser, String)>, StoreError> {
    with_hash(by_email(tenant, email).lock_exclusive().one(db).await?)
}

#[derive(Clone, Default)]
pub struct UserChange {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    pub must_change_password: Option<bool>,
}

impl std::fmt::Debug for UserChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserChange")
            .field("full_name", &self.full_name)
            .field("role", &self.role)
            .field("active", &self.active)
            .field(
                "password_hash",
                &credinet_core::masked::presence(&self.password_hash),
            )
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
}

/// Applies a change to a user of `tenant`; `None` when no such user exists in that tenant.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: UserId,
    change: UserChange,
    now: DateTime<Utc>,
) -> Result<Option<StaffUser>, StoreError> {
    let Some(row) = find_row(db, tenant, id).await? else {
        return Ok(None);
    };
    let mut active = row.into_active_model();
    if let Some(name) = change.full_name {
        active.full_name = Set(name.trim().to_string());
    }
    if let Some(role) = change.role {
        active.role = Set(role.as_str().to_string());
    }
    if let Some(flag) = change.active {
        active.active = Set(flag);
    }
    if let Some(hash) = change.password_hash {
        active.password_hash = Set(hash);
    }
    if let Some(flag) = change.must_change_password {
        active.must_change_password = Set(flag);
    }
    active.updated_at = Set(micros(now));
    Ok(Some(to_domain(active.update(db).await?)?))
}

async fn find_row<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: UserId,
) -> Result<Option<staff_user::Model>, StoreError> {
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::TenantId.eq(tenant.get()))
        .filter(staff_user::Column::Id.eq(id.get()))
        .one(db)
        .await?)
}

fn to_domain(row: staff_user::Model) -> Result<StaffUser, StoreError> {
    Ok(StaffUser {
        id: UserId::new(row.id),
        tenant_id: TenantId::new(row.tenant_id),
        role: row
            .role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("user {}: {e}", row.id)))?,
        email: row.email,
        full_name: row.full_name,
        active: row.active,
        must_change_password: row.must_change_password,
        created_at: row.created_at,
    })
}
