//! `/usuarios`: staff users of the tenant (admins only).

use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath, PageQuery};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use credinet_accounts::{AccountError, Accounts, UserInput, UserUpdate};
use credinet_core::ids::UserId;
use credinet_core::role::Role;
use credinet_store::repo::users;
use serde::Deserialize;

pub struct Row {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub role: &'static str,
    pub role_label: &'static str,
    pub active: bool,
    pub created: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    rows: Vec<Row>,
    roles: Vec<(&'static str, &'static str)>,
    /// Selected in the form that creates one: the least privilege.
    default_role: &'static str,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct Notice {
    aviso: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<Notice>,
) -> Result<Response, PageError> {
    let notice = match q.aviso.as_deref() {
        Some("creado") => Some("Usuario creado."),
        Some("guardado") => Some("Cambios guardados."),
        _ => None,
    };
    page(&state, &staff, notice, None, StatusCode::OK).await
}

async fn page(
    state: &AppState,
    staff: &Staff,
    notice: Option<&'static str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let rows = users::list(state.store().db(), staff.tenant.id)
        .await?
        .into_iter()
        .map(|u| Row {
            id: u.id.get(),
            created: local(staff, u.created_at),
            role: u.role.as_str(),
            role_label: u.role.label_es(),
            full_name: u.full_name,
            email: u.email,
            active: u.active,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_es()))
        .collect();
    let page = UsersPage {
        chrome: Chrome::new(staff, "/usuarios"),
        rows,
        roles,
        default_role: Role::LEAST_PRIVILEGED.as_str(),
        notice,
        error,
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
        Ok(_) => Ok(Redirect::to("/usuarios?aviso=creado").into_response()),
        Err(e) => {
            page(
                &state,
                &staff,
                None,
                Some(explain(e)?),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct UpdateUserForm {
    role: String,
    active: bool,
}

pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<UserId>,
    PageForm(form): PageForm<UpdateUserForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar usuarios")?;
    let role = form.role.parse::<Role>().map_err(|_| PageError::BadForm)?;
    let update = UserUpdate {
        role: Some(role),
        active: Some(form.active),
        ..Default::default()
    };
    let by = staff.requester();
    match Accounts::new(state.store())
        .update_user(staff.tenant.id, id, update, by)
        .await
    {
        Ok(Some(_)) => Ok(Redirect::to("/usuarios?aviso=guardado").into_response()),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => {
            page(
                &state,
                &staff,
                None,
                Some(explain(e)?),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
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
