//! Back-office screens of the lending core: clients, products, loans (with the approval queue) and
//! payments, and a loan's statements. Each module is one screen family; this one holds what they share.

pub mod client_pin;
pub mod client_transcript;
pub mod clients;
pub mod loans;
pub mod payments;
pub mod products;

use crate::error::PageError;
use crate::pages::catalogue;
use crate::routes::table::{Routes, get, post};
use crate::state::AppState;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use credinet_core::money::Money;
use credinet_core::text::{Field, TextError};
use credinet_lending::{DateOf, DuplicateOf, LendingError, Refusal};

/// The lending screens; the caller puts them behind the session gate.
pub fn routes() -> Routes<AppState> {
    Routes::new()
        .route("/clientes", get(clients::list).post(clients::create))
        .route("/clientes/exportar.csv", get(clients::export))
        .route("/clientes/{id}", get(clients::show).post(clients::update))
        .route("/clientes/{id}/solicitud", post(loans::apply))
        .route("/clientes/{id}/pin", post(client_pin::set))
        .route("/productos", get(products::list).post(products::create))
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
        .route("/pagos", get(payments::list))
        .route("/pagos/exportar.csv", get(payments::export))
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

/// Page links of a list: `(label, page number, current)`.
pub fn pager(total: u64, per_page: u64, current: u64) -> Vec<(String, u64, bool)> {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    let window = current.saturating_sub(3).max(1)..=current.saturating_add(3).min(pages);
    window.map(|n| (n.to_string(), n, n == current)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pager_shows_a_window_around_the_current_page() {
        let links = pager(1000, 50, 10);
        assert_eq!(links.first().unwrap().1, 7);
        assert_eq!(links.last().unwrap().1, 13);
        assert!(links.iter().any(|l| l.2 && l.1 == 10));
        assert_eq!(pager(0, 50, 1).len(), 1);
        assert!(
            pager(10, 50, u64::MAX).is_empty(),
            "a page far past the end shows no links"
        );
    }
}
