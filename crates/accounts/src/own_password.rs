//! Everyone changes their own password, proving they know the current one: a session left open on a
//! shared counter computer must not be enough to take the account over.

use crate::{AccountError, AccountRefusal, Accounts, Requester, password, users::hash_off_thread};
use credinet_core::ids::TenantId;
use credinet_store::repo::sessions;
use credinet_store::repo::users::{self, StaffUser, UserChange};

/// The change asked for by the signed-in person.
pub struct OwnPasswordChange<'a> {
    pub user: &'a StaffUser,
    /// The session the change is made from: it stays signed in, every other one of the user ends.
    pub session_hash: &'a str,
    pub current: String,
    pub new: String,
}

impl Accounts<'_> {
    /// Checks `current` against the stored hash (Argon2 on a blocking thread, as sign-in does), sets the
    /// new password and ends the user's other sessions. A wrong current password changes nothing and is
    /// audited, so repeated guesses from an open session are visible.
    pub async fn change_own_password(
        &self,
        tenant: TenantId,
        change: OwnPasswordChange<'_>,
        by: &Requester,
    ) -> Result<(), AccountError> {
        let user = change.user;
        let Some((_, stored)) = users::credentials(self.store.db(), tenant, &user.email).await?
        else {
            // Deleted or moved since the page was opened: nothing to change.
            return Err(AccountRefusal::WrongCurrentPassword.into());
        };
        let current = change.current;
        let matches = tokio::task::spawn_blocking(move || password::verify(&current, &stored))
            .await
            .unwrap_or(false);
        if !matches {
            let tx = self.store.write().await?;
            self.audit(
                &tx,
                tenant,
                by,
                "user_password_change_refused",
                "staff_user",
                Some(user.id.to_string()),
                None,
                None,
            )
            .await?;
            tx.commit().await?;
            return Err(AccountRefusal::WrongCurrentPassword.into());
        }
        let hash = hash_off_thread(change.new).await?;
        let tx = self.store.write().await?;
        let update = UserChange {
            password_hash: Some(hash),
            must_change_password: Some(false),
            ..Default::default()
        };
        if users::update(&tx, tenant, user.id, update, self.store.now())
            .await?
            .is_none()
        {
            return Err(AccountRefusal::WrongCurrentPassword.into());
        }
        sessions::delete_for_user_except(&tx, tenant, user.id, change.session_hash).await?;
        self.audit(
            &tx,
            tenant,
            by,
            "user_password_changed",
            "staff_user",
            Some(user.id.to_string()),
            None,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
