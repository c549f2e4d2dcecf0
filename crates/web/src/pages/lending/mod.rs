//! Back-office screens of the lending core: clients, products, loans (with the approval queue) and
//! payments, and a loan's statements. Each module is one screen family; this one holds what they share.

pub mod client_pin;
pub mod client_transcript;
pub mod clients;
pub mod loans;
pub mod payments;
pub mod payments_list;
pub mod products;
pub mod receipt;

use crate::error::PageError;
use crate::pages::catalogue;
use crate::routes::table::{Routes, get, post};
use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use credinet_core::lending::limits::LimitsError;
use credinet_core::money::Money;
use credinet_core::text::{Field, TextError};
use credinet_lending::{DateOf, DuplicateOf, LendingError, Page, Refusal};

/// The lending screens; the caller puts them behind the session gate.
pub fn routes() -> Routes<AppState> {
    Routes::new()
        .route("/clientes", get(clients::list).post(clients::create))
        .route("/clientes/exportar.csv", get(clients::export))
        .route("/clientes/{id}", get(clients::show).post(clients::update))
        .route("/clientes/{id}/solicitud", post(loans::apply))
        .route("/clientes/{id}/pin", post(client_pin::set))
        .route("/productos", get(products::list).post(products::create))
        .route(
            "/productos/{id}",
            get(products::show).post(products::update),
        )
        .route("/prestamos", get(loans::list))
        .route("/prestamos/exportar.csv", get(loans::export))
        .route("/prestamos/aprobacion", get(loans::queue))
        .route("/prestamos/{id}", get(loans::show))
        .route("/prestamos/{id}/{action}", post(loans::act))
        .route("/prestamos/{id}/estados/{date}", get(loans::statement))
        .route(
            "/prestamos/{id}/estados/{date}/pdf",
            get(loans::statement_pdf),
        )
        .route("/prestamos/{id}/pagos", post(payments::register))
        .route("/pagos", get(payments_list::list))
        .route("/pagos/exportar.csv", get(payments_list::export))
        .route("/pagos/{id}/recibo", get(receipt::show))
        .route("/pagos/{id}/reversa", post(payments::reverse))
}

/// A lending error as a sentence for the person at the screen (Spanish, from the catalogue), or an
/// internal error.
pub fn explain(e: LendingError) -> Result<String, PageError> {
    Ok(match e {
        LendingError::Refused(r) => catalogue::refusal(&r),
        LendingError::AbovePayoff { payoff, amount } => catalogue::above_payoff(payoff, amount),
        LendingError::IdempotencyMismatch => {
            "Ese folio de operación ya se usó para otro pago.".into()
        }
        LendingError::InvalidTransition { from, to } => {
            format!(
                "Un préstamo en estado «{}» no puede pasar a «{}».",
                status_es(from),
                status_es(to)
            )
        }
        LendingError::NotFound(_) => return Err(PageError::NotFound),
        LendingError::Store(s) => return Err(s.into()),
        // Left as free text only where no person types the input (the demo, a batch's settings);
        // reaching a page is a gap in the catalogue, so it is logged with its English.
        LendingError::Invalid(english) => {
            tracing::warn!(error = %english, "an untranslated lending error reached a page");
            "No pudimos aceptar estos datos; revise los importes y las fechas.".into()
        }
        LendingError::Conflict(english) => {
            tracing::info!(error = %english, "conflict shown on a page");
            "Ya existe un registro con esos datos.".into()
        }
        LendingError::Forbidden(english) => {
            tracing::info!(error = %english, "refusal shown on a page");
            "Su usuario no puede hacer esto.".into()
        }
    })
}

/// A lending error as a form's refusal: the Spanish sentence and the form field (its `name`) it is about,
/// so the page shows it next to that field; `None` where it is about the request as a whole.
pub fn refusal_of(e: LendingError) -> Result<(Option<&'static str>, String), PageError> {
    let field = match &e {
        LendingError::Refused(r) => refused_field(r),
        LendingError::AbovePayoff { .. } => Some("amount"),
        _ => None,
    };
    Ok((field, explain(e)?))
}

