//! Payments on screen: register (cashier) and reverse (manager). The list is in `payments_list.rs`, the
//! receipt in `receipt.rs`.

use super::clients::not_found;
use super::loans::{PAYMENT_FORM, done, refused};
use super::{explain, pesos, refusal_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::{LoanId, PaymentId};
use credinet_core::money::Money;
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PaymentForm {
    amount: String,
    #[serde(default)]
    paid_on: String,
    method: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    idempotency_key: String,
}

pub async fn register(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(loan): PagePath<LoanId>,
    PageForm(form): PageForm<PaymentForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_register_payments(), "registrar pagos")?;
    let typed = Form::with([
        ("amount", form.amount.as_str()),
        ("paid_on", &form.paid_on),
        ("method", &form.method),
        ("reference", &form.reference),
    ]);
    let failed = |field: Option<&'static str>, message: String| {
        refused(
            &state,
            &staff,
            loan,
            Flash::Refused {
                form: PAYMENT_FORM.into(),
                typed: typed.clone().refused(field, message),
            },
        )
    };
    let amount = match Money::parse(&form.amount) {
        Ok(m) => m,
        Err(e) => return failed(Some("amount"), catalogue::money("el importe", &e)).await,
    };
    let paid_on = match form.paid_on.trim() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                return failed(
                    Some("paid_on"),
                    "La fecha del pago no es una fecha válida.".into(),
                )
                .await;
            }
        },
    };
    let Some(method) = PaymentMethod::parse(&form.method) else {
        return failed(Some("method"), "Elija la forma de pago de la lista.".into()).await;
    };
    let some = |s: String| Some(s.trim().to_string()).filter(|v| !v.is_empty());
    let idempotency_key = match some(form.idempotency_key)
        .as_deref()
        .map(IdempotencyKey::parse)
    {
        None => None,
        Some(Ok(key)) => Some(key),
        Some(Err(_)) => {
            return failed(
                None,
                "El folio de operación del formulario no es válido; recargue la página.".into(),
            )
            .await;
        }
    };
    let input = PaymentInput {
        loan,
        amount,
        paid_on,
        method,
        reference: some(form.reference),
        idempotency_key,
    };
    match payments::register(state.store(), staff.tenant.id, input, staff.requester()).await {
        Ok(receipt) => Ok(flash::redirect_with(
            &state,
            &staff,
            &format!("/prestamos/{loan}"),
            Flash::Paid {
                notice: format!(
                    "Pago registrado. Importe: {}.",
                    pesos(receipt.payment.amount)
                ),
                payment: receipt.payment.id.get(),
            },
        )),
        Err(e) => {
            let (field, message) = refusal_of(e)?;
            failed(field, message).await
        }
    }
}

#[derive(Deserialize)]
pub struct ReversalForm {
    reason: String,
}

pub async fn reverse(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<PaymentId>,
    PageForm(form): PageForm<ReversalForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_reverse_payments(), "reversar pagos")?;
    let tenant = staff.tenant.id;
    let payment = payments::get(state.store(), tenant, id)
        .await
        .map_err(not_found)?;
    let loan = payment.payment.loan_id;
    match payments::reverse(state.store(), tenant, id, &form.reason, staff.requester()).await {
        Ok(_) => Ok(done(
            &state,
            &staff,
            loan,
            "Pago reversado; su aplicación se deshizo.",
        )),
        Err(e) => refused(&state, &staff, loan, Flash::Error(explain(e)?)).await,
    }
}
