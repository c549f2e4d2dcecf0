//! The loan page: terms, schedule, payments with where their money went, and the actions its status
//! and the viewer's role allow.

use super::super::clients::not_found;
use super::super::pesos;
use super::preview::{self, PreviewView};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::pages::{Chrome, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use chrono::{Days, NaiveDate};
use credinet_core::ids::LoanId;
use credinet_core::lending::allocation::Component;
use credinet_core::lending::delinquency::{DelinquencyBucket, arrears_as_of};
use credinet_core::money::Money;
use credinet_lending::PageRequest;
use credinet_lending::arrears::late_loans;
use credinet_lending::cuts;
use credinet_lending::holidays;
use credinet_lending::loans::LoanDetail;
use credinet_lending::loans::{self, LoanFilter, LoanStatus};
use credinet_lending::payments::{self, AllocationLine, PaymentFilter};
use credinet_lending::products;
use credinet_lending::reports::statement::from_cut;
use std::collections::BTreeSet;

pub struct InstallmentRow {
    pub number: u32,
    pub due_date: String,
    pub principal: String,
    pub interest: String,
    pub iva: String,
    pub late_fees: String,
    pub total: String,
    pub paid: String,
    pub outstanding: String,
}

/// One of the loan's statements, newest first.
pub struct StatementRow {
    pub iso: String,
    pub date: String,
    pub closing: String,
    pub overdue: String,
    pub days_past_due: u32,
    pub bucket: &'static str,
}

pub struct PaymentRow {
    pub id: i64,
    pub paid_on: String,
    pub amount: String,
    pub method: &'static str,
    pub reference: String,
    pub by: String,
    pub reversed: bool,
    /// For a reversed payment: when, by whom and why («el 21/01/2026 por ana@…: capturado dos veces»).
    pub reversal: String,
    /// Where the money went: "Cuota 1: interés $350.00, IVA $56.00, capital $594.00".
    pub applied: Vec<String>,
}

fn component_es(c: Component) -> &'static str {
    match c {
        Component::LateFee => "moratorio",
        Component::LateFeeIva => "IVA moratorio",
        Component::InterestIva => "IVA",
        Component::Interest => "interés",
        Component::Principal => "capital",
    }
}

/// The allocation lines of a payment grouped by installment, in installment order.
pub(crate) fn applied(lines: &[AllocationLine]) -> Vec<String> {
    let mut by_installment: Vec<(u32, Vec<String>)> = Vec::new();
    for line in lines {
        let part = format!("{} {}", component_es(line.component), pesos(line.amount));
        match by_installment
            .iter_mut()
            .find(|(n, _)| *n == line.installment_number)
        {
            Some((_, parts)) => parts.push(part),
            None => by_installment.push((line.installment_number, vec![part])),
        }
    }
    by_installment.sort_by_key(|(n, _)| *n);
    by_installment
        .into_iter()
        .map(|(n, parts)| format!("Cuota {n}: {}", parts.join(", ")))
        .collect()
}

#[derive(Template)]
#[template(path = "lending/loan.html")]
struct LoanPage {
    chrome: Chrome,
    id: i64,
    number: String,
    client_id: i64,
    client_name: String,
    product_name: String,
    status: &'static str,
    status_code: &'static str,
    principal: String,
    commission: String,
    net_disbursed: String,
    cat: String,
    total_due: String,
    total_paid: String,
    outstanding: String,
    disbursed_on: String,
    submitted_by: String,
    approved_by: String,
    reason: String,
    installments: Vec<InstallmentRow>,
    payments: Vec<PaymentRow>,
    statements: Vec<StatementRow>,
    can_submit: bool,
    can_check: bool,
    can_disburse: bool,
    can_write_off: bool,
    can_pay: bool,
    can_reverse: bool,
    today: String,
    /// How late an active loan is today, from its stored schedule (`None` unless disbursed).
    arrears: Option<ArrearsView>,
    /// A fresh key per rendered form: a double click or a resent form registers one payment.
    payment_key: String,
    notice: Option<String>,
    /// The payment just registered, whose receipt the notice links.
    receipt: Option<i64>,
    /// A refusal of an action on the loan (approve, disburse, reverse…), shown above the actions.
    error: Option<String>,
    /// The payment form: today's date and cash, or what was sent and refused.
    payment: Form,
    /// An application (submitted or approved) as it would be disbursed today.
    preview: Option<PreviewView>,
    /// The viewer submitted this application, so cannot approve it (maker–checker).
    own_application: bool,
    /// The client's other loans with their arrears, beside an application.
    other_loans: Vec<OtherLoan>,
}