/// The form field a refusal is about, named as the back-office forms name their inputs.
fn refused_field(r: &Refusal) -> Option<&'static str> {
    Some(match r {
        Refusal::Text(e) => text_field(e),
        Refusal::Phone(_) => "phone",
        Refusal::Curp(_) => "curp",
        Refusal::Rfc(_) => "rfc",
        Refusal::NonPositivePrincipal(_) => "principal",
        Refusal::Limits(e) => match e {
            LimitsError::PrincipalBelowMinimum { .. }
            | LimitsError::PrincipalAboveMaximum { .. } => "principal",
            LimitsError::TermOutside { .. } => "term",
            LimitsError::NonPositiveMinimum(_) | LimitsError::PrincipalRangeInverted { .. } => {
                "min_principal"
            }
            LimitsError::TermOutOfBounds { .. } | LimitsError::TermRangeInverted { .. } => {
                "min_term_periods"
            }
            LimitsError::DefaultTermOutside { .. } => "term_periods",
        },
        Refusal::ProductRetired(_) => "product",
        Refusal::DisbursedInFuture { .. } => "disbursed_on",
        Refusal::DateOutOfRange { what, .. } => match what {
            DateOf::Disbursement => "disbursed_on",
            DateOf::Payment => "paid_on",
            DateOf::Birth => "birth_date",
        },
        Refusal::ReasonRequired => "reason",
        Refusal::NonPositivePayment(_) => "amount",
        Refusal::PaidInFuture { .. } | Refusal::PaidBeforeDisbursement { .. } => "paid_on",
        Refusal::DuplicateClient { what, .. } => match what {
            DuplicateOf::Curp => "curp",
            DuplicateOf::Phone => "phone",
        },
        Refusal::Schedule(_)
        | Refusal::Terms(_)
        | Refusal::Allocation(_)
        | Refusal::CommissionTooHigh
        | Refusal::OwnApplication
        | Refusal::TakesNoPayments { .. }
        | Refusal::AlreadyReversed(_) => return None,
    })
}

/// The form field of a typed text's refusal.
pub fn text_field(e: &TextError) -> &'static str {
    let field = match e {
        TextError::Required(f) | TextError::NothingVisible(f) => f,
        TextError::TooLong { field, .. }
        | TextError::ControlCharacter { field, .. }
        | TextError::DirectionControl { field, .. } => field,
    };
    match field {
        Field::FullName => "full_name",
        Field::Curp => "curp",
        Field::Rfc => "rfc",
        Field::Address => "address",
        Field::Notes => "notes",
        Field::Search => "q",
        Field::Reference => "reference",
        Field::Reason => "reason",
        Field::ProductName | Field::HolidayName | Field::KeyName => "name",
        Field::Email => "email",
        Field::LegalName => "legal_name",
    }
}

fn status_es(raw: &str) -> &'static str {
    credinet_lending::loans::LoanStatus::parse(raw)
        .map(|s| s.label_es())
        .unwrap_or("desconocido")
}

/// Money as shown on screens: `$1,234.56`.
pub fn pesos(m: Money) -> String {
    m.to_string()
}

/// Who an export is for: `?format=raw` asks for the program's form (English headers, stored codes, UTC,
/// as `/v1` exports); anything else gets a Spanish spreadsheet in the tenant's zone (ADR 34).
#[derive(serde::Deserialize, Default)]
pub struct ExportFormat {
    #[serde(default, deserialize_with = "crate::pages::extract::blank_is_none")]
    format: Option<String>,
}

impl ExportFormat {
    pub fn reader<'z>(&self, staff: &'z crate::auth::Staff) -> credinet_lending::csv::Reader<'z> {
        match self.format.as_deref() {
            Some("raw") => credinet_lending::csv::Reader::Program,
            _ => credinet_lending::csv::Reader::Person(&staff.tenant.zone),
        }
    }
}

