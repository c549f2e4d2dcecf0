//! The whole HTTP surface, in one table: public routes, back-office pages behind the session gate, and
//! `/v1` behind the API-key gate.

pub mod assets;
pub mod channels;
pub mod health;
pub mod table;
pub mod v1;

use crate::auth::{api_key, session};
use crate::pages::{
    self, api_keys, audit, backups, cuts, dashboard, jobs, login, notifications, password, reports,
    users,
};
use crate::state::AppState;
use axum::Router;
use axum::extract::Request;
use axum::middleware;
use axum::response::Response;
use table::{RouteEntry, Routes, get, post};

/// The router, and the table of every method and path template it serves (for the fuzz test's
/// "every route" check).
pub fn router(state: AppState) -> (Router, Vec<RouteEntry>) {
    let back_office = Routes::new()
        .route("/", get(dashboard::show))
        .route("/usuarios", get(users::list).post(users::create))
        .route("/usuarios/{id}", post(users::update::update))
        .route(
            "/usuarios/{id}/desactivar",
            get(users::deactivate::confirm).post(users::deactivate::deactivate),
        )
        .route("/usuarios/{id}/activar", post(users::deactivate::activate))
        .route("/usuarios/{id}/desbloquear", post(users::unlock::unlock))
        .route(
            "/usuarios/{id}/contrasena",
            get(users::reset_password::show).post(users::reset_password::reset),
        )
        .route(
            "/cuenta/contrasena",
            get(password::show).post(password::change),
        )
        .route("/claves", get(api_keys::list).post(api_keys::create))
        .route("/claves/{id}/revocar", post(api_keys::revoke))
        .route("/auditoria", get(audit::list))
        .route("/auditoria/exportar.csv", get(audit::export::export))
        .route("/notificaciones", get(notifications::show))
        .route(
            "/notificaciones/canales/{id}/probar",
            post(notifications::test::test),
        )
        .route(
            "/notificaciones/mensajes/{id}/reintentar",
            post(notifications::retry::retry),
        )
        .route(
            "/notificaciones/canales",
            post(notifications::channels::create),
        )
        .route(
            "/notificaciones/canales/{id}",
            post(notifications::channels::update),
        )
        .route(
            "/notificaciones/canales/{id}/activar",
            post(notifications::channels::enable),
        )
        .route(
            "/notificaciones/canales/{id}/desactivar",
            post(notifications::channels::disable),
        )
        .route("/notificaciones/reglas", post(notifications::rules::create))
        .route(
            "/notificaciones/reglas/{id}",
            post(notifications::rules::update),
        )
        .route(
            "/notificaciones/reglas/{id}/quitar",
            post(notifications::rules::remove),
        )
        .route("/logout", post(login::logout))
        .merge(pages::lending::routes())
        .route("/cortes", get(cuts::list::list))
        .route("/cortes/exportar.csv", get(cuts::list::export))
        .route("/cortes/{date}", get(cuts::show::show))
        .route("/cortes/{date}/avance", get(cuts::show::progress_fragment))
        .route("/cortes/{date}/estados.csv", get(cuts::show::export))
        .route("/tareas", get(jobs::list::list))
        .route("/tareas/{job}/ejecutar", post(jobs::run::run))
        .route("/respaldos", get(backups::list::list))
        .route("/respaldos/avance", get(backups::list::progress_fragment))
        .route("/respaldos/ejecutar", post(backups::start::run))
        .route("/respaldos/{file}/verificar", post(backups::start::verify))
        .route(
            "/respaldos/{file}/descargar",
            get(backups::download::download),
        )
        .route("/reportes/cartera", get(reports::portfolio::show))
        .route(
            "/reportes/cartera/cortes.csv",
            get(reports::portfolio::cuts_export),
        )
        .route(
            "/reportes/cartera/clasificacion.csv",
            get(reports::portfolio::buckets_export),
        )
        .route("/reportes/cobranza", get(reports::collections::show))
        .route(
            "/reportes/cobranza/periodos.csv",
            get(reports::collections::periods_csv),
        )
        .route(
            "/reportes/cobranza/cajeros.csv",
            get(reports::collections::collectors_csv),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), session::gate));

    let api = Routes::new()
        .route("/v1/tenant", get(v1::tenant::get))
        .route("/v1/users", get(v1::users::list).post(v1::users::create))
        .route(
            "/v1/users/{id}",
            get(v1::users::get).patch(v1::users::update),
        )
        .route(
            "/v1/api-keys",
            get(v1::api_keys::list).post(v1::api_keys::create),
        )
        .route(
            "/v1/api-keys/{id}",
            get(v1::api_keys::get).delete(v1::api_keys::revoke),
        )
        .route("/v1/audit", get(v1::audit::list))
        .route("/v1/audit/{id}", get(v1::audit::get))
        .route(
            "/v1/clients",
            get(v1::clients::list).post(v1::clients::create),
        )
        .route(
            "/v1/clients/{id}",
            get(v1::clients::get).put(v1::clients::update),
        )
        .route(
            "/v1/products",
            get(v1::products::list).post(v1::products::create),
        )
        .route(
            "/v1/products/{id}",
            get(v1::products::get).put(v1::products::update),
        )
        .route("/v1/loans", get(v1::loans::list).post(v1::loans::create))
        .route("/v1/loans/{id}", get(v1::loans::get))
        .route("/v1/loans/{id}/submit", post(v1::loans::submit))
        .route("/v1/loans/{id}/approve", post(v1::loans::approve))
        .route("/v1/loans/{id}/reject", post(v1::loans::reject))
        .route("/v1/loans/{id}/disburse", post(v1::loans::disburse))
        .route("/v1/loans/{id}/write-off", post(v1::loans::write_off))
        .route(
            "/v1/loans/{id}/payments",
            get(v1::payments::list_for_loan).post(v1::payments::register),
        )
        .route("/v1/payments", get(v1::payments::list))
        .route("/v1/payments/{id}", get(v1::payments::get))
        .route("/v1/payments/{id}/reversal", post(v1::payments::reverse))
        .route("/v1/exports/clients.csv", get(v1::exports::clients))
        .route("/v1/exports/loans.csv", get(v1::exports::loans))
        .route("/v1/exports/payments.csv", get(v1::exports::payments))
        .route_layer(middleware::from_fn_with_state(state.clone(), api_key::gate));

    let (router, table) = Routes::new()
        .route("/login", get(login::show).post(login::submit))
        .route("/healthz", get(health::alive))
        .route("/readyz", get(health::ready))
        .route("/metrics", get(crate::monitoring::scrape::metrics))
        .route("/v1/openapi.json", get(v1::openapi::document))
        .route("/assets/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route(
            "/v1/channels/autoresponder/{tenant}",
            post(channels::autoresponder::receive),
        )
        .route(
            "/v1/channels/cloud-api",
            get(channels::cloud_api::handshake).post(channels::cloud_api::receive),
        )
        .merge(back_office)
        .merge(api)
        .into_parts();
    (router.fallback(not_found).with_state(state), table)
}

async fn not_found(request: Request) -> Response {
    if request.uri().path().starts_with("/v1") {
        v1::not_found().await
    } else {
        pages::error_page_response(axum::http::StatusCode::NOT_FOUND, pages::NOT_FOUND)
    }
}
