//! Tenants, staff users and API keys: the services behind the CLI, the pages and `/v1`. Each change is one
//! transaction with its audit entry.

use crate::auth::{api_key, password};
use crate::sealer::Sealer;
use chrono::Utc;
use credinet_core::ids::{ApiKeyId, TenantId, UserId};
use credinet_core::role::Role;
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_store::repo::api_keys::{self, ApiKey, NewApiKey};
pub use credinet_store::repo::audit::Requester;
use credinet_store::repo::audit::{self, Record};
use credinet_store::repo::sessions;
use credinet_store::repo::tenants::{self, NewTenant, Tenant};
use credinet_store::repo::users::{self, NewUser, StaffUser, UserChange};
use credinet_store::{Store, StoreError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(e: sea_orm::DbErr) -> Self {
        AccountError::Store(e.into())
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AccountError::Conflict(what),
            other => AccountError::Store(other),
        }
    }
}

pub struct Accounts<'a> {
    store: &'a Store,
    sealer: &'a Sealer,
}

pub struct TenantInput {
    pub slug: String,
    pub legal_name: String,
    pub time_zone: String,
}

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

impl<'a> Accounts<'a> {
    pub fn new(store: &'a Store, sealer: &'a Sealer) -> Self {
        Accounts { store, sealer }
    }

    pub async fn create_tenant(
        &self,
        input: TenantInput,
        by: &Requester,
    ) -> Result<Tenant, AccountError> {
        let slug =
            TenantSlug::parse(&input.slug).map_err(|e| AccountError::Invalid(e.to_string()))?;
        let zone =
            Zone::parse(&input.time_zone).map_err(|e| AccountError::Invalid(e.to_string()))?;
        let legal_name = required(&input.legal_name, "the legal name", 200)?;
        let settings = json!({ "cut_days": [8, 23], "iva_rate": "0.16", "rounding": "half_up" });
        let new = NewTenant {
            slug,
            legal_name,
            zone,
            currency: "MXN".into(),
            settings,
        };
        let tx = self.store.write().await?;
        let tenant = tenants::create(&tx, new, Utc::now()).await?;
        let after = json!({ "slug": tenant.slug, "legal_name": tenant.legal_name, "time_zone": tenant.zone.name(),
            "currency": tenant.currency, "settings": tenant.settings });
        self.audit(
            &tx,
            tenant.id,
            by,
            "tenant_created",
            "tenant",
            Some(tenant.id.to_string()),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.sealer.nudge(tenant.id);
        Ok(tenant)
    }

    pub async fn create_user(
        &self,
        tenant: TenantId,
        input: UserInput,
        by: &Requester,
    ) -> Result<StaffUser, AccountError> {
        let email = valid_email(&input.email)?;
        let full_name = required(&input.full_name, "the full name", 200)?;
        let password_hash = hash_off_thread(input.password).await?;
        let new = NewUser {
            email,
            full_name,
            role: input.role,
            password_hash,
            must_change_password: false,
        };
        let tx = self.store.write().await?;
        let user = users::create(&tx, tenant, new, Utc::now()).await?;
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
        self.sealer.nudge(tenant);
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
            .map(|n| required(n, "the full name", 200))
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
                return Err(AccountError::Invalid(
                    "the tenant must keep at least one active admin".into(),
                ));
            }
        }
        let change = UserChange {
            full_name,
            role: update.role,
            active: update.active,
            ..Default::default()
        };
        let Some(after) = users::update(&tx, tenant, id, change, Utc::now()).await? else {
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
        self.sealer.nudge(tenant);
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
        let Some(user) = users::update(&tx, tenant, id, change, Utc::now()).await? else {
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
        self.sealer.nudge(tenant);
        Ok(Some(user))
    }

    /// Creates a key; the plaintext is returned once and never stored.
    pub async fn create_api_key(
        &self,
        tenant: TenantId,
        name: &str,
        role: Role,
        created_by: Option<UserId>,
        by: &Requester,
    ) -> Result<(ApiKey, String), AccountError> {
        let name = required(name, "the key name", 100)?;
        let generated = api_key::generate();
        let new = NewApiKey {
            name: &name,
            prefix: &generated.prefix,
            key_hash: &generated.hash,
            role,
            created_by,
        };
        let tx = self.store.write().await?;
        let key = api_keys::create(&tx, tenant, new, Utc::now()).await?;
        let after = json!({ "name": key.name, "prefix": key.prefix, "role": key.role });
        self.audit(
            &tx,
            tenant,
            by,
            "api_key_created",
            "api_key",
            Some(key.id.to_string()),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        self.sealer.nudge(tenant);
        Ok((key, generated.plaintext))
    }

    pub async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        by: &Requester,
    ) -> Result<Option<ApiKey>, AccountError> {
        let tx = self.store.write().await?;
        let Some(before) = api_keys::get(&tx, tenant, id).await? else {
            return Ok(None);
        };
        let key = api_keys::revoke(&tx, tenant, id, Utc::now()).await?;
        if before.revoked_at.is_none() {
            let after = json!({ "name": before.name, "prefix": before.prefix, "revoked": true });
            self.audit(
                &tx,
                tenant,
                by,
                "api_key_revoked",
                "api_key",
                Some(id.to_string()),
                None,
                Some(after),
            )
            .await?;
        }
        tx.commit().await?;
        self.store.api_keys_changed();
        self.sealer.nudge(tenant);
        Ok(key)
    }

    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        tx: &sea_orm::DatabaseTransaction,
        tenant: TenantId,
        by: &Requester,
        action: &'static str,
        entity: &'static str,
        entity_id: Option<String>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        let record = Record {
            actor: by.actor.clone(),
            origin: by.origin.clone(),
            action,
            entity,
            entity_id,
            before,
            after,
        };
        audit::append(tx, tenant, record, Utc::now())
            .await
            .map(|_| ())
    }
}

fn user_snapshot(user: &StaffUser) -> serde_json::Value {
    json!({ "email": user.email, "full_name": user.full_name, "role": user.role, "active": user.active })
}

fn required(value: &str, what: &str, max: usize) -> Result<String, AccountError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(AccountError::Invalid(format!("{what} is required")));
    }
    if trimmed.chars().count() > max {
        return Err(AccountError::Invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(trimmed.to_string())
}

fn valid_email(raw: &str) -> Result<String, AccountError> {
    let email = users::normalize_email(raw);
    let shape_ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && !email.contains(char::is_whitespace);
    if shape_ok {
        Ok(email)
    } else {
        Err(AccountError::Invalid(format!(
            "'{}' is not an email address",
            raw.trim()
        )))
    }
}

async fn hash_off_thread(plain: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || password::hash(&plain))
        .await
        .map_err(|e| AccountError::Invalid(format!("password hashing stopped: {e}")))?
        .map_err(|e| AccountError::Invalid(e.to_string()))
}
