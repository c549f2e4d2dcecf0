//! `GET /pagos/{id}/recibo`: a payment's receipt to print and hand over — folio, lender, client, loan,
//! amount, method, where the money went and who took it; a reversed payment says so with its reason,
//! person and date. The print stylesheet leaves only the receipt on paper (ADR 33).

use super::clients::not_found;
use super::loans::applied;
use super::payments_list::method_es;
use super::pesos;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::{Chrome, local, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use credinet_core::ids::PaymentId;
use credinet_lending::{clients, loans, payments};

/// A reversal as the receipt shows it.
pub struct ReversalView {
    pub reason: String,
    pub by: String,
    pub on: String,
}

#[derive(Template)]
#[template(path = "lending/receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    lender: String,
    folio: String,
    paid_on: String,
    registered_at: String,
    client_id: i64,
    client: String,
    loan_id: i64,
    loan_number: String,
    amount: String,
    method: &'static str,
    reference: String,
    by: String,
    applied: Vec<String>,
    outstanding: String,
    printed_at: String,
    reversal: Option<ReversalView>,
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<PaymentId>,
) -> Result<Response, PageError> {
    let tenant = staff.tenant.id;
    let receipt = payments::get(state.store(), tenant, id)
        .await
        .map_err(not_found)?;
    let p = &receipt.payment;
    let loan = loans::get(state.store(), tenant, p.loan_id)
        .await
        .map_err(not_found)?;
    let client = clients::get(state.store(), tenant, loan.client_id)
        .await
        .map_err(not_found)?;
    let folio = payments::receipt_folio(state.store(), tenant, p, &loan.number)
        .await
        .map_err(not_found)?;
    let reversal = if p.reversed {
        payments::reversals_of(state.store(), tenant, &[p.id])
            .await
            .map_err(not_found)?
            .into_iter()
            .next()
            .map(|r| ReversalView {
                reason: r.reason,
                by: r.reversed_by.map(|a| a.label).unwrap_or_default(),
                on: r.reversed_on.format("%d/%m/%Y").to_string(),
            })
    } else {
        None
    };
    let page = ReceiptPage {
        chrome: Chrome::new(&staff, "/pagos"),
        lender: staff.tenant.legal_name.clone(),
        folio,
        paid_on: p.paid_on.format("%d/%m/%Y").to_string(),
        registered_at: local(&staff, p.created_at),
        client_id: client.id.get(),
        client: client.full_name,
        loan_id: loan.id.get(),
        loan_number: loan.number,
        amount: pesos(p.amount),
        method: method_es(p.method),
        reference: p.reference.clone().unwrap_or_default(),
        by: p
            .registered_by
            .as_ref()
            .map(|a| a.label.clone())
            .unwrap_or_default(),
        applied: applied(&receipt.allocations),
        outstanding: pesos(loan.outstanding),
        printed_at: local(&staff, state.store().now()),
        reversal,
    };
    render(&page)
}