pub fn csv_download(name: &str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The pages of a list: where each link leads, and which page this is of how many.
pub struct Pager {
    /// The link to a page is this followed by its number (`/clientes?q=ana&p=`).
    pub href: String,
    pub current: u64,
    pub last: u64,
    /// Numbered links around the current page: `(page, is it this one)`.
    pub window: Vec<(u64, bool)>,
    /// The page number asked for when it lies past the end (the last page is shown instead): the page
    /// says so rather than showing a list that silently is not the one asked for.
    pub asked_past_end: Option<u64>,
}

/// Text as a query string value (`ana lópez` → `ana+l%C3%B3pez`).
pub fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The last page of a list of `total` rows (1 for an empty list: it still shows a page).
pub fn last_page(total: u64, per_page: u64) -> u64 {
    total.div_ceil(per_page.max(1)).max(1)
}

/// Fetches page `asked` of a list, or its last page when `asked` lies past the end (`?p=99` of a
/// list of five pages shows the fifth, not an empty table under «250 clientes»). Answers the page
/// shown and its rows.
pub async fn clamped<T, E, Fut>(
    asked: u64,
    per_page: u64,
    fetch: impl Fn(u64) -> Fut,
) -> Result<(u64, Page<T>), E>
where
    Fut: std::future::Future<Output = Result<Page<T>, E>>,
{
    let page = fetch(asked).await?;
    let last = last_page(page.total, per_page);
    if asked <= last {
        return Ok((asked, page));
    }
    Ok((last, fetch(last).await?))
}

impl Pager {
    /// The pager of page `current` (already clamped to [`last_page`] by the caller, who had to fetch
    /// that page) of `total` rows.
    pub fn new(href: String, total: u64, per_page: u64, current: u64) -> Pager {
        let last = last_page(total, per_page);
        let current = current.clamp(1, last);
        let window = (current.saturating_sub(3).max(1)..=current.saturating_add(3).min(last))
            .map(|n| (n, n == current))
            .collect();
        Pager {
            href,
            current,
            last,
            window,
            asked_past_end: None,
        }
    }

    /// The same pager, told which page was asked for: past the last one, the page says so.
    pub fn asked(mut self, asked: u64) -> Pager {
        self.asked_past_end = (asked > self.last).then_some(asked);
        self
    }

    pub fn previous(&self) -> Option<u64> {
        (self.current > 1).then(|| self.current - 1)
    }

    pub fn next(&self) -> Option<u64> {
        (self.current < self.last).then(|| self.current + 1)
    }

    /// Whether there is more than one page to move between.
    pub fn is_needed(&self) -> bool {
        self.last > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_shows_a_window_around_the_current_page_and_where_it_stands() {
        let p = Pager::new("/x?p=".into(), 1000, 50, 10);
        assert_eq!(p.window.first().map(|l| l.0), Some(7));
        assert_eq!(p.window.last().map(|l| l.0), Some(13));
        assert!(p.window.iter().any(|l| l.1 && l.0 == 10));
        assert_eq!((p.previous(), p.next(), p.last), (Some(9), Some(11), 20));
        let empty = Pager::new("/x?p=".into(), 0, 50, 1);
        assert_eq!(
            (empty.last, empty.window.len(), empty.is_needed()),
            (1, 1, false)
        );
        let past = Pager::new("/x?p=".into(), 250, 50, 99);
        assert_eq!(
            (past.current, past.next(), past.previous()),
            (5, None, Some(4)),
            "a page past the end is the last one"
        );
        assert_eq!(past.asked(99).asked_past_end, Some(99));
        assert_eq!(
            Pager::new("/x?p=".into(), 250, 50, 5)
                .asked(5)
                .asked_past_end,
            None
        );
        assert_eq!(last_page(250, 50), 5);
        assert_eq!(last_page(251, 50), 6);
    }
}
