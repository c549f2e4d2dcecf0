//! `/v1/products`: loan products of the caller's tenant.

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use credinet_core::ids::ProductId;
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::tenant_settings::TenantSettings;
use credinet_lending::products::{self, Product, ProductInput};
use serde::{Deserialize, Serialize};

/// A loan product and its terms. Rates are decimal fractions per period (`"0.05"` = 5 %), money is pesos.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProductView {
    pub id: i64,
    pub name: String,
    pub active: bool,
    #[schema(example = "biweekly_cut")]
    pub periodicity: String,
    pub term_periods: u32,
    #[schema(example = "flat")]
    pub interest_method: String,
    #[schema(example = "0.05")]
    pub rate_per_period: String,
    pub opening_commission: String,
    pub iva_rate: String,
    pub late_fee: String,
    pub min_days_to_first_due: u32,
    pub allocation_order: Vec<String>,
    pub rounding: String,
    /// Smallest principal an application may ask for, in pesos.
    #[schema(example = "1000.00")]
    pub min_principal: String,
    /// Largest principal an application may ask for, in pesos.
    #[schema(example = "50000.00")]
    pub max_principal: String,
    /// Shortest term an application may ask for; `term_periods` is among them.
    pub min_term_periods: u32,
    pub max_term_periods: u32,
}

fn text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

impl From<Product> for ProductView {
    fn from(p: Product) -> Self {
        let t = &p.terms;
        ProductView {
            id: p.id.get(),
            active: p.active,
            periodicity: text(&t.periodicity()),
            term_periods: t.term_periods(),
            interest_method: text(&t.method()),
            rate_per_period: t.rate_per_period().to_string(),
            opening_commission: t.opening_commission().to_string(),
            iva_rate: t.iva_rate().to_string(),
            late_fee: t.late_fee().plain(),
            min_days_to_first_due: t.min_days_to_first_due(),
            allocation_order: t.allocation_order().components().iter().map(text).collect(),
            rounding: text(&t.rounding()),
            min_principal: p.limits.min_principal().plain(),
            max_principal: p.limits.max_principal().plain(),
            min_term_periods: p.limits.min_term(),
            max_term_periods: p.limits.max_term(),
            name: p.name,
        }
    }
}

/// A product as defined by an admin. Omitted fields take SPEC §3's defaults.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductBody {
    pub name: String,
    /// `biweekly_cut`, `weekly` or `monthly`.
    #[schema(value_type = String, example = "biweekly_cut")]
    pub periodicity: Periodicity,
    pub term_periods: u32,
    /// `flat` or `declining`.
    #[schema(value_type = String, example = "flat")]
    pub interest_method: InterestMethod,
    #[schema(example = "0.05")]
    pub rate_per_period: String,
    /// Fraction of the principal, plus IVA, deducted at disbursement (default 0).
    pub opening_commission: Option<String>,
    /// Default: the tenant's IVA rate (0.16 unless the tenant set another).
    pub iva_rate: Option<String>,
    /// Late fee per overdue installment at a cut, in pesos (default 0).
    pub late_fee: Option<String>,
    /// Default 7.
    pub min_days_to_first_due: Option<u32>,
    /// Default true.
    pub active: Option<bool>,
    /// Smallest principal an application may ask for, in pesos (default 1.00).
    pub min_principal: Option<String>,
    /// Largest principal an application may ask for, in pesos (default 1000000.00).
    pub max_principal: Option<String>,
    /// Shortest term an application may ask for (default `term_periods`).
    pub min_term_periods: Option<u32>,
    /// Longest term an application may ask for (default `term_periods`).
    pub max_term_periods: Option<u32>,
}

