//! An admin sets a new password for a user who forgot theirs: `GET /usuarios/{id}/contrasena` is the
//! form, its `POST` sets it (Argon2 on a blocking thread), ends the user's sessions and is audited as
//! `user_password_set`. The password is typed twice, since nobody sees it, and never shown again.

use super::{PATH, done, explain, field_of, user_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::pages::password::{PasswordForm, PasswordPage, confirmation_differs};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_accounts::Accounts;
use credinet_core::ids::UserId;

const FORM: &str = "contrasena";

fn path(id: UserId) -> String {
    format!("{PATH}/{id}/contrasena")
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let user = user_of(&state, &staff, id).await?;
    let (jar, flash) = flash::take(&state, &staff, jar, &path(id));
    let form = match flash {
        Some(Flash::Refused { form, typed }) if form == FORM => typed,
        _ => Form::default(),
    };
    let page = page(&staff, id, &user.full_name, form, StatusCode::OK)?;
    Ok((jar, page).into_response())
}

fn page(
    staff: &Staff,
    id: UserId,
    full_name: &str,
    form: Form,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = PasswordPage {
        chrome: Chrome::new(staff, PATH),
        heading: format!("Restablecer la contraseña de {full_name}"),
        explanation:
            "Sus sesiones abiertas se cerrarán. Comuníquele la contraseña nueva en persona \
                      o por un medio seguro; podrá cambiarla después desde «Mi contraseña»."
                .into(),
        action: path(id),
        ask_current: false,
        notice: None,
        back: Some(PATH),
        form,
    };
    render(&page).map(|r| (status, r).into_response())
}

pub async fn reset(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let user = user_of(&state, &staff, id).await?;
    let refusal = if form.new_password != form.confirmation {
        Some(confirmation_differs())
    } else {
        match Accounts::new(state.store())
            .set_password(staff.tenant.id, id, form.new_password, staff.requester())
            .await
        {
            Ok(Some(_)) => {
                return Ok(done(
                    &state,
                    &staff,
                    format!(
                        "Contraseña de «{}» restablecida; sus sesiones se cerraron.",
                        user.full_name
                    ),
                ));
            }
            Ok(None) => return Err(PageError::NotFound),
            Err(e) => {
                let field = field_of(&e).map(|_| "new_password");
                Some(Form::default().refused(field, explain(e)?))
            }
        }
    };
    let typed = refusal.unwrap_or_default();
    let flash = Flash::Refused {
        form: FORM.into(),
        typed,
    };
    match flash::redirect(&state, &staff, &path(id), &flash) {
        Some(redirect) => Ok(redirect),
        None => {
            let Flash::Refused { typed, .. } = flash else {
                unreachable!("built just above")
            };
            page(
                &staff,
                id,
                &user.full_name,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}
