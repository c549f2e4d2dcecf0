//! `GET /v1/tenant`: the caller's own tenant.

use super::ApiJson;
use crate::auth::ApiCaller;
use serde::Serialize;

/// The tenant the key belongs to.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TenantView {
    pub slug: String,
    pub legal_name: String,
    pub time_zone: String,
    pub currency: String,
}

#[utoipa::path(get, path = "/v1/tenant", tag = "tenant", security(("api_key" = [])),
    responses((status = 200, body = TenantView), (status = 401, body = crate::error::Problem)))]
pub async fn get(caller: ApiCaller) -> ApiJson<TenantView> {
    let t = &caller.tenant;
    ApiJson(TenantView {
        slug: t.slug.to_string(),
        legal_name: t.legal_name.clone(),
        time_zone: t.zone.name().to_string(),
        currency: t.currency.to_string(),
    })
}
