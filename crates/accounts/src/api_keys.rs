//! API keys for `/v1`: created with a random secret shown once and stored as its digest, revoked at once
//! everywhere (ADR 3).

use crate::{AccountError, Accounts, Requester, required, token};
use credinet_core::ids::{ApiKeyId, TenantId, UserId};
use credinet_core::role::Role;
use credinet_core::text::Field;
use credinet_store::repo::api_keys::{self, ApiKey, NewApiKey};
use serde_json::json;

/// The visible start of every key, so a leaked key is recognisable in a secret scanner.
pub const KEY_PREFIX: &str = "cn_";

/// A new key: what to show once, and what to store.
pub struct NewKey {
    pub plaintext: String,
    pub prefix: String,
    pub hash: String,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

pub fn generate() -> NewKey {
    let plaintext = format!("{KEY_PREFIX}{}", token::random_token());
    NewKey {
        prefix: plaintext.chars().take(11).collect(),
        hash: token::digest(&plaintext),
        plaintext,
    }
}

impl Accounts<'_> {
    /// Creates a key; the plaintext is returned once and never stored.
    pub async fn create_api_key(
        &self,
        tenant: TenantId,
        name: &str,
        role: Role,
        created_by: Option<UserId>,
        by: &Requester,
    ) -> Result<(ApiKey, String), AccountError> {
        let name = required(name, Field::KeyName, 100)?;
        let generated = generate();
        let new = NewApiKey {
            name: &name,
            prefix: &generated.prefix,
            key_hash: &generated.hash,
            role,
            created_by,
        };
        let tx = self.store.write().await?;
        let key = api_keys::create(&tx, tenant, new, self.store.now()).await?;
        let after = json!({
            "name": key.name, "prefix": key.prefix, "role": key.role, "created_by": key.created_by,
        });
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
        let key = api_keys::revoke(&tx, tenant, id, self.store.now()).await?;
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
        Ok(key)
    }
}
