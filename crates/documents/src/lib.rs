//! Documents Credinet prints for people: today the loan statement (*estado de cuenta*) of a cut, as a
//! PDF rendered in process with embedded fonts — no external program, no fonts read from the machine.
//!
//! Each document is a plain struct filled by the caller (the web layer reads the cut's statement and
//! the loan's movements), laid out by pure code into pages of marks (`sheet`), then written as PDF.

mod fonts;
mod sheet;
pub mod statement;

pub use statement::{LineKind, Statement, StatementLine};

/// Why a document could not be produced. Variants carry data, so an edge can say it in Spanish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DocumentError {
    /// The statement's figures do not satisfy closing = opening + charges − payments + reversals; the
    /// document would contradict itself, so it is not printed.
    #[error(
        "statement does not balance: opening {opening} + charges {charges} - payments {payments} + reversals {reversals} is not closing {closing}"
    )]
    Unbalanced {
        opening: String,
        charges: String,
        payments: String,
        reversals: String,
        closing: String,
    },
    /// An embedded font could not be read (a broken build, never user input).
    #[error("embedded font {0} cannot be read")]
    Font(&'static str),
    #[error("page layout has no room")]
    Layout,
    #[error("PDF writer failed: {0}")]
    Pdf(String),
}
