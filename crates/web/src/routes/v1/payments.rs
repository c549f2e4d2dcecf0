//! Payments: `POST /v1/loans/{id}/payments` (with an optional `Idempotency-Key`), lists, receipts and
//! reversals.

use super::{ApiJson, ApiPath, ApiQuery, IdempotencyHeader, PageQuery, Paged};
use crate::auth::ApiCaller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{LoanId, PaymentId};
use credinet_core::money::Money;
use credinet_lending::loans::Actor;
use credinet_lending::payments::{
    self, AllocationLine, Payment, PaymentFilter, PaymentInput, PaymentMethod, PaymentReceipt,
    Reversal,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: i64,
    pub loan_id: i64,
    pub amount: String,
    /// Local date in the tenant's zone.
    pub paid_on: NaiveDate,
    #[schema(example = "cash")]
    pub method: String,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub registered_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
    pub reversed: bool,
}

impl From<Payment> for PaymentView {
    fn from(p: Payment) -> Self {
        PaymentView {
            id: p.id.get(),
            loan_id: p.loan_id.get(),
            amount: p.amount.plain(),
            paid_on: p.paid_on,
            method: p.method.as_str().to_string(),
            reference: p.reference,
            idempotency_key: p.idempotency_key,
            registered_by: p.registered_by,
            created_at: p.created_at,
            reversed: p.reversed,
        }
    }
}

/// How much of the payment went to which component of which installment.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AllocationView {
    pub installment_number: u32,
    #[schema(example = "interest")]
    pub component: String,
    pub amount: String,
}

impl From<AllocationLine> for AllocationView {
    fn from(a: AllocationLine) -> Self {
        let component = match serde_json::to_value(a.component) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        };
        AllocationView {
            installment_number: a.installment_number,
            component,
            amount: a.amount.plain(),
        }
    }
}

/// A payment, its allocations and the loan's balance after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    pub payment: PaymentView,
    pub allocations: Vec<AllocationView>,
    pub loan_number: String,
    pub loan_outstanding: String,
    pub loan_status: String,
}