/// Another loan of the same client, as the approval page lists it.
pub struct OtherLoan {
    pub id: i64,
    pub number: String,
    pub status: &'static str,
    pub outstanding: String,
    pub bucket: Option<(&'static str, &'static str)>,
    pub days: u32,
    pub overdue: String,
}

/// The client's loans other than `this`, with the arrears of the active ones (one statement for all).
async fn other_loans(
    state: &AppState,
    staff: &Staff,
    loan: &loans::Loan,
    today: NaiveDate,
) -> Result<Vec<OtherLoan>, PageError> {
    let filter = LoanFilter {
        client: Some(loan.client_id),
        ..Default::default()
    };
    let items = loans::list(
        state.store(),
        staff.tenant.id,
        &filter,
        PageRequest::number(1, 100),
    )
    .await
    .map_err(not_found)?
    .items;
    let active: Vec<LoanId> = items
        .iter()
        .filter(|i| i.loan.status == LoanStatus::Disbursed)
        .map(|i| i.loan.id)
        .collect();
    let late = late_loans(state.store(), staff.tenant.id, today, Some(&active))
        .await
        .map_err(not_found)?;
    Ok(items
        .into_iter()
        .filter(|i| i.loan.id != loan.id)
        .map(|i| {
            let a = late.get(&i.loan.id);
            let active = i.loan.status == LoanStatus::Disbursed;
            let bucket = a.map_or(DelinquencyBucket::Current, |a| a.bucket);
            OtherLoan {
                id: i.loan.id.get(),
                number: i.loan.number,
                status: i.loan.status.label_es(),
                outstanding: pesos(i.loan.outstanding),
                bucket: active.then(|| (bucket.label_es(), bucket_tone(bucket))),
                days: a.map_or(0, |a| a.days_past_due),
                overdue: pesos(a.map_or(Money::ZERO, |a| a.overdue)),
            }
        })
        .collect())
}

/// A loan's arrears as the page shows them.
pub struct ArrearsView {
    pub days_past_due: u32,
    pub overdue: String,
    pub bucket: &'static str,
    /// The badge's colour: on time, up to 30 days, more.
    pub tone: &'static str,
}

/// The arrears of `detail` today in the tenant's zone, with the rule the period cut applies
/// (`credinet_core::lending::delinquency`): effective due dates move past weekends and the tenant's
/// holidays, and days are counted from the oldest unpaid one.
async fn arrears(
    state: &AppState,
    staff: &Staff,
    detail: &LoanDetail,
    today: NaiveDate,
) -> Result<Option<ArrearsView>, PageError> {
    let Some(first) = detail.installments.iter().map(|i| i.due_date).min() else {
        return Ok(None);
    };
    // A due date before today may move past it over a run of holidays: read a few weeks beyond.
    let until = today + Days::new(31);
    let holidays: BTreeSet<NaiveDate> = if first <= until {
        holidays::between(state.store(), staff.tenant.id, first, until)
            .await
            .map_err(not_found)?
            .into_iter()
            .map(|h| h.date)
            .collect()
    } else {
        BTreeSet::new()
    };
    let owed = detail
        .installments
        .iter()
        .map(|i| (i.due_date, i.outstanding));
    let Some(a) = arrears_as_of(owed, &holidays, today) else {
        return Ok(None);
    };
    Ok(Some(ArrearsView {
        days_past_due: a.days_past_due,
        overdue: pesos(a.overdue),
        bucket: a.bucket.label_es(),
        tone: bucket_tone(a.bucket),
    }))
}

/// The colour of a bucket's badge: on time, up to 30 days, more.
pub(crate) fn bucket_tone(bucket: DelinquencyBucket) -> &'static str {
    match bucket {
        DelinquencyBucket::Current => "ok",
        DelinquencyBucket::D1To15 | DelinquencyBucket::D16To30 => "late",
        _ => "bad",
    }
}

