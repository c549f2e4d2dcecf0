//! `/v1/loans`: applications and loans of the caller's tenant, their schedule and their lifecycle
//! (draft → submitted → approved → disbursed → paid; rejected; written_off; maker–checker approval).

use super::{ApiJson, ApiPath, ApiQuery, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{ClientId, LoanId, ProductId};
use credinet_core::lending::allocation::Components;
use credinet_core::money::Money;
use credinet_lending::loans::{
    self, Actor, Installment, Loan, LoanDetail, LoanFilter, LoanInput, LoanListItem, LoanStatus,
};
use serde::{Deserialize, Serialize};

/// A loan. Money is pesos as a decimal string; `cat` is the Costo Anual Total in percent, without IVA.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoanView {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_name: Option<String>,
    pub product_id: i64,
    #[schema(example = "draft")]
    pub status: String,
    pub principal: String,
    /// Periods the loan was asked for (the product's term unless the application chose another).
    pub term_periods: u32,
    pub opening_commission: Option<String>,
    pub commission_iva: Option<String>,
    pub net_disbursed: Option<String>,
    #[schema(example = "541.7")]
    pub cat: Option<String>,
    pub disbursed_on: Option<NaiveDate>,
    pub total_due: String,
    pub total_paid: String,
    pub outstanding: String,
    #[schema(value_type = Option<Object>)]
    pub submitted_by: Option<Actor>,
    #[schema(value_type = Option<Object>)]
    pub approved_by: Option<Actor>,
    pub rejection_reason: Option<String>,
    pub write_off_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn money(m: Option<Money>) -> Option<String> {
    m.map(Money::plain)
}

impl From<Loan> for LoanView {
    fn from(l: Loan) -> Self {
        LoanView {
            id: l.id.get(),
            number: l.number,
            client_id: l.client_id.get(),
            client_name: None,
            product_id: l.product_id.get(),
            status: l.status.as_str().to_string(),
            principal: l.principal.plain(),
            term_periods: l.terms.term_periods(),
            opening_commission: money(l.opening_commission),
            commission_iva: money(l.commission_iva),
            net_disbursed: money(l.net_disbursed),
            cat: l.cat.map(|c| c.to_string()),
            disbursed_on: l.disbursed_on,
            total_due: l.total_due.plain(),
            total_paid: l.total_paid.plain(),
            outstanding: l.outstanding.plain(),
            submitted_by: l.submitted_by,
            approved_by: l.approved_by,
            rejection_reason: l.rejection_reason,
            write_off_reason: l.write_off_reason,
            created_at: l.created_at,
            updated_at: l.updated_at,
        }
    }
}

impl From<LoanListItem> for LoanView {
    fn from(item: LoanListItem) -> Self {
        LoanView {
            client_name: Some(item.client_name),
            ..item.loan.into()
        }
    }
}

/// Amounts per component of an installment.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ComponentsView {
    pub principal: String,
    pub interest: String,
    pub interest_iva: String,
    pub late_fee: String,
    pub late_fee_iva: String,
}

