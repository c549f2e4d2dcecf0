//! Loans: draft → submitted → approved → disbursed → paid, or rejected, or written off (SPEC §3).
//!
//! Every transition locks the loan row, checks the transition is allowed, writes the change with its audit
//! entry (state before and after) and a domain event, all in one transaction. Disbursement computes the
//! schedule with the core and stores it; it is never recomputed afterwards.

mod checker;
mod disburse;
mod draft;
mod lifecycle;
mod preview;
mod queries;
mod rows;

pub use checker::is_own_application;
/// Who did something to a loan or a payment: the store's actor, the one actor type of every crate.
pub use credinet_store::repo::audit::Actor;
pub use disburse::disburse;
pub use draft::create_draft;
pub use lifecycle::{approve, reject, submit, write_off};
pub(crate) use lifecycle::{check_transition, record_transition, transition_records};
pub use preview::{Preview, preview_application, preview_loan};
pub use queries::{
    active_of_client, by_number, client_of, detail, get, ids_with_status, list, list_items,
};
pub(crate) use rows::{balance, installment_to_domain, snapshot, to_domain};

use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{ClientId, InstallmentId, LoanId, ProductId};
use credinet_core::lending::allocation::Components;
use credinet_core::lending::terms::ProductTerms;
use credinet_core::money::Money;
use rust_decimal::Decimal;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    /// Disbursed and not yet fully paid: the active portfolio.
    Disbursed,
    Paid,
    WrittenOff,
}

impl LoanStatus {
    pub const ALL: [LoanStatus; 7] = [
        LoanStatus::Draft,
        LoanStatus::Submitted,
        LoanStatus::Approved,
        LoanStatus::Rejected,
        LoanStatus::Disbursed,
        LoanStatus::Paid,
        LoanStatus::WrittenOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanStatus::Draft => "draft",
            LoanStatus::Submitted => "submitted",
            LoanStatus::Approved => "approved",
            LoanStatus::Rejected => "rejected",
            LoanStatus::Disbursed => "disbursed",
            LoanStatus::Paid => "paid",
            LoanStatus::WrittenOff => "written_off",
        }
    }

    pub fn parse(raw: &str) -> Option<LoanStatus> {
        LoanStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Spanish label for the screens.
    pub fn label_es(self) -> &'static str {
        match self {
            LoanStatus::Draft => "Borrador",
            LoanStatus::Submitted => "En revisión",
            LoanStatus::Approved => "Aprobado",
            LoanStatus::Rejected => "Rechazado",
            LoanStatus::Disbursed => "Activo",
            LoanStatus::Paid => "Pagado",
            LoanStatus::WrittenOff => "Castigado",
        }
    }

    /// The lifecycle of SPEC §3. `Paid → Disbursed` happens only when a payment is reversed.
    pub fn can_become(self, to: LoanStatus) -> bool {
        use LoanStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Draft, Rejected)
                | (Submitted, Approved)
                | (Submitted, Rejected)
                | (Approved, Rejected)
                | (Approved, Disbursed)
                | (Disbursed, Paid)
                | (Disbursed, WrittenOff)
                | (Paid, Disbursed)
        )
    }
}

impl std::fmt::Display for LoanStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loan {
    pub id: LoanId,
    /// The human loan number, unique in the tenant.
    pub number: String,
    pub client_id: ClientId,
    pub product_id: ProductId,
    pub principal: Money,
    /// The product's terms when the loan was created.
    pub terms: ProductTerms,
    pub status: LoanStatus,
    pub version: i64,
    pub submitted_by: Option<Actor>,
    pub approved_by: Option<Actor>,
    pub rejected_by: Option<Actor>,
    pub written_off_by: Option<Actor>,
    pub rejection_reason: Option<String>,
    pub write_off_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub disbursed_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub written_off_at: Option<DateTime<Utc>>,
    /// Local date of the disbursement in the tenant's zone.
    pub disbursed_on: Option<NaiveDate>,
    pub opening_commission: Option<Money>,
    pub commission_iva: Option<Money>,
    pub net_disbursed: Option<Money>,
    /// CAT percentage with one decimal (e.g. 122.9).
    pub cat: Option<Decimal>,
    /// Σ of every installment component due (0 before disbursement).
    pub total_due: Money,
    pub total_paid: Money,
    /// The payoff amount: Σ of every installment's outstanding.
    pub outstanding: Money,
}

/// One installment as stored: what is due and what has been paid, per component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub id: InstallmentId,
    pub number: u32,
    pub due_date: NaiveDate,
    pub due: Components,
    pub paid: Components,
    pub total_due: Money,
    pub outstanding: Money,
}

/// A loan with its schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanDetail {
    pub loan: Loan,
    pub installments: Vec<Installment>,
}

/// A draft loan request.
#[derive(Debug, Clone)]
pub struct LoanInput {
    pub client: ClientId,
    pub product: ProductId,
    pub principal: Money,
    /// Periods asked for, within the product's limits; `None` takes the product's own term.
    pub term: Option<u32>,
}

/// Filters of the loan list.
#[derive(Debug, Clone, Default)]
pub struct LoanFilter {
    /// Any of these statuses; all when empty.
    pub statuses: Vec<LoanStatus>,
    pub client: Option<ClientId>,
}

/// A loan in a list, with its client's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanListItem {
    pub loan: Loan,
    pub client_name: String,
}
