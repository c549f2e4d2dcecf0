//! `/productos`: the tenant's loan products (everyone reads; admins define them).

use super::clients::not_found;
use super::{explain, pesos};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::PageForm;
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::tenant_settings::TenantSettings;
use credinet_lending::products::{self, ProductInput};
use serde::Deserialize;

pub struct Row {
    pub name: String,
    pub periodicity: &'static str,
    pub term: u32,
    pub method: &'static str,
    pub rate: String,
    pub commission: String,
    pub late_fee: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "lending/products.html")]
struct ProductsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    can_write: bool,
    error: Option<String>,
}

pub fn periodicity_es(p: Periodicity) -> &'static str {
    match p {
        Periodicity::BiweeklyCut => "Quincenal (días de corte)",
        Periodicity::Weekly => "Semanal",
        Periodicity::Monthly => "Mensual",
    }
}

pub fn method_es(m: InterestMethod) -> &'static str {
    match m {
        InterestMethod::Flat => "Fijo (sobre monto original)",
        InterestMethod::Declining => "Saldos insolutos (pagos iguales)",
    }
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    page(&state, &staff, None, StatusCode::OK).await
}

async fn page(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rows = products::list(state.store(), staff.tenant.id, false)
        .await
        .map_err(not_found)?
        .into_iter()
        .map(|p| Row {
            periodicity: periodicity_es(p.terms.periodicity()),
            term: p.terms.term_periods(),
            method: method_es(p.terms.method()),
            rate: format!("{} %", p.terms.rate_per_period().percent()),
            commission: format!("{} %", p.terms.opening_commission().percent()),
            late_fee: pesos(p.terms.late_fee()),
            active: p.active,
            name: p.name,
        })
        .collect();
    let view = ProductsPage {
        chrome: Chrome::new(staff, "/productos"),
        rows,
        can_write: staff.role.can_manage_products(),
        error,
    };
    render(&view).map(|r| (status, r).into_response())
}

#[derive(Deserialize)]
pub struct ProductForm {
    name: String,
    periodicity: Periodicity,
    term_periods: u32,
    method: InterestMethod,
    /// Percent per period, e.g. "5" for 5 %.
    rate_percent: String,
    #[serde(default)]
    commission_percent: String,
    #[serde(default)]
    late_fee: String,
}

fn input(form: ProductForm, tenant: &TenantSettings) -> Result<ProductInput, String> {
    let percent = |raw: &str, what: &str| -> Result<Rate, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Rate::ZERO);
        }
        Rate::parse(&format!("{raw}%")).map_err(|e| catalogue::rate(what, &e))
    };
    let rate = percent(&form.rate_percent, "la tasa por periodo")?;
    let mut terms = tenant.defaults_for(
        ProductTerms::new(form.periodicity, form.term_periods, form.method, rate)
            .map_err(|e| catalogue::terms(&e))?,
    );
    terms = terms.with_opening_commission(percent(
        &form.commission_percent,
        "la comisión de apertura",
    )?);
    if !form.late_fee.trim().is_empty() {
        let fee = Money::parse(&form.late_fee)
            .map_err(|e| catalogue::money("el cargo por atraso", &e))?;
        terms = terms.with_late_fee(fee).map_err(|e| catalogue::terms(&e))?;
    }
    Ok(ProductInput {
        name: form.name,
        terms,
        active: true,
    })
}

pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    PageForm(form): PageForm<ProductForm>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_manage_products(),
        "definir productos de crédito",
    )?;
    let input = match input(form, &staff.tenant.settings) {
        Ok(input) => input,
        Err(message) => {
            return page(
                &state,
                &staff,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match products::create(state.store(), staff.tenant.id, input, staff.requester()).await {
        Ok(_) => Ok(Redirect::to("/productos").into_response()),
        Err(e) => {
            page(
                &state,
                &staff,
                Some(explain(e)?),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
