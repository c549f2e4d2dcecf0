//! `/cuenta/contrasena`: everyone changes their own password, typing the current one first (a session
//! left open is not enough to take an account over). The other sessions of the user end; this one
//! stays. The page and form are shared with an admin's reset (users/reset_password.rs).

use super::{Chrome, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PageForm;
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::pages::users::{explain, field_of};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_accounts::{AccountError, AccountRefusal, Accounts, OwnPasswordChange};
use serde::Deserialize;

pub const PATH: &str = "/cuenta/contrasena";
const FORM: &str = "contrasena";

/// A password form: the heading says whose, the explanation what happens to sessions.
#[derive(Template)]
#[template(path = "password.html")]
pub struct PasswordPage {
    pub chrome: Chrome,
    pub heading: String,
    pub explanation: String,
    pub action: String,
    /// The person's own password: the current one is asked.
    pub ask_current: bool,
    pub notice: Option<String>,
    /// Where «Cancelar» leads, if anywhere.
    pub back: Option<&'static str>,
    /// Never holds a password: a refused form comes back empty, with its message.
    pub form: Form,
}

/// Both password forms; `current_password` is empty on an admin's reset.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    pub current_password: String,
    pub new_password: String,
    pub confirmation: String,
}

/// The refusal of a confirmation that is not the new password.
pub fn confirmation_differs() -> Form {
    Form::default().refused(
        Some("confirmation"),
        "La confirmación no coincide con la contraseña nueva.".into(),
    )
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let (jar, flash) = flash::take(&state, &staff, jar, PATH);
    let (mut notice, mut form) = (None, Form::default());
    match flash {
        Some(Flash::Notice(n)) => notice = Some(n),
        Some(Flash::Refused { form: name, typed }) if name == FORM => form = typed,
        _ => {}
    }
    let page = page(&staff, notice, form, StatusCode::OK)?;
    Ok((jar, page).into_response())
}

fn page(
    staff: &Staff,
    notice: Option<String>,
    form: Form,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = PasswordPage {
        chrome: Chrome::new(staff, PATH),
        heading: "Mi contraseña".into(),
        explanation: "Escriba su contraseña actual y la nueva dos veces. Las sesiones abiertas en \
                      otros equipos se cerrarán; esta sigue abierta."
            .into(),
        action: PATH.into(),
        ask_current: true,
        notice,
        back: None,
        form,
    };
    render(&page).map(|r| (status, r).into_response())
}

pub async fn change(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    let typed = if form.new_password != form.confirmation {
        confirmation_differs()
    } else {
        let change = OwnPasswordChange {
            user: &staff.via.user,
            session_hash: &staff.via.session_hash,
            current: form.current_password,
            new: form.new_password,
        };
        match Accounts::new(state.store())
            .change_own_password(staff.tenant.id, change, staff.requester())
            .await
        {
            Ok(()) => {
                return Ok(flash::redirect_with(
                    &state,
                    &staff,
                    PATH,
                    Flash::Notice("Contraseña cambiada.".into()),
                ));
            }
            Err(e) => {
                let field = match &e {
                    AccountError::Refused(AccountRefusal::Password(_)) => Some("new_password"),
                    other => field_of(other),
                };
                Form::default().refused(field, explain(e)?)
            }
        }
    };
    let flash = Flash::Refused {
        form: FORM.into(),
        typed,
    };
    match flash::redirect(&state, &staff, PATH, &flash) {
        Some(redirect) => Ok(redirect),
        None => {
            let Flash::Refused { typed, .. } = flash else {
                unreachable!("built just above")
            };
            page(&staff, None, typed, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
