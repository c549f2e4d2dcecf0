//! `GET /v1/tenant`: the caller's own tenant.

use super::ApiJson;
use crate::auth::ApiCaller;
use serde::Serialize;

#[derive(Serialize)]
pub struct TenantView {
    pub slug: String,
    pub legal_name: String,
    pub time_zone: String,
    pub currency: String,
}

pub async fn get(caller: ApiCaller) -> ApiJson<TenantView> {
    let t = &caller.tenant;
    ApiJson(TenantView {
        slug: t.slug.to_string(),
        legal_name: t.legal_name.clone(),
        time_zone: t.zone.name().to_string(),
        currency: t.currency.clone(),
    })
}
