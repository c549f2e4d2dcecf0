//! `/claves`: the tenant's API keys (admins only). A new key is shown once.

use super::users::explain;
use super::{Chrome, local, render};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use credinet_accounts::Accounts;
use credinet_core::ids::ApiKeyId;
use credinet_core::role::Role;
use credinet_store::repo::api_keys;
use serde::Deserialize;

pub struct Row {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub role_label: &'static str,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "api_keys.html")]
struct KeysPage {
    chrome: Chrome,
    rows: Vec<Row>,
    roles: Vec<(&'static str, &'static str)>,
    /// Selected in the form that creates one: the least privilege.
    default_role: &'static str,
    created: Option<String>,
    /// The form that creates one: empty, or as it was sent and refused.
    form: Form,
}

/// The name of the new-key form in a [`Flash::Refused`].
const NEW_KEY_FORM: &str = "clave";

/// The keys, with the one just created shown this once: it came in the one-time flash of the redirect,
/// so a reload or a revisit shows it no more, and it never was in a URL.
pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar claves API")?;
    let (jar, flash) = flash::take(&state, &staff, jar, "/claves");
    let (mut created, mut form) = (None, Form::default());
    match flash {
        Some(Flash::NewKey(key)) => created = Some(key),
        Some(Flash::Refused { form: name, typed }) if name == NEW_KEY_FORM => form = typed,
        _ => {}
    }
    let page = page(&state, &staff, created, form, StatusCode::OK).await?;
    Ok((jar, page).into_response())
}

async fn page(
    state: &AppState,
    staff: &Staff,
    created: Option<String>,
    form: Form,
    status: StatusCode,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar claves API")?;
    let rows = api_keys::list(state.store().db(), staff.tenant.id)
        .await?
        .into_iter()
        .map(|k| Row {
            id: k.id.get(),
            created: local(staff, k.created_at),
            last_used: k
                .last_used_at
                .map(|t| local(staff, t))
                .unwrap_or_else(|| "nunca".into()),
            revoked: k.revoked_at.is_some(),
            role_label: k.role.label_es(),
            name: k.name,
            prefix: k.prefix,
        })
        .collect();
    let roles = Role::ALL
        .iter()
        .map(|r| (r.as_str(), r.label_es()))
        .collect();
    let page = KeysPage {
        chrome: Chrome::new(staff, "/claves"),
        rows,
        roles,
        default_role: Role::LEAST_PRIVILEGED.as_str(),
        created,
        form,
    };
    render(&page).map(|r| (status, r).into_response())
}

#[derive(Deserialize)]
pub struct NewKeyForm {
    name: String,
    role: String,
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<NewKeyForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar claves API")?;
    let role = form.role.parse::<Role>().map_err(|_| PageError::BadForm)?;
    let by = staff.requester();
    let accounts = Accounts::new(state.store());
    match accounts
        .create_api_key(
            staff.tenant.id,
            &form.name,
            role,
            Some(staff.via.user.id),
            by,
        )
        .await
    {
        Ok((_, plaintext)) => Ok(flash::redirect_with(
            &state,
            &staff,
            "/claves",
            Flash::NewKey(plaintext),
        )),
        Err(e) => {
            let typed = Form::with([("name", form.name.as_str()), ("role", &form.role)])
                .refused(None, explain(e)?);
            let refusal = Flash::Refused {
                form: NEW_KEY_FORM.into(),
                typed,
            };
            match flash::redirect(&state, &staff, "/claves", &refusal) {
                Some(redirect) => Ok(redirect),
                None => {
                    let Flash::Refused { typed, .. } = refusal else {
                        unreachable!("built just above")
                    };
                    page(
                        &state,
                        &staff,
                        None,
                        typed,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
            }
        }
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<ApiKeyId>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar claves API")?;
    let by = staff.requester();
    match Accounts::new(state.store())
        .revoke_api_key(staff.tenant.id, id, by)
        .await
    {
        Ok(Some(_)) => Ok(Redirect::to("/claves").into_response()),
        Ok(None) => Err(PageError::NotFound),
        Err(e) => Err(PageError::BadRequest(explain(e)?)),
    }
}
