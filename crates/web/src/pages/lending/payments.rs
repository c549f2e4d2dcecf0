//! Payments on screen: register (cashier), reverse (manager), and the payment list with its export.

use super::clients::not_found;
use super::loans::{PAYMENT_FORM, done, refused};
use super::{Pager, clamped, csv_download, explain, pesos, refusal_of};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath, PageQuery, blank_is_none};
use crate::pages::flash::Flash;
use crate::pages::form::Form;
use crate::pages::{Chrome, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::{LoanId, PaymentId};
use credinet_core::money::Money;
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::payments::{self, PaymentFilter, PaymentInput, PaymentMethod};
use credinet_lending::{PageRequest, csv};
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
        Ok(_) => Ok(done(&state, &staff, loan, "Pago registrado.")),
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

const PER_PAGE: u64 = 50;

pub struct Row {
    pub loan_id: i64,
    pub paid_on: String,
    pub amount: String,
    pub method: &'static str,
    pub reference: String,
    pub by: String,
    pub reversed: bool,
}

#[derive(Template)]
#[template(path = "lending/payments.html")]
struct PaymentsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    total: u64,
    from: String,
    to: String,
    pages: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    desde: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    hasta: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

fn filter(q: &ListQuery) -> PaymentFilter {
    PaymentFilter {
        loan: None,
        from: q.desde,
        to: q.hasta,
        include_reversed: true,
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let current = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let chosen = filter(&q);
    let (current, page) = clamped(current, PER_PAGE, |n| {
        payments::list(
            state.store(),
            staff.tenant.id,
            &chosen,
            PageRequest::number(n, PER_PAGE),
        )
    })
    .await
    .map_err(not_found)?;
    let rows = page
        .items
        .into_iter()
        .map(|p| Row {
            loan_id: p.loan_id.get(),
            paid_on: p.paid_on.format("%d/%m/%Y").to_string(),
            amount: pesos(p.amount),
            method: match p.method {
                PaymentMethod::Cash => "Efectivo",
                PaymentMethod::Transfer => "Transferencia",
                PaymentMethod::Card => "Tarjeta",
                PaymentMethod::Other => "Otro",
            },
            reference: p.reference.unwrap_or_default(),
            by: p.registered_by.map(|a| a.label).unwrap_or_default(),
            reversed: p.reversed,
        })
        .collect();
    let from = q.desde.map(|d| d.to_string()).unwrap_or_default();
    let to = q.hasta.map(|d| d.to_string()).unwrap_or_default();
    let view = PaymentsPage {
        chrome: Chrome::new(&staff, "/pagos"),
        rows,
        total: page.total,
        pages: Pager::new(
            format!("/pagos?desde={from}&hasta={to}&p="),
            page.total,
            PER_PAGE,
            current,
        ),
        from,
        to,
    };
    render(&view)
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let filter = filter(&q);
    let rows = all_pages(|p| payments::list(state.store(), staff.tenant.id, &filter, p))
        .await
        .map_err(not_found)?;
    Ok(csv_download("pagos.csv", csv::payments_csv(&rows)))
}
