//! Staff users: creating, changing, deactivating, setting passwords. A tenant always keeps an active admin.

use crate::{AccountError, AccountRefusal, Accounts, Requester, password, required};
use credinet_core::ids::{TenantId, UserId};
use credinet_core::role::Role;
use credinet_core::text::Field;
use credinet_store::repo::sessions;
use credinet_store::repo::users::{self, NewUser, StaffUser, UserChange};
use serde_json::json;

pub struct UserInput {
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub password: String,
}

#[derive(Debug, Default, Clone)]
pub struct UserUpdate {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
}

impl Accounts<'_> {
    pub async fn create_user(
        &self,
        tenant: TenantId,
        input: UserInput,
        by: &Requester,
    ) -> Result<StaffUser, AccountError> {
        let email = valid_email(&input.email)?;
        let full_name = required(&input.full_name, Field::FullName, 200)?;
        let password_hash = hash_off_thread(input.password).await?;
        let new = NewUser {
            email,
            full_name,
            role: input.role,
            password_hash,
            must_change_password: false,
        };
        let tx = self.store.write().await?;
        let user = users::create(&tx, tenant, new, self.store.now()).await?;
        let after = user_snapshot(&user);
        self.audit(
            &tx,
            tenant,
            by,
            "user_created",
            "staff_user",
            Some(user.id.to_string()),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes name, role or active flag. Refuses to leave the tenant without an active admin.
    pub async fn update_user(
        &self,
        tenant: TenantId,
        id: UserId,
        update: UserUpdate,
        by: &Requester,
    ) -> Result<Option<StaffUser>, AccountError> {
        let full_name = update
            .full_name
            .as_deref()
            .map(|n| required(n, Field::FullName, 200))
            .transpose()?;
        let tx = self.store.write().await?;
        let Some(before) = users::get(&tx, tenant, id).await? else {
            return Ok(None);
        };
        let loses_admin = before.role == Role::Admin
            && before.active
            && (update.role.is_some_and(|r| r != Role::Admin) || update.active == Some(false));
        if loses_admin {
            let admins = users::list(&tx, tenant)
                .await?
                .iter()
                .filter(|u| u.role == Role::Admin && u.active)
                .count();
            if admins <= 1 {
                return Err(AccountRefusal::LastAdmin.into());
            }
        }
        let change = UserChange {
            full_name,
            role: update.role,
            active: update.active,
            ..Default::default()
        };
        let Some(after) = users::update(&tx, tenant, id, change, self.store.now()).await? else {
            return Ok(None);
        };
        if !after.active {
            sessions::delete_for_user(&tx, tenant, id).await?;
        }
        let (b, a) = (user_snapshot(&before), user_snapshot(&after));
        self.audit(
            &tx,
            tenant,
            by,
            "user_updated",
            "staff_user",
            Some(id.to_string()),
            Some(b),
            Some(a),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(after))
    }

    /// Sets a new password and ends the user's sessions.
    pub async fn set_password(
        &self,
        tenant: TenantId,
        id: UserId,
        new_password: String,
        by: &Requester,
    ) -> Result<Option<StaffUser>, AccountError> {
        let hash = hash_off_thread(new_password).await?;
        let tx = self.store.write().await?;
        let change = UserChange {
            password_hash: Some(hash),
            must_change_password: Some(false),
            ..Default::default()
        };
        let Some(user) = users::update(&tx, tenant, id, change, self.store.now()).await? else {
            return Ok(None);
        };
        sessions::delete_for_user(&tx, tenant, id).await?;
        self.audit(
            &tx,
            tenant,
            by,
            "user_password_set",
            "staff_user",
            Some(id.to_string()),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user))
    }
}

fn user_snapshot(user: &StaffUser) -> serde_json::Value {
    json!({ "email": user.email, "full_name": user.full_name, "role": user.role, "active": user.active })
}

fn valid_email(raw: &str) -> Result<String, AccountError> {
    let email = users::normalize_email(raw);
    let shape_ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace)
        && credinet_core::text::first_control_character(&email).is_none();
    if shape_ok {
        Ok(email)
    } else {
        Err(AccountRefusal::NotAnEmail.into())
    }
}

pub(crate) async fn hash_off_thread(plain: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password::hash(&plain))
        .await
        .map_err(|e| AccountError::Invalid(format!("password hashing stopped: {e}")))?
        .map_err(|e| AccountRefusal::Password(e).into())
}
