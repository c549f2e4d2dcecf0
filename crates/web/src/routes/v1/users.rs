//! `/v1/users`: staff users of the caller's tenant. Reading needs an admin key, like changing.

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use credinet_accounts::{Accounts, UserInput, UserUpdate};
use credinet_core::ids::UserId;
use credinet_core::role::Role;
use credinet_store::repo::users::{self, StaffUser};
use serde::{Deserialize, Serialize};

/// A staff user.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub full_name: String,
    /// admin, manager, cashier, agent or viewer.
    #[schema(value_type = String, example = "cashier")]
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl From<StaffUser> for UserView {
    fn from(u: StaffUser) -> Self {
        UserView {
            id: u.id.get(),
            email: u.email,
            full_name: u.full_name,
            role: u.role,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

fn admin(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_administer(), "manage users")
}

#[utoipa::path(get, path = "/v1/users", tag = "users", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Paged<UserView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<UserView>>, ApiError> {
    admin(&caller)?;
    let request = paging.request()?;
    let all = users::list(state.store().db(), caller.tenant.id).await?;
    Ok(ApiJson(Paged::slice(all, request, UserView::from)))
}

#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", security(("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
) -> Result<ApiJson<UserView>, ApiError> {
    admin(&caller)?;
    let user = users::get(state.store().db(), caller.tenant.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(ApiJson(user.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: String,
    pub full_name: String,
    #[schema(value_type = String, example = "cashier")]
    pub role: Role,
    pub password: String,
}

#[utoipa::path(post, path = "/v1/users", tag = "users", security(("api_key" = [])), request_body = NewUser,
    responses((status = 201, body = UserView), (status = 422, body = Problem), (status = 409, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewUser>,
) -> Result<(StatusCode, ApiJson<UserView>), ApiError> {
    admin(&caller)?;
    let input = UserInput {
        email: body.email,
        full_name: body.full_name,
        role: body.role,
        password: body.password,
    };
    let user = Accounts::new(state.store())
        .create_user(caller.tenant.id, input, caller.requester())
        .await?;
    Ok((StatusCode::CREATED, ApiJson(user.into())))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub full_name: Option<String>,
    #[schema(value_type = Option<String>)]
    pub role: Option<Role>,
    pub active: Option<bool>,
}

#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", security(("api_key" = [])), request_body = UserPatch,
    params(("id" = i64, Path)), responses((status = 200, body = UserView), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UserPatch>,
) -> Result<ApiJson<UserView>, ApiError> {
    admin(&caller)?;
    let update = UserUpdate {
        full_name: body.full_name,
        role: body.role,
        active: body.active,
    };
    let user = Accounts::new(state.store())
        .update_user(caller.tenant.id, id, update, caller.requester())
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    Ok(ApiJson(user.into()))
}
