//! `GET /pagos`: the payments list — client and loan of each, filters by date, cashier and method, and
//! what the payments that stand add up to per method: the day's cash count (corte de caja) on screen
//! when filtered to one cashier and one day. `…/exportar.csv` exports what the filters name.

use super::clients::not_found;
use super::{Pager, clamped, csv_download, pesos, urlencode};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::{Chrome, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use credinet_core::ids::{LoanId, UserId};
use credinet_core::money::Money;
use credinet_lending::loans;
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::payments::{self, PaymentFilter, PaymentMethod};
use credinet_lending::{PageRequest, csv};
use credinet_store::repo::users;
use serde::Deserialize;
use std::collections::HashMap;

const PER_PAGE: u64 = 50;

/// The methods in the order the filter offers them, with their labels.
pub const METHODS: [(PaymentMethod, &str); 4] = [
    (PaymentMethod::Cash, "Efectivo"),
    (PaymentMethod::Transfer, "Transferencia"),
    (PaymentMethod::Card, "Tarjeta"),
    (PaymentMethod::Other, "Otro"),
];

pub fn method_es(method: PaymentMethod) -> &'static str {
    METHODS
        .iter()
        .find(|(m, _)| *m == method)
        .map_or("Otro", |(_, label)| label)
}

/// The list filtered to one local day, and to one cashier's payments when given: the day's cash count
/// (the dashboard's collections cards link here too).
pub fn day_href(day: NaiveDate, cashier: Option<i64>) -> String {
    let cashier = cashier.map(|c| c.to_string()).unwrap_or_default();
    format!("/pagos?desde={day}&hasta={day}&cajero={cashier}&forma=")
}

pub struct Row {
    pub id: i64,
    pub loan_id: i64,
    pub loan_number: String,
    pub client_id: i64,
    pub client: String,
    pub paid_on: String,
    pub amount: String,
    pub method: &'static str,
    pub reference: String,
    pub by: String,
    pub reversed: bool,
}

/// One line of the totals under the table.
pub struct TotalLine {
    pub label: &'static str,
    pub payments: u64,
    pub amount: String,
}

#[derive(Template)]
#[template(path = "lending/payments.html")]
struct PaymentsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    total: u64,
    from: String,
    to: String,
    cashier: String,
    method: String,
    cashiers: Vec<(i64, String)>,
    methods: Vec<(&'static str, &'static str)>,
    /// What the payments that stand add up to, per method, and over all of them.
    by_method: Vec<TotalLine>,
    applied: TotalLine,
    /// Totals are shown to those who read the lender's figures, and to a cashier for her own.
    show_totals: bool,
    /// The link to the viewer's own count for today.
    my_day: String,
    query: String,
    pages: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    desde: Option<NaiveDate>,
    #[serde(default, deserialize_with = "blank_is_none")]
    hasta: Option<NaiveDate>,
    /// A staff user's id: the payments they registered.
    #[serde(default, deserialize_with = "blank_is_none")]
    cajero: Option<i64>,
    /// A method as stored (`cash`…).
    #[serde(default, deserialize_with = "blank_is_none")]
    forma: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

impl ListQuery {
    fn filter(&self) -> Result<PaymentFilter, PageError> {
        let method = match self.forma.as_deref() {
            None => None,
            Some(raw) => Some(PaymentMethod::parse(raw).ok_or(PageError::BadQuery)?),
        };
        Ok(PaymentFilter {
            loan: None,
            from: self.desde,
            to: self.hasta,
            include_reversed: true,
            registered_by: self.cajero.map(UserId::new),
            method,
        })
    }