impl ProductBody {
    /// The product the body describes; what it leaves out of the IVA rate and rounding comes from the
    /// tenant's settings.
    fn into_input(self, tenant: &TenantSettings) -> Result<ProductInput, ApiError> {
        let invalid =
            |what: &str, e: &dyn std::fmt::Display| ApiError::unprocessable(format!("{what}: {e}"));
        let rate =
            Rate::parse(&self.rate_per_period).map_err(|e| invalid("rate_per_period", &e))?;
        let mut terms = tenant.defaults_for(
            ProductTerms::new(
                self.periodicity,
                self.term_periods,
                self.interest_method,
                rate,
            )
            .map_err(|e| invalid("terms", &e))?,
        );
        if let Some(raw) = &self.opening_commission {
            terms = terms.with_opening_commission(
                Rate::parse(raw).map_err(|e| invalid("opening_commission", &e))?,
            );
        }
        if let Some(raw) = &self.iva_rate {
            terms = terms.with_iva_rate(Rate::parse(raw).map_err(|e| invalid("iva_rate", &e))?);
        }
        if let Some(raw) = &self.late_fee {
            let fee = Money::parse(raw).map_err(|e| invalid("late_fee", &e))?;
            terms = terms
                .with_late_fee(fee)
                .map_err(|e| invalid("late_fee", &e))?;
        }
        if let Some(days) = self.min_days_to_first_due {
            terms = terms
                .with_min_days_to_first_due(days)
                .map_err(|e| invalid("min_days_to_first_due", &e))?;
        }
        let defaults = ProductLimits::defaults_for(terms.term_periods());
        let amount = |raw: &Option<String>, what: &str, default: Money| match raw {
            Some(raw) => Money::parse_plain(raw).map_err(|e| invalid(what, &e)),
            None => Ok(default),
        };
        let limits = ProductLimits::new(
            amount(
                &self.min_principal,
                "min_principal",
                defaults.min_principal(),
            )?,
            amount(
                &self.max_principal,
                "max_principal",
                defaults.max_principal(),
            )?,
            self.min_term_periods.unwrap_or(defaults.min_term()),
            self.max_term_periods.unwrap_or(defaults.max_term()),
            terms.term_periods(),
        )
        .map_err(|e| invalid("limits", &e))?;
        Ok(ProductInput {
            name: self.name,
            terms,
            limits,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ProductFilter {
    /// Only products open for new loans.
    pub active: Option<bool>,
}

fn admin(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_manage_products(), "define loan products")
}

#[utoipa::path(get, path = "/v1/products", tag = "products", security(("api_key" = [])), params(ProductFilter, PageQuery),
    responses((status = 200, body = Paged<ProductView>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(filter): ApiQuery<ProductFilter>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<ProductView>>, ApiError> {
    let request = paging.request()?;
    let all = products::list(
        state.store(),
        caller.tenant.id,
        filter.active.unwrap_or(false),
    )
    .await?;
    Ok(ApiJson(Paged::slice(all, request, ProductView::from)))
}

#[utoipa::path(get, path = "/v1/products/{id}", tag = "products", security(("api_key" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ProductView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ProductId>,
) -> Result<ApiJson<ProductView>, ApiError> {
    Ok(ApiJson(
        products::get(state.store(), caller.tenant.id, id)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/v1/products", tag = "products", security(("api_key" = [])), request_body = ProductBody,
    responses((status = 201, body = ProductView), (status = 422, body = Problem), (status = 403, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<ProductBody>,
) -> Result<(StatusCode, ApiJson<ProductView>), ApiError> {
    admin(&caller)?;
    let product = products::create(
        state.store(),
        caller.tenant.id,
        body.into_input(&caller.tenant.settings)?,
        caller.requester(),
    )
    .await?;
    Ok((StatusCode::CREATED, ApiJson(product.into())))
}

#[utoipa::path(put, path = "/v1/products/{id}", tag = "products", security(("api_key" = [])), request_body = ProductBody,
    params(("id" = i64, Path)), responses((status = 200, body = ProductView), (status = 404, body = Problem)))]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<ProductId>,
    ApiJson(body): ApiJson<ProductBody>,
) -> Result<ApiJson<ProductView>, ApiError> {
    admin(&caller)?;
    let by = caller.requester();
    let product = products::update(
        state.store(),
        caller.tenant.id,
        id,
        body.into_input(&caller.tenant.settings)?,
        by,
    )
    .await?;
    Ok(ApiJson(product.into()))
}
