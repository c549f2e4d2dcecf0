//! `/productos`: the tenant's loan products (everyone reads; admins define them).

use super::clients::not_found;
use super::{explain, pesos};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use credinet_core::ids::ProductId;
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::tenant_settings::TenantSettings;
use credinet_lending::products::{self, Product, ProductInput};
use serde::Deserialize;

pub struct Row {
    pub id: i64,
    pub name: String,
    pub periodicity: &'static str,
    pub term: u32,
    pub terms_offered: String,
    pub amounts: String,
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
    form: ProductForm,
}

#[derive(Template)]
#[template(path = "lending/product.html")]
struct ProductPage {
    chrome: Chrome,
    id: i64,
    name: String,
    can_write: bool,
    error: Option<String>,
    form: ProductForm,
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

/// The terms a product may be asked for, as a person reads them: «12 periodos» or «6 a 24 periodos».
fn terms_offered_es(l: &ProductLimits) -> String {
    if l.min_term() == l.max_term() {
        format!("{} periodos", l.min_term())
    } else {
        format!("{} a {} periodos", l.min_term(), l.max_term())
    }
}

/// A product as the application form offers it: its name, the amounts and the terms it lends.
pub fn offer_es(p: &Product) -> String {
    format!(
        "{} — {} a {}, {}",
        p.name,
        pesos(p.limits.min_principal()),
        pesos(p.limits.max_principal()),
        terms_offered_es(&p.limits)
    )
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    page(&state, &staff, None, ProductForm::default(), StatusCode::OK).await
}

async fn page(
    state: &AppState,
    staff: &Staff,
    error: Option<String>,
    form: ProductForm,
    status: StatusCode,
) -> Result<Response, PageError> {
    let rows = products::list(state.store(), staff.tenant.id, false)
        .await
        .map_err(not_found)?
        .into_iter()
        .map(|p| Row {
            id: p.id.get(),
            periodicity: periodicity_es(p.terms.periodicity()),
            term: p.terms.term_periods(),
            terms_offered: terms_offered_es(&p.limits),
            amounts: format!(
                "{} a {}",
                pesos(p.limits.min_principal()),
                pesos(p.limits.max_principal())
            ),
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
        form,
    };
    render(&view).map(|r| (status, r).into_response())
}

/// The product form, as typed: it comes back whole when refused. Empty limits take the defaults of a
/// product without limits (`ProductLimits::defaults_for`).
#[derive(Deserialize, Clone)]
pub struct ProductForm {
    #[serde(default)]
    name: String,
    periodicity: Periodicity,
    #[serde(default)]
    term_periods: String,
    method: InterestMethod,
    /// Percent per period, e.g. "5" for 5 %.
    #[serde(default)]
    rate_percent: String,
    #[serde(default)]
    commission_percent: String,
    #[serde(default)]
    late_fee: String,
    #[serde(default)]
    min_principal: String,
    #[serde(default)]
    max_principal: String,
    #[serde(default)]
    min_term_periods: String,
    #[serde(default)]
    max_term_periods: String,
    /// Only the edit form sends it; a new product is offered at once.
    #[serde(default)]
    active: Option<String>,
}

impl Default for ProductForm {
    fn default() -> Self {
        ProductForm {
            name: String::new(),
            periodicity: Periodicity::BiweeklyCut,
            term_periods: String::new(),
            method: InterestMethod::Flat,
            rate_percent: String::new(),
            commission_percent: String::new(),
            late_fee: String::new(),
            min_principal: String::new(),
            max_principal: String::new(),
            min_term_periods: String::new(),
            max_term_periods: String::new(),
            active: Some("on".into()),
        }
    }
}

impl ProductForm {
    /// The form showing a stored product, to edit it.
    fn of(p: &Product) -> ProductForm {
        let t = &p.terms;
        ProductForm {
            name: p.name.clone(),
            periodicity: t.periodicity(),
            term_periods: t.term_periods().to_string(),
            method: t.method(),
            rate_percent: t.rate_per_period().percent().to_string(),
            commission_percent: t.opening_commission().percent().to_string(),
            late_fee: t.late_fee().plain(),
            min_principal: p.limits.min_principal().plain(),
            max_principal: p.limits.max_principal().plain(),
            min_term_periods: p.limits.min_term().to_string(),
            max_term_periods: p.limits.max_term().to_string(),
            active: p.active.then(|| "on".into()),
        }
    }

    pub fn value(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "term_periods" => &self.term_periods,
            "rate_percent" => &self.rate_percent,
            "commission_percent" => &self.commission_percent,
            "late_fee" => &self.late_fee,
            "min_principal" => &self.min_principal,
            "max_principal" => &self.max_principal,
            "min_term_periods" => &self.min_term_periods,
            "max_term_periods" => &self.max_term_periods,
            _ => "",
        }
    }

    pub fn periodicity_is(&self, raw: &str) -> bool {
        wire(&self.periodicity) == raw
    }

    pub fn method_is(&self, raw: &str) -> bool {
        wire(&self.method) == raw
    }

    pub fn is_active(&self) -> bool {
        self.active.is_some()
    }
}

/// An enum as the form's `<option value>` names it (its serde name, e.g. `biweekly_cut`).
fn wire<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Periods typed in a form: a whole number.
fn periods(raw: &str, what: &str) -> Result<u32, String> {
    raw.trim()
        .parse::<u32>()
        .map_err(|_| format!("{what} es un número entero de periodos, por ejemplo 12."))
}

fn input(form: &ProductForm, tenant: &TenantSettings) -> Result<ProductInput, String> {
    let percent = |raw: &str, what: &str| -> Result<Rate, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(Rate::ZERO);
        }
        Rate::parse(&format!("{raw}%")).map_err(|e| catalogue::rate(what, &e))
    };
    let rate = percent(&form.rate_percent, "la tasa por periodo")?;
    let term = periods(&form.term_periods, "El plazo")?;
    let mut terms = tenant.defaults_for(
        ProductTerms::new(form.periodicity, term, form.method, rate)
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
    let defaults = ProductLimits::defaults_for(term);
    let amount = |raw: &str, what: &str, default: Money| -> Result<Money, String> {
        if raw.trim().is_empty() {
            return Ok(default);
        }
        Money::parse(raw).map_err(|e| catalogue::money(what, &e))
    };
    let term_limit = |raw: &str, what: &str, default: u32| -> Result<u32, String> {
        if raw.trim().is_empty() {
            return Ok(default);
        }
        periods(raw, what)
    };
    let limits = ProductLimits::new(
        amount(
            &form.min_principal,
            "el monto mínimo",
            defaults.min_principal(),
        )?,
        amount(
            &form.max_principal,
            "el monto máximo",
            defaults.max_principal(),
        )?,
        term_limit(
            &form.min_term_periods,
            "El plazo mínimo",
            defaults.min_term(),
        )?,
        term_limit(
            &form.max_term_periods,
            "El plazo máximo",
            defaults.max_term(),
        )?,
        term,
    )
    .map_err(|e| catalogue::limits(&e))?;
    Ok(ProductInput {
        name: form.name.clone(),
        terms,
        limits,
        active: form.is_active(),
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
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let product = match input(&form, &staff.tenant.settings) {
        Ok(input) => input,
        Err(message) => return page(&state, &staff, Some(message), form, refused).await,
    };
    let product = ProductInput {
        active: true,
        ..product
    };
    match products::create(state.store(), staff.tenant.id, product, staff.requester()).await {
        Ok(_) => Ok(Redirect::to("/productos").into_response()),
        Err(e) => page(&state, &staff, Some(explain(e)?), form, refused).await,
    }
}

/// `/productos/{id}`: one product, with its form filled in for an admin to edit it.
pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<ProductId>,
) -> Result<Response, PageError> {
    let product = products::get(state.store(), staff.tenant.id, id)
        .await
        .map_err(not_found)?;
    let form = ProductForm::of(&product);
    edit_page(&staff, &product, None, form, StatusCode::OK)
}

fn edit_page(
    staff: &Staff,
    product: &Product,
    error: Option<String>,
    form: ProductForm,
    status: StatusCode,
) -> Result<Response, PageError> {
    let view = ProductPage {
        chrome: Chrome::new(staff, "/productos"),
        id: product.id.get(),
        name: product.name.clone(),
        can_write: staff.role.can_manage_products(),
        error,
        form,
    };
    render(&view).map(|r| (status, r).into_response())
}

/// Saves an edited product. Loans already requested keep the terms they copied; the limits speak from
/// the next application on.
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<ProductId>,
    PageForm(form): PageForm<ProductForm>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_manage_products(),
        "definir productos de crédito",
    )?;
    let product = products::get(state.store(), staff.tenant.id, id)
        .await
        .map_err(not_found)?;
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    let input = match input(&form, &staff.tenant.settings) {
        Ok(input) => input,
        Err(message) => return edit_page(&staff, &product, Some(message), form, refused),
    };
    match products::update(state.store(), staff.tenant.id, id, input, staff.requester()).await {
        Ok(_) => Ok(Redirect::to("/productos").into_response()),
        Err(e) => edit_page(&staff, &product, Some(explain(e)?), form, refused),
    }
}