impl From<PaymentReceipt> for ReceiptView {
    fn from(r: PaymentReceipt) -> Self {
        ReceiptView {
            payment: r.payment.into(),
            allocations: r.allocations.into_iter().map(Into::into).collect(),
            loan_number: r.loan_number,
            loan_outstanding: r.loan_outstanding.plain(),
            loan_status: r.loan_status.as_str().to_string(),
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ReversalView {
    pub id: i64,
    pub payment_id: i64,
    pub loan_id: i64,
    pub amount: String,
    pub reversed_on: NaiveDate,
    pub reason: String,
    pub created_at: DateTime<Utc>,
    pub loan_outstanding: String,
    pub loan_status: String,
}

impl From<Reversal> for ReversalView {
    fn from(r: Reversal) -> Self {
        ReversalView {
            id: r.id.get(),
            payment_id: r.payment_id.get(),
            loan_id: r.loan_id.get(),
            amount: r.amount.plain(),
            reversed_on: r.reversed_on,
            reason: r.reason,
            created_at: r.created_at,
            loan_outstanding: r.loan_outstanding.plain(),
            loan_status: r.loan_status.as_str().to_string(),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    #[schema(value_type = String, example = "1500.00")]
    pub amount: Money,
    /// Local date; default today in the tenant's zone.
    pub paid_on: Option<NaiveDate>,
    /// cash, transfer, card or other.
    #[schema(value_type = String, example = "cash")]
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReversalBody {
    pub reason: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PaymentQuery {
    #[param(value_type = Option<i64>)]
    pub loan_id: Option<LoanId>,
    /// Inclusive local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Include reversed payments (default true).
    pub include_reversed: Option<bool>,
}

impl PaymentQuery {
    pub fn filter(&self) -> PaymentFilter {
        PaymentFilter {
            loan: self.loan_id,
            from: self.from,
            to: self.to,
            include_reversed: self.include_reversed.unwrap_or(true),
            ..Default::default()
        }
    }
}

#[utoipa::path(post, path = "/v1/loans/{id}/payments", tag = "payments", security(("api_key" = [])),
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header,
        description = "1 to 100 printable ASCII characters. A retry with the same key and body returns the first \
            result and creates nothing")),
    request_body = NewPayment,
    responses((status = 201, body = ReceiptView), (status = 422, body = Problem, description = "Invalid, above the payoff, or a bad Idempotency-Key"),
        (status = 409, body = Problem, description = "The key was used for a different payment")))]
pub async fn register(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(loan): ApiPath<LoanId>,
    IdempotencyHeader(idempotency_key): IdempotencyHeader,
    ApiJson(body): ApiJson<NewPayment>,
) -> Result<Response, ApiError> {
    caller.require(caller.role.can_register_payments(), "register payments")?;
    let input = PaymentInput {
        loan,
        amount: body.amount,
        paid_on: body.paid_on,
        method: body.method,
        reference: body.reference,
        idempotency_key,
    };
    let receipt = state
        .payments()
        .register(caller.tenant.id, input, caller.requester())
        .await?;
    let replayed = receipt.replayed;
    let mut response = (StatusCode::CREATED, ApiJson(ReceiptView::from(receipt))).into_response();
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

#[utoipa::path(get, path = "/v1/payments", tag = "payments", security(("api_key" = [])), params(PaymentQuery, PageQuery),
    responses((status = 200, body = Paged<PaymentView>), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<PaymentQuery>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<PaymentView>>, ApiError> {
    let page = payments::list(
        state.store(),
        caller.tenant.id,
        &query.filter(),
        paging.request()?,
    )
    .await?;
    Ok(ApiJson(Paged::from_page(page, PaymentView::from)))
}

#[utoipa::path(get, path = "/v1/loans/{id}/payments", tag = "payments", security(("api_key" = [])),
    params(("id" = i64, Path), PageQuery),
    responses((status = 200, body = Paged<PaymentView>), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn list_for_loan(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(loan): ApiPath<LoanId>,
    ApiQuery(paging): ApiQuery<PageQuery>,
) -> Result<ApiJson<Paged<PaymentView>>, ApiError> {
    // Reading the loan first makes another tenant's loan id a 404, not an empty list.
    credinet_lending::loans::get(state.store(), caller.tenant.id, loan).await?;
    let filter = PaymentFilter {
        loan: Some(loan),
        include_reversed: true,
        ..Default::default()
    };
    let page = payments::list(state.store(), caller.tenant.id, &filter, paging.request()?).await?;
    Ok(ApiJson(Paged::from_page(page, PaymentView::from)))
}

#[utoipa::path(get, path = "/v1/payments/{id}", tag = "payments", security(("api_key" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = ReceiptView), (status = 404, body = Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<PaymentId>,
) -> Result<ApiJson<ReceiptView>, ApiError> {
    Ok(ApiJson(
        payments::get(state.store(), caller.tenant.id, id)
            .await?
            .into(),
    ))
}

#[utoipa::path(post, path = "/v1/payments/{id}/reversal", tag = "payments", security(("api_key" = [])),
    params(("id" = i64, Path)), request_body = ReversalBody,
    responses((status = 201, body = ReversalView), (status = 409, body = Problem), (status = 404, body = Problem)))]
pub async fn reverse(
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiPath(id): ApiPath<PaymentId>,
    ApiJson(body): ApiJson<ReversalBody>,
) -> Result<(StatusCode, ApiJson<ReversalView>), ApiError> {
    caller.require(caller.role.can_reverse_payments(), "reverse payments")?;
    let by = caller.requester();
    let reversal = payments::reverse(state.store(), caller.tenant.id, id, &body.reason, by).await?;
    Ok((StatusCode::CREATED, ApiJson(reversal.into())))
}
