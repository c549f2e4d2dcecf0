//! `GET /v1/openapi.json`: the API described from the code (utoipa), so it cannot drift from the handlers.

use super::{api_keys, audit, clients, exports, loans, payments, products, tenant, users};
use crate::error::Problem;
use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Credinet API", description = "Datos de la financiera para sus propias integraciones. \
        Authenticate with `Authorization: Bearer cn_…` (an API key of the tenant). Errors are RFC 9457 \
        problem details. Money is a decimal string in pesos (\"1234.56\"); instants are UTC (RFC 3339)."),
    paths(
        tenant::get,
        users::list, users::get, users::create, users::update,
        api_keys::list, api_keys::get, api_keys::create, api_keys::revoke,
        audit::list, audit::get,
        clients::list, clients::get, clients::create, clients::update,
        products::list, products::get, products::create, products::update,
        loans::list, loans::get, loans::create, loans::submit, loans::approve, loans::reject, loans::write_off,
        loans::disburse,
        payments::register, payments::list, payments::list_for_loan, payments::get, payments::reverse,
        exports::clients, exports::loans, exports::payments,
    ),
    components(schemas(Problem)),
    modifiers(&BearerKey),
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("cn_…")
                    .build(),
            ),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
