//! Who is behind a request: the look-ups the HTTP gates make on every page and every `/v1` call. The web
//! crate keeps the cookies and headers; whether a session or a key is still good is decided here.

use crate::{AccountSettings, Accounts, token};
use chrono::Duration;
use credinet_store::StoreError;
use credinet_store::repo::api_keys::ApiKey;
use credinet_store::repo::sessions;
use credinet_store::repo::tenants::Tenant;
use credinet_store::repo::users::{self, StaffUser};

/// A staff member signed in through a browser session.
pub struct SignedIn {
    pub tenant: Tenant,
    pub user: StaffUser,
    /// What the session row is stored under (the digest of the cookie's token).
    pub session_hash: String,
    pub csrf_token: String,
}

impl Accounts<'_> {
    /// The person behind a session cookie's token: a live session of an active user of an existing
    /// tenant, signed in less than `session_max_days` ago. The session of a user deactivated since is
    /// ended. The idle expiry slides, written at most once a minute per session (a write per page view
    /// would be a write per click).
    pub async fn signed_in(
        &self,
        session_token: &str,
        settings: &AccountSettings,
    ) -> Result<Option<SignedIn>, StoreError> {
        let id_hash = token::digest(session_token);
        let db = self.store.db();
        let now = self.store.now();
        let signed_in_after = now - settings.session_max_age();
        let Some(session) = sessions::find_live(db, &id_hash, now, signed_in_after).await? else {
            return Ok(None);
        };
        let Some(user) = users::get(db, session.tenant_id, session.user_id)
            .await?
            .filter(|u| u.active)
        else {
            sessions::delete(db, &id_hash).await?;
            return Ok(None);
        };
        let Some(tenant) = self.store.tenant(session.tenant_id).await? else {
            return Ok(None);
        };
        if now - session.last_seen_at > Duration::minutes(1) {
            sessions::touch(db, &id_hash, now, now + settings.session_idle()).await?;
        }
        Ok(Some(SignedIn {
            tenant,
            user,
            session_hash: id_hash,
            csrf_token: session.csrf_token,
        }))
    }

    /// The live key whose secret was presented, with its tenant; `None` for a key that is unknown or
    /// revoked (or whose tenant is gone). Notes that the key was used.
    pub async fn key_holder(&self, secret: &str) -> Result<Option<(Tenant, ApiKey)>, StoreError> {
        let Some(key) = self.store.live_api_key(&token::digest(secret)).await? else {
            return Ok(None);
        };
        let Some(tenant) = self.store.tenant(key.tenant_id).await? else {
            return Ok(None);
        };
        self.store.api_key_used(&key, self.store.now()).await?;
        Ok(Some((tenant, key)))
    }
}
