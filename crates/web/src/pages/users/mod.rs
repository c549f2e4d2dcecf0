//! `/usuarios`: staff users of the tenant (admins only) — the list with each user's role, state and
//! lockout, and the form that creates one. One file per action: [`update`] (role), [`deactivate`]
//! (asks first; and reactivating), [`unlock`], [`reset_password`]. Every form answers with a redirect
//! back here and what the page says once travels in the one-time flash (ADR 19).

pub mod deactivate;
pub mod reset_password;
pub mod unlock;
pub mod update;

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PageForm;
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_accounts::{AccountError, AccountRefusal, Accounts, UserInput};
use credinet_core::ids::UserId;
use credinet_core::role::Role;
use credinet_store::repo::users::{self, StaffUser};
use serde::Deserialize;

/// The page's path: where every form of it comes back to.
pub const PATH: &str = "/usuarios";
/// The new-user form, as [`Flash::Refused`] names it.
const NEW_USER_FORM: &str = "usuario-nuevo";

pub struct Row {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub active: bool,
    /// Sign-in refuses this user now for too many failed attempts.
    pub locked: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<Row>,
    roles: Vec<(&'static str, &'static str)>,
    /// Said once, after a change.
    notice: Option<String>,
    /// Said once, after a change refused as a whole (the last admin).
    error: Option<String>,
    /// The form that creates one: the least privilege selected, or what was typed and refused (never
    /// the password).
    form: Form,
}

/// The choices of a role select: (value, Spanish label).
pub fn role_options() -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_es()))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let (jar, flash) = flash::take(&state, &staff, jar, PATH);
    let (mut notice, mut error, mut form) = (None, None, new_user_form());
    match flash {
        Some(Flash::Notice(n)) => notice = Some(n),
        Some(Flash::Error(e)) => error = Some(e),
        Some(Flash::Refused { form: name, typed }) if name == NEW_USER_FORM => form = typed,
        _ => {}
    }
    let page = page(&state, &staff, notice, error, form, StatusCode::OK).await?;
    Ok((jar, page).into_response())
}

/// A fresh new-user form: the least privilege selected, so a hurried «Crear» gives no power.
fn new_user_form() -> Form {
    Form::with([("role", Role::LEAST_PRIVILEGED.as_str())])
}

async fn page(
    state: &AppState,
    staff: &Staff,
    notice: Option<String>,
    error: Option<String>,
    form: Form,
    status: StatusCode,
) -> Result<Response, PageError> {
    let accounts = Accounts::new(state.store());
    let policy = state.accounts().login_policy();
    let mut rows = Vec::new();
    // A tenant has a handful of staff: one lockout count per user is a few small indexed reads.
    for u in users::list(state.store().db(), staff.tenant.id).await? {
        let locked = accounts.is_locked(staff.tenant.id, &u, &policy).await?;
        rows.push(Row {
            id: u.id.get(),
            created: local(staff, u.created_at),
            role: u.role.as_str(),
            role_label: u.role.label_es(),
            locked,
            full_name: u.full_name,
            email: u.email,
            active: u.active,
        });
    }
    let page = UsersPage {
        chrome: Chrome::new(staff, PATH),
        rows,
        roles: role_options(),
        notice,
        error,
        form,
    };
    render(&page).map(|r| (status, r).into_response())
}

#[derive(Deserialize)]
pub struct NewUserForm {
    full_name: String,
    email: String,
    role: String,
    password: String,
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<NewUserForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let role = form.role.parse::<Role>().map_err(|_| PageError::BadForm)?;
    let typed = Form::with([
        ("full_name", form.full_name.as_str()),
        ("email", form.email.as_str()),
        ("role", form.role.as_str()),
    ]);
    let input = UserInput {
        email: form.email,
        full_name: form.full_name,
        role,
        password: form.password,
    };
    let by = staff.requester();
    match Accounts::new(state.store())
        .create_user(staff.tenant.id, input, by)
        .await
    {
        Ok(user) => Ok(done(
            &state,
            &staff,
            format!("Usuario «{}» creado.", user.full_name),
        )),
        Err(e) => {
            let field = field_of(&e);
            let typed = typed.refused(field, explain(e)?);
            let refusal = Flash::Refused {
                form: NEW_USER_FORM.into(),
                typed,
            };
            if let Some(redirect) = flash::redirect(&state, &staff, PATH, &refusal) {
                return Ok(redirect);
            }
            let Flash::Refused { typed, .. } = refusal else {
                unreachable!("built just above")
            };
            page(
                &state,
                &staff,
                None,
                None,
                typed,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// Back to the list, saying `notice` once.
pub fn done(state: &AppState, staff: &Staff, notice: String) -> Response {
    flash::redirect_with(state, staff, PATH, Flash::Notice(notice))
}

/// Back to the list, saying why a change was refused as a whole, once.
pub fn refused(state: &AppState, staff: &Staff, e: AccountError) -> Result<Response, PageError> {
    Ok(flash::redirect_with(
        state,
        staff,
        PATH,
        Flash::Error(explain(e)?),
    ))
}

/// The user `id` of the caller's tenant, or the Spanish 404.
pub async fn user_of(state: &AppState, staff: &Staff, id: UserId) -> Result<StaffUser, PageError> {
    users::get(state.store().db(), staff.tenant.id, id)
        .await?
        .ok_or(PageError::NotFound)
}

/// The field of the user forms an account refusal is about.
pub fn field_of(e: &AccountError) -> Option<&'static str> {
    match e {
        AccountError::Refused(AccountRefusal::Text(t)) => {
            Some(crate::pages::lending::text_field(t))
        }
        AccountError::Refused(AccountRefusal::NotAnEmail) | AccountError::Conflict(_) => {
            Some("email")
        }
        AccountError::Refused(AccountRefusal::Password(_)) => Some("password"),
        AccountError::Refused(AccountRefusal::WrongCurrentPassword) => Some("current_password"),
        _ => None,
    }
}

/// A message for the person at the form, or an internal error.
pub fn explain(e: AccountError) -> Result<String, PageError> {
    match e {
        AccountError::Refused(r) => Ok(crate::pages::catalogue::account(&r)),
        AccountError::Invalid(english) => {
            tracing::warn!(error = %english, "an untranslated account error reached a page");
            Ok("No pudimos aceptar estos datos; revíselos.".into())
        }
        AccountError::Conflict(_) => Ok("Ya existe un usuario con ese correo.".into()),
        AccountError::Store(s) => Err(s.into()),
    }
}
