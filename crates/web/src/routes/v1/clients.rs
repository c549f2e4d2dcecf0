//! `/v1/clients`: borrowers of the caller's tenant.

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::ClientId;
use credinet_lending::clients::{self, Client, ClientFilter, ClientInput, SavedClient};
use serde::{Deserialize, Serialize};

/// A borrower. Phones are E.164 (`+525512345678`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct ClientView {
    pub id: i64,
    pub full_name: String,
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub has_pin: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        ClientView {
            id: c.id.get(),
            full_name: c.full_name,
            phone: c.phone.as_str().to_string(),
            curp: c.curp.map(|v| v.as_str().to_string()),
            rfc: c.rfc.map(|v| v.as_str().to_string()),
            birth_date: c.birth_date,
            address: c.address,
            notes: c.notes,
            has_pin: c.has_pin,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// A saved client and what is worth a second look (a phone or CURP another client has, a bad RFC check
/// digit): accepted, not refused.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedClientView {
    pub client: ClientView,
    pub warnings: Vec<String>,
}

impl From<SavedClient> for SavedClientView {
    fn from(s: SavedClient) -> Self {
        SavedClientView {
            warnings: s.warnings.iter().map(|w| w.message()).collect(),
            client: s.client.into(),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    pub full_name: String,
    /// Any usual way of writing it; 10 digits get +52.
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

impl From<ClientBody> for ClientInput {
    fn from(b: ClientBody) -> Self {
        ClientInput {
            full_name: b.full_name,
            phone: b.phone,
            curp: b.curp,
            rfc: b.rfc,
            birth_date: b.birth_date,
            address: b.address,
            notes: b.notes,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ClientSearch {
    /// Part of the name, 4+ digits of the phone, or the start of the CURP.
    pub q: Option<String>,
}

fn writer(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_manage_clients(), "create or change clients")
}

#[utoipa::path(get, path = "/v1/clients", tag = "clients", security(("api_key" = [])), params(ClientSearch, PageQuery),
    responses((status = 200, body = Paged<ClientView>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(search): ApiQuery<ClientSearch>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<ClientView>>, ApiError> {
    let filter = ClientFilter { search: search.q };
    let page = clients::list(state.store(), caller.tenant.id, &filter, paging.request()?).await?;
    Ok(ApiJson(Paged::from_page(page, ClientView::from)))
}

#[utoipa::path(get, path = "/v1/clients/{id}", tag = "clients", security(("api_key" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ClientView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ClientId>,
) -> Result<ApiJson<ClientView>, ApiError> {
    Ok(ApiJson(
        clients::get(state.store(), caller.tenant.id, id)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/v1/clients", tag = "clients", security(("api_key" = [])), request_body = ClientBody,
    responses((status = 201, body = SavedClientView), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<(StatusCode, ApiJson<SavedClientView>), ApiError> {
    writer(&caller)?;
    let saved = clients::create(
        state.store(),
        caller.tenant.id,
        body.into(),
        caller.requester(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(saved.into())))
}

#[utoipa::path(put, path = "/v1/clients/{id}", tag = "clients", security(("api_key" = [])), request_body = ClientBody,
    params(("id" = i64, Path)), responses((status = 200, body = SavedClientView), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ClientId>,
    ApiJson(body): ApiJson<ClientBody>,
) -> Result<ApiJson<SavedClientView>, ApiError> {
    writer(&caller)?;
    let by = caller.requester();
    let saved = clients::update(state.store(), caller.tenant.id, id, body.into(), by).await?;
    Ok(ApiJson(saved.into()))
}