impl From<Components> for ComponentsView {
    fn from(c: Components) -> Self {
        ComponentsView {
            principal: c.principal.plain(),
            interest: c.interest.plain(),
            interest_iva: c.interest_iva.plain(),
            late_fee: c.late_fee.plain(),
            late_fee_iva: c.late_fee_iva.plain(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InstallmentView {
    pub number: u32,
    /// The nominal due date (the last local day on which a payment still counts as on time).
    pub due_date: NaiveDate,
    pub due: ComponentsView,
    pub paid: ComponentsView,
    pub total_due: String,
    pub outstanding: String,
}

impl From<Installment> for InstallmentView {
    fn from(i: Installment) -> Self {
        InstallmentView {
            number: i.number,
            due_date: i.due_date,
            due: i.due.into(),
            paid: i.paid.into(),
            total_due: i.total_due.plain(),
            outstanding: i.outstanding.plain(),
        }
    }
}

/// A loan with its stored schedule.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoanDetailView {
    pub loan: LoanView,
    pub installments: Vec<InstallmentView>,
}

impl From<LoanDetail> for LoanDetailView {
    fn from(d: LoanDetail) -> Self {
        LoanDetailView {
            loan: d.loan.into(),
            installments: d.installments.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct LoanQuery {
    /// Comma-separated statuses: draft, submitted, approved, rejected, disbursed, paid, written_off.
    pub status: Option<String>,
    #[param(value_type = Option<i64>)]
    pub client_id: Option<ClientId>,
}

impl LoanQuery {
    pub fn filter(&self) -> Result<LoanFilter, ApiError> {
        let statuses = match self.status.as_deref().filter(|s| !s.trim().is_empty()) {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(|s| {
                    LoanStatus::parse(s.trim()).ok_or_else(|| {
                        ApiError::bad_request(format!("unknown loan status '{}'", s.trim()))
                    })
                })
                .collect::<Result<_, _>>()?,
        };
        Ok(LoanFilter {
            statuses,
            client: self.client_id,
        })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLoan {
    #[schema(value_type = i64)]
    pub client_id: ClientId,
    #[schema(value_type = i64)]
    pub product_id: ProductId,
    /// Pesos, e.g. "10000.00".
    #[schema(value_type = String, example = "10000.00")]
    pub principal: Money,
    /// Periods, within the product's `min_term_periods`..`max_term_periods`; default the product's
    /// `term_periods`.
    pub term_periods: Option<u32>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

#[derive(Deserialize, utoipa::ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct Disbursement {
    /// Local date of the disbursement; default today in the tenant's zone.
    pub disbursed_on: Option<NaiveDate>,
}

fn applicant(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(caller.role.can_manage_clients(), "apply for loans")
}

fn checker(caller: &ApiCaller) -> Result<(), ApiError> {
    caller.require(
        caller.role.can_approve_loans(),
        "approve, reject, disburse or write off loans",
    )
}

#[utoipa::path(get, path = "/v1/loans", tag = "loans", security(("api_key" = [])), params(LoanQuery, PageQuery),
    responses((status = 200, body = Paged<LoanView>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<LoanQuery>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<LoanView>>, ApiError> {
    let page = loans::list(
        state.store(),
        caller.tenant.id,
        &query.filter()?,
        paging.request()?,
    )
    .await?;
    Ok(ApiJson(Paged::from_page(page, LoanView::from)))
}

#[utoipa::path(get, path = "/v1/loans/{id}", tag = "loans", security(("api_key" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = LoanDetailView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<LoanId>,
) -> Result<ApiJson<LoanDetailView>, ApiError> {
    Ok(ApiJson(
        loans::detail(state.store(), caller.tenant.id, id)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/v1/loans", tag = "loans", security(("api_key" = [])), request_body = NewLoan,
    responses((status = 201, body = LoanView), (status = 422, body = Problem), (status = 404, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<NewLoan>,
) -> Result<(StatusCode, ApiJson<LoanView>), ApiError> {
    applicant(&caller)?;
    let input = LoanInput {
        client: body.client_id,
        product: body.product_id,
        principal: body.principal,
        term: body.term_periods,
    };
    let loan =
        loans::create_draft(state.store(), caller.tenant.id, input, caller.requester()).await?;
    Ok((StatusCode::CREATED, ApiJson(loan.into())))
}

macro_rules! transition {
    ($name:ident, $path:literal, $guard:ident, $call:expr) => {
        #[utoipa::path(post, path = $path, tag = "loans", security(("api_key" = [])), params(("id" = i64, Path)),
            responses((status = 200, body = LoanView), (status = 409, body = Problem), (status = 403, body = Problem)))]
        pub async fn $name(
            State(state): State<AppState>,
            caller: ApiCaller,
            ApiPath(id): ApiPath<LoanId>,
        ) -> Result<ApiJson<LoanView>, ApiError> {
            $guard(&caller)?;
            let by = caller.requester();
            let loan = $call(state.store(), caller.tenant.id, id, by).await?;
            Ok(ApiJson(loan.into()))
        }
    };
}

transition!(submit, "/v1/loans/{id}/submit", applicant, loans::submit);
transition!(approve, "/v1/loans/{id}/approve", checker, loans::approve);

#[utoipa::path(post, path = "/v1/loans/{id}/reject", tag = "loans", security(("api_key" = [])), params(("id" = i64, Path)),
    request_body = Reason, responses((status = 200, body = LoanView), (status = 409, body = Problem)))]
pub async fn reject(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<LoanId>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<ApiJson<LoanView>, ApiError> {
    checker(&caller)?;
    let loan = loans::reject(
        state.store(),
        caller.tenant.id,
        id,
        &body.reason,
        caller.requester(),
    )
    .await?;
    Ok(ApiJson(loan.into()))
}

#[utoipa::path(post, path = "/v1/loans/{id}/write-off", tag = "loans", security(("api_key" = [])), params(("id" = i64, Path)),
    request_body = Reason, responses((status = 200, body = LoanView), (status = 409, body = Problem)))]
pub async fn write_off(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<LoanId>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<ApiJson<LoanView>, ApiError> {
    checker(&caller)?;
    let by = caller.requester();
    let loan = loans::write_off(state.store(), caller.tenant.id, id, &body.reason, by).await?;
    Ok(ApiJson(loan.into()))
}

#[utoipa::path(post, path = "/v1/loans/{id}/disburse", tag = "loans", security(("api_key" = [])), params(("id" = i64, Path)),
    request_body = Disbursement, responses((status = 200, body = LoanDetailView), (status = 409, body = Problem)))]
pub async fn disburse(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<LoanId>,
    body: axum::body::Bytes,
) -> Result<ApiJson<LoanDetailView>, ApiError> {
    checker(&caller)?;
    // The body is optional: an empty one disburses today (local date of the tenant).
    let on = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        serde_json::from_slice::<Disbursement>(&body)
            .map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))?
            .disbursed_on
    };
    let detail =
        loans::disburse(state.store(), caller.tenant.id, id, on, caller.requester()).await?;
    Ok(ApiJson(detail.into()))
}
