//! Switching a user off asks first: `GET /usuarios/{id}/desactivar` says what will happen (no more
//! sign-in, open sessions end now, history kept, can be undone) and only its form's `POST` does it.
//! A page rather than a browser `confirm()`, so it works without script and says more than a line.
//! `POST /usuarios/{id}/activar` switches a user back on; it takes nothing away, so it asks nothing.

use super::{PATH, done, refused, user_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use credinet_accounts::{Accounts, UserUpdate};
use credinet_core::ids::UserId;

#[derive(Template)]
#[template(path = "user_deactivate.html")]
struct ConfirmPage {
    chrome: Chrome,
    id: i64,
    full_name: String,
    email: String,
    /// Deactivating oneself ends this very session too: said so.
    is_self: bool,
}

pub async fn confirm(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let user = user_of(&state, &staff, id).await?;
    if !user.active {
        // Already off: nothing to confirm.
        return Ok(Redirect::to(PATH).into_response());
    }
    render(&ConfirmPage {
        chrome: Chrome::new(&staff, PATH),
        id: user.id.get(),
        is_self: user.id == staff.via.user.id,
        full_name: user.full_name,
        email: user.email,
    })
}

pub async fn deactivate(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
) -> Result<Response, PageError> {
    switch(state, staff, id, false).await
}

pub async fn activate(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
) -> Result<Response, PageError> {
    switch(state, staff, id, true).await
}

async fn switch(
    state: AppState,
    staff: Staff,
    id: UserId,
    active: bool,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let update = UserUpdate {
        active: Some(active),
        ..Default::default()
    };
    match Accounts::new(state.store())
        .update_user(staff.tenant.id, id, update, staff.requester())
        .await
    {
        Ok(Some(user)) if active => Ok(done(
            &state,
            &staff,
            format!("«{}» está activo otra vez.", user.full_name),
        )),
        Ok(Some(user)) => Ok(done(
            &state,
            &staff,
            format!(
                "«{}» quedó inactivo y sus sesiones se cerraron.",
                user.full_name
            ),
        )),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => refused(&state, &staff, e),
    }
}