/// The name of the payment form in a [`Flash::Refused`].
pub(in crate::pages::lending) const PAYMENT_FORM: &str = "pago";

fn method_es(raw: &str) -> &'static str {
    match raw {
        "cash" => "Efectivo",
        "transfer" => "Transferencia",
        "card" => "Tarjeta",
        _ => "Otro",
    }
}

pub(in crate::pages::lending) async fn loan_page(
    state: &AppState,
    staff: &Staff,
    id: LoanId,
    flash: Option<Flash>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let tenant = staff.tenant.id;
    let detail = loans::detail(state.store(), tenant, id)
        .await
        .map_err(not_found)?;
    let loan = &detail.loan;
    let client = loans::client_of(state.store(), tenant, loan)
        .await
        .map_err(not_found)?;
    let product = products::get(state.store(), tenant, loan.product_id)
        .await
        .map_err(not_found)?;
    let payment_filter = PaymentFilter {
        loan: Some(id),
        include_reversed: true,
        ..Default::default()
    };
    let payments = all_pages(|p| payments::list(state.store(), tenant, &payment_filter, p))
        .await
        .map_err(not_found)?;
    let ids: Vec<_> = payments.iter().map(|p| p.id).collect();
    let lines = payments::allocations_of(state.store(), tenant, &ids)
        .await
        .map_err(not_found)?;
    let reversed: Vec<_> = payments
        .iter()
        .filter(|p| p.reversed)
        .map(|p| p.id)
        .collect();
    let reversals = payments::reversals_of(state.store(), tenant, &reversed)
        .await
        .map_err(not_found)?;
    let payment_rows: Vec<PaymentRow> = payments
        .into_iter()
        .map(|p| {
            let own: Vec<AllocationLine> = lines
                .iter()
                .filter(|(id, _)| *id == p.id)
                .map(|(_, l)| l.clone())
                .collect();
            PaymentRow {
                id: p.id.get(),
                paid_on: p.paid_on.format("%d/%m/%Y").to_string(),
                amount: pesos(p.amount),
                method: method_es(p.method.as_str()),
                reference: p.reference.unwrap_or_default(),
                by: p.registered_by.map(|a| a.label).unwrap_or_default(),
                reversed: p.reversed,
                reversal: reversals
                    .iter()
                    .find(|r| r.payment_id == p.id)
                    .map(|r| {
                        format!(
                            "el {} por {}: {}",
                            r.reversed_on.format("%d/%m/%Y"),
                            r.reversed_by.as_ref().map_or("—", |a| a.label.as_str()),
                            r.reason
                        )
                    })
                    .unwrap_or_default(),
                applied: applied(&own),
            }
        })
        .collect();
    let mut statements: Vec<StatementRow> = cuts::statements_of_loan(state.store(), tenant, id)
        .await
        .map_err(|e| not_found(from_cut(e)))?
        .into_iter()
        .map(|s| StatementRow {
            iso: s.cut_date.to_string(),
            date: s.cut_date.format("%d/%m/%Y").to_string(),
            closing: pesos(s.line.closing),
            overdue: pesos(s.line.overdue),
            days_past_due: s.line.days_past_due,
            bucket: s.line.bucket.label_es(),
        })
        .collect();
    statements.reverse();
    let money_or_dash = |m: Option<Money>| m.map(pesos).unwrap_or_else(|| "—".into());
    let role = staff.role;
    let s = loan.status;
    let installments = detail
        .installments
        .iter()
        .map(|i| InstallmentRow {
            number: i.number,
            due_date: i.due_date.format("%d/%m/%Y").to_string(),
            principal: pesos(i.due.principal),
            interest: pesos(i.due.interest),
            iva: pesos(i.due.interest_iva),
            late_fees: pesos(
                Money::checked_sum([i.due.late_fee, i.due.late_fee_iva]).unwrap_or(Money::ZERO),
            ),
            total: pesos(i.total_due),
            paid: pesos(
                Money::checked_sum([
                    i.paid.principal,
                    i.paid.interest,
                    i.paid.interest_iva,
                    i.paid.late_fee,
                    i.paid.late_fee_iva,
                ])
                .unwrap_or(Money::ZERO),
            ),
            outstanding: pesos(i.outstanding),
        })
        .collect();
    let today_date = staff.tenant.zone.local_date(state.store().now());
    let arrears = if s == LoanStatus::Disbursed {
        arrears(state, staff, &detail, today_date).await?
    } else {
        None
    };
    let awaiting = matches!(s, LoanStatus::Submitted | LoanStatus::Approved);
    let preview = if awaiting {
        // A preview that cannot be computed (terms the tenant's calendar no longer fits) must not hide
        // the page that approves or rejects the application: it is left out and logged.
        match loans::preview_loan(state.store(), tenant, loan).await {
            Ok(p) => Some(preview::view(&p)),
            Err(e) => {
                tracing::warn!(loan = %loan.id, error = %e, "loan preview not computed");
                None
            }
        }
    } else {
        None
    };
    let other_loans = if awaiting {
        other_loans(state, staff, loan, today_date).await?
    } else {
        Vec::new()
    };
    let own_application = s == LoanStatus::Submitted
        && role.can_approve_loans()
        && loans::is_own_application(state.store(), tenant, loan, staff.requester())
            .await
            .map_err(not_found)?;
    let today = today_date.to_string();
    let (mut notice, mut error, mut payment, mut receipt) = (None, None, None, None);
    match flash {
        Some(Flash::Notice(message)) => notice = Some(message),
        Some(Flash::Paid {
            notice: message,
            payment,
        }) => {
            notice = Some(message);
            receipt = Some(payment);
        }
        Some(Flash::Error(message)) => error = Some(message),
        Some(Flash::Refused { form, typed }) if form == PAYMENT_FORM => payment = Some(typed),
        _ => {}
    }
    let payment =
        payment.unwrap_or_else(|| Form::with([("paid_on", today.as_str()), ("method", "cash")]));
    let view = LoanPage {
        chrome: Chrome::new(staff, "/prestamos"),
        id: loan.id.get(),
        number: loan.number.clone(),
        client_id: client.id.get(),
        client_name: client.full_name,
        product_name: product.name,
        status: s.label_es(),
        status_code: s.as_str(),
        principal: pesos(loan.principal),
        commission: money_or_dash(
            loan.opening_commission
                .zip(loan.commission_iva)
                .and_then(|(a, b)| a.checked_add(b)),
        ),
        net_disbursed: money_or_dash(loan.net_disbursed),
        cat: loan
            .cat
            .map(|c| format!("{c} %"))
            .unwrap_or_else(|| "—".into()),
        total_due: pesos(loan.total_due),
        total_paid: pesos(loan.total_paid),
        outstanding: pesos(loan.outstanding),
        disbursed_on: loan
            .disbursed_on
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_else(|| "—".into()),
        submitted_by: loan
            .submitted_by
            .as_ref()
            .map(|a| a.label.clone())
            .unwrap_or_default(),
        approved_by: loan
            .approved_by
            .as_ref()
            .map(|a| a.label.clone())
            .unwrap_or_default(),
        reason: loan
            .rejection_reason
            .clone()
            .or(loan.write_off_reason.clone())
            .unwrap_or_default(),
        installments,
        payments: payment_rows,
        statements,
        can_submit: s == LoanStatus::Draft && role.can_manage_clients(),
        can_check: s == LoanStatus::Submitted && role.can_approve_loans() && !own_application,
        can_disburse: s == LoanStatus::Approved && role.can_approve_loans(),
        can_write_off: s == LoanStatus::Disbursed && role.can_approve_loans(),
        can_pay: s == LoanStatus::Disbursed && role.can_register_payments(),
        can_reverse: role.can_reverse_payments(),
        today,
        arrears,
        payment_key: format!("web-{}", credinet_accounts::token::random_token()),
        notice,
        receipt,
        error,
        payment,
        preview,
        own_application,
        other_loans,
    };
    render(&view).map(|r| (status, r).into_response())
}

/// The loan page, saying once what the redirect that led here carried (post/redirect/get).
pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
    PagePath(id): PagePath<LoanId>,
) -> Result<Response, PageError> {
    let (jar, flash) = flash::take(&state, &staff, jar, &format!("/prestamos/{id}"));
    let page = loan_page(&state, &staff, id, flash, StatusCode::OK).await?;
    Ok((jar, page).into_response())
}
