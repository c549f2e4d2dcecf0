//! `POST /usuarios/{id}`: changes a user's role. Deactivating has its own confirmed action
//! ([`super::deactivate`]), so a role change can never switch someone off by a misread select.

use super::{done, refused, user_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_accounts::{Accounts, UserUpdate};
use credinet_core::ids::UserId;
use credinet_core::role::Role;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
    PageForm(form): PageForm<RoleForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let role = form.role.parse::<Role>().map_err(|_| PageError::BadForm)?;
    user_of(&state, &staff, id).await?;
    let update = UserUpdate {
        role: Some(role),
        ..Default::default()
    };
    match Accounts::new(state.store())
        .update_user(staff.tenant.id, id, update, staff.requester())
        .await
    {
        Ok(Some(user)) => Ok(done(
            &state,
            &staff,
            format!(
                "«{}» tiene ahora el rol {}.",
                user.full_name,
                user.role.label_es()
            ),
        )),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => refused(&state, &staff, e),
    }
}