    /// The query string of these filters (without the page).
    fn query(&self) -> String {
        let text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        format!(
            "desde={}&hasta={}&cajero={}&forma={}",
            text(self.desde),
            text(self.hasta),
            self.cajero.map(|c| c.to_string()).unwrap_or_default(),
            urlencode(self.forma.as_deref().unwrap_or_default())
        )
    }
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let tenant = staff.tenant.id;
    let me = staff.via.user.id.get();
    // Each cashier's collections are the lender's figures (ADR 10): counter staff count only their own.
    let own_only = !staff.role.can_read_reports();
    if own_only && q.cajero.is_some_and(|c| c != me) {
        staff.require(false, "ver los cobros de otra persona")?;
    }
    let show_totals = !own_only || q.cajero == Some(me);
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let chosen = q.filter()?;
    let (current, page) = clamped(asked, PER_PAGE, |n| {
        payments::list(
            state.store(),
            tenant,
            &chosen,
            PageRequest::number(n, PER_PAGE),
        )
    })
    .await
    .map_err(not_found)?;
    // The page's loans and their clients: two statements for the whole page.
    let mut loan_ids: Vec<LoanId> = page.items.iter().map(|p| p.loan_id).collect();
    loan_ids.sort_unstable_by_key(|id| id.get());
    loan_ids.dedup();
    let loans: HashMap<LoanId, loans::LoanListItem> =
        loans::list_items(state.store(), tenant, &loan_ids)
            .await
            .map_err(not_found)?
            .into_iter()
            .map(|item| (item.loan.id, item))
            .collect();
    let rows = page
        .items
        .into_iter()
        .map(|p| {
            let loan = loans.get(&p.loan_id);
            Row {
                id: p.id.get(),
                loan_id: p.loan_id.get(),
                loan_number: loan.map(|l| l.loan.number.clone()).unwrap_or_default(),
                client_id: loan.map_or(0, |l| l.loan.client_id.get()),
                client: loan.map(|l| l.client_name.clone()).unwrap_or_default(),
                paid_on: p.paid_on.format("%d/%m/%Y").to_string(),
                amount: pesos(p.amount),
                method: method_es(p.method),
                reference: p.reference.unwrap_or_default(),
                by: p.registered_by.map(|a| a.label).unwrap_or_default(),
                reversed: p.reversed,
            }
        })
        .collect();
    let totals = payments::applied_totals(state.store(), tenant, &chosen)
        .await
        .map_err(not_found)?;
    let applied = TotalLine {
        label: "Total cobrado",
        payments: totals.iter().map(|t| t.payments).sum(),
        amount: pesos(
            Money::checked_sum(totals.iter().map(|t| t.amount)).ok_or(PageError::Internal)?,
        ),
    };
    let by_method = totals
        .iter()
        .map(|t| TotalLine {
            label: method_es(t.method),
            payments: t.payments,
            amount: pesos(t.amount),
        })
        .collect();
    let cashiers = users::list(state.store().db(), tenant)
        .await?
        .into_iter()
        .filter(|u| u.role.can_register_payments() && (!own_only || u.id.get() == me))
        .map(|u| {
            let name = if u.full_name.trim().is_empty() {
                u.email
            } else {
                u.full_name
            };
            (u.id.get(), name)
        })
        .collect();
    let today = staff.tenant.zone.local_date(state.store().now());
    let view = PaymentsPage {
        chrome: Chrome::new(&staff, "/pagos"),
        rows,
        total: page.total,
        pages: Pager::new(
            format!("/pagos?{}&p=", q.query()),
            page.total,
            PER_PAGE,
            current,
        )
        .asked(asked),
        query: q.query(),
        from: q.desde.map(|d| d.to_string()).unwrap_or_default(),
        to: q.hasta.map(|d| d.to_string()).unwrap_or_default(),
        cashier: q.cajero.map(|c| c.to_string()).unwrap_or_default(),
        method: q.forma.clone().unwrap_or_default(),
        cashiers,
        methods: METHODS.iter().map(|(m, l)| (m.as_str(), *l)).collect(),
        by_method,
        applied,
        show_totals,
        my_day: day_href(today, Some(me)),
    };
    render(&view)
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
    PageQuery(format): PageQuery<super::ExportFormat>,
) -> Result<Response, PageError> {
    let filter = q.filter()?;
    let rows = all_pages(|p| payments::list(state.store(), staff.tenant.id, &filter, p))
        .await
        .map_err(not_found)?;
    Ok(csv_download(
        "pagos.csv",
        csv::payments_sheet(&rows).write(format.reader(&staff)),
    ))
}
