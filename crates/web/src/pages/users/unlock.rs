//! `POST /usuarios/{id}/desbloquear`: an admin lets a user locked out by failed sign-ins in again now,
//! instead of waiting for the lockout window to pass (audited as `user_unlocked`).

use super::{done, refused};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_accounts::Accounts;
use credinet_core::ids::UserId;

pub async fn unlock(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    match Accounts::new(state.store())
        .unlock_user(staff.tenant.id, id, staff.requester())
        .await
    {
        Ok(Some(user)) => Ok(done(
            &state,
            &staff,
            format!("«{}» puede volver a iniciar sesión.", user.full_name),
        )),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => refused(&state, &staff, e),
    }
}
