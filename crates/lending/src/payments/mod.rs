//! Payments and reversals (SPEC §3). A payment is one write transaction of a handful of statements:
//! lock the loan row, read its installments, allocate with the core (oldest installment first, the
//! product's component order), insert the payment and its allocations, update only the installments it
//! touched and the loan's cached balances, audit entry and event. Payments are never edited or deleted;
//! a reversal undoes exactly the allocations of one payment.
//!
//! What is written is decided in [`plan`] without I/O; [`register`], [`reverse`] and the group commit
//! of [`PaymentQueue`] only lock, read, ask the plan and write it.

mod effects;
mod plan;
mod queries;
mod queue;
mod register;
mod reverse;

pub use queries::{
    MethodTotal, ReversalNote, allocations_of, applied_totals, get, list, receipt_folio,
    reversals_of,
};
pub use queue::{PaymentQueue, register_batch, register_together};
pub use register::register;
pub use reverse::reverse;

use crate::LendingError;
use crate::loans::{Actor, LoanStatus};
use crate::support::parse_enum;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::{InstallmentId, LoanId, PaymentId, ReversalId, UserId};
use credinet_core::lending::allocation::Component;
use credinet_core::money::Money;
use credinet_store::StoreError;
use credinet_store::entities::{payment, payment_allocation};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Transfer,
    Card,
    Other,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Other => "other",
        }
    }
    /// How the back office names it.
    pub fn label_es(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "Efectivo",
            PaymentMethod::Transfer => "Transferencia",
            PaymentMethod::Card => "Tarjeta",
            PaymentMethod::Other => "Otro",
        }
    }

    pub fn parse(raw: &str) -> Option<PaymentMethod> {
        [
            PaymentMethod::Cash,
            PaymentMethod::Transfer,
            PaymentMethod::Card,
            PaymentMethod::Other,
        ]
        .into_iter()
        .find(|m| m.as_str() == raw.trim())
    }
}

/// A payment to register.
#[derive(Debug, Clone)]
pub struct PaymentInput {
    pub loan: LoanId,
    pub amount: Money,
    /// Local date in the tenant's zone; today there when `None`.
    pub paid_on: Option<NaiveDate>,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// A retried request with the same key and body returns the first payment and creates nothing.
    pub idempotency_key: Option<IdempotencyKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: PaymentId,
    pub loan_id: LoanId,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    pub registered_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
    pub reversed: bool,
}

/// One slice of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationLine {
    pub installment_id: InstallmentId,
    pub installment_number: u32,
    pub component: Component,
    pub amount: Money,
}

/// A registered payment, how it was spread, and the loan after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentReceipt {
    pub payment: Payment,
    pub allocations: Vec<AllocationLine>,
    pub loan_number: String,
    /// The loan's balance and status right after this call (for a replay: now).
    pub loan_outstanding: Money,
    pub loan_status: LoanStatus,
    /// True when this call was a retry that created nothing.
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reversal {
    pub id: ReversalId,
    pub payment_id: PaymentId,
    pub loan_id: LoanId,
    pub amount: Money,
    pub reversed_on: NaiveDate,
    pub reason: String,
    pub reversed_by: Option<Actor>,
    pub created_at: DateTime<Utc>,
    pub loan_outstanding: Money,
    pub loan_status: LoanStatus,
}

/// Filters of the payment list.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub loan: Option<LoanId>,
    /// Inclusive local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_reversed: bool,
    /// Registered by this staff user (a cashier's own payments).
    pub registered_by: Option<UserId>,
    pub method: Option<PaymentMethod>,
}

/// A stored payment row as the domain's payment.
pub(crate) fn to_domain(row: payment::Model) -> Result<Payment, LendingError> {
    let method = PaymentMethod::parse(&row.method).ok_or_else(|| {
        LendingError::Store(StoreError::Corrupt(format!(
            "payment {}: method '{}'",
            row.id, row.method
        )))
    })?;
    Ok(Payment {
        id: PaymentId::new(row.id),
        loan_id: LoanId::new(row.loan_id),
        amount: Money::from_centavos(row.amount),
        paid_on: row.paid_on,
        method,
        reference: row.reference,
        idempotency_key: row.idempotency_key,
        registered_by: Actor::from_columns(
            row.registered_by_kind,
            row.registered_by_id,
            row.registered_by_label,
        )?,
        created_at: row.created_at,
        reversed: row.reversed,
    })
}

pub(crate) fn line_to_domain(
    row: payment_allocation::Model,
) -> Result<AllocationLine, LendingError> {
    Ok(AllocationLine {
        installment_id: InstallmentId::new(row.installment_id),
        installment_number: crate::support::stored_number(
            row.installment_number,
            format_args!("allocation {}", row.id),
        )?,
        component: parse_enum(&row.component, "component")?,
        amount: Money::from_centavos(row.amount),
    })
}
