//! `/v1/api-keys`: the caller's tenant's keys (admin keys only). The key itself is in the creation
//! response and nowhere else.

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use credinet_accounts::Accounts;
use credinet_core::ids::ApiKeyId;
use credinet_core::role::Role;
use credinet_store::repo::api_keys::{self, ApiKey};
use serde::{Deserialize, Serialize};

/// An API key, without its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    #[schema(value_type = String, example = "viewer")]
    pub role: Role,
    /// The user who created the key; absent for a key made with the CLI.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKey> for KeyView {
    fn from(k: ApiKey) -> Self {
        KeyView {
            id: k.id.get(),
            name: k.name,
            prefix: k.prefix,
            role: k.role,
            created_by: k.created_by.map(|u| u.get()),
            created_at: k.created_at,
            last_used_at: k.last_used_at,
            revoked_at: k.revoked_at,
        }
    }
}

fn admin(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_administer(), "manage API keys")
}

#[utoipa::path(get, path = "/v1/api-keys", tag = "api-keys", security(("api_key" = [])), params(PageQuery),
    responses((status = 200, body = Paged<KeyView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<KeyView>>, ApiError> {
    admin(&caller)?;
    let request = paging.request()?;
    let all = api_keys::list(state.store().db(), caller.tenant.id).await?;
    Ok(ApiJson(Paged::slice(all, request, KeyView::from)))
}

#[utoipa::path(get, path = "/v1/api-keys/{id}", tag = "api-keys", security(("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = KeyView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ApiKeyId>,
) -> Result<ApiJson<KeyView>, ApiError> {
    admin(&caller)?;
    let key = api_keys::get(state.store().db(), caller.tenant.id, id)
        .await?
        .ok_or_else(|| ApiError::not_found("API key"))?;
    Ok(ApiJson(key.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    pub name: String,
    #[schema(value_type = String, example = "viewer")]
    pub role: Role,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedKey {
    #[serde(flatten)]
    pub key: KeyView,
    /// The key; shown only in this response.
    pub secret: String,
}

#[utoipa::path(post, path = "/v1/api-keys", tag = "api-keys", security(("api_key" = [])), request_body = NewKey,
    responses((status = 201, body = CreatedKey), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewKey>,
) -> Result<(StatusCode, ApiJson<CreatedKey>), ApiError> {
    admin(&caller)?;
    let (key, secret) = Accounts::new(state.store())
        .create_api_key(
            caller.tenant.id,
            &body.name,
            body.role,
            // A key made with a key belongs to the person behind the first one, so that maker–checker
            // still sees one person however many keys they hold.
            caller.via.created_by,
            caller.requester(),
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(CreatedKey {
            key: key.into(),
            secret,
        }),
    ))
}

#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api-keys", security(("api_key" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = KeyView), (status = 404, body = Problem)))]
pub async fn revoke(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ApiKeyId>,
) -> Result<ApiJson<KeyView>, ApiError> {
    admin(&caller)?;
    let key = Accounts::new(state.store())
        .revoke_api_key(caller.tenant.id, id, caller.requester())
        .await?
        .ok_or_else(|| ApiError::not_found("API key"))?;
    Ok(ApiJson(key.into()))
}
