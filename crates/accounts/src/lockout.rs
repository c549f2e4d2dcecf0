//! Locked accounts: which users the sign-in lockout holds now, and an admin unlocking one. The lockout
//! itself is the count of recent failed attempts (login.rs); unlocking forgets those attempts.

use crate::{AccountError, Accounts, LoginPolicy, Requester};
use credinet_core::ids::{TenantId, UserId};
use credinet_store::StoreError;
use credinet_store::repo::login_attempts;
use credinet_store::repo::users::{self, StaffUser};
use serde_json::json;

impl Accounts<'_> {
    /// Whether sign-in refuses `user` now for too many failures, by the same count sign-in makes.
    pub async fn is_locked(
        &self,
        tenant: TenantId,
        user: &StaffUser,
        policy: &LoginPolicy,
    ) -> Result<bool, StoreError> {
        let since = self.store.now() - policy.lockout_window;
        let (failures, _) =
            login_attempts::recent_failures(self.store.db(), tenant, &user.email, since).await?;
        Ok(failures >= u64::from(policy.lockout_max_failures))
    }

    /// Lets `id` sign in again at once: its failed attempts are forgotten (they stay in the audit log as
    /// `user_login_failed`). The user's row is locked as sign-in locks it, so an attempt in flight is
    /// counted either before or after, never half. `None` when no such user is in the tenant.
    pub async fn unlock_user(
        &self,
        tenant: TenantId,
        id: UserId,
        by: &Requester,
    ) -> Result<Option<StaffUser>, AccountError> {
        let tx = self.store.write().await?;
        let Some(user) = users::get(&tx, tenant, id).await? else {
            return Ok(None);
        };
        users::credentials_locked(&tx, tenant, &user.email).await?;
        let forgotten = login_attempts::forget_failures(&tx, tenant, &user.email).await?;
        self.audit(
            &tx,
            tenant,
            by,
            "user_unlocked",
            "staff_user",
            Some(id.to_string()),
            Some(json!({ "failed_attempts": forgotten })),
            Some(json!({ "failed_attempts": 0 })),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(user))
    }
}
