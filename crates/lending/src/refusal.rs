//! [`Refusal`]: why a lending service refused what a person asked, one variant per rule with the data
//! its message needs. `Display` is English, for logs and `/v1`; the back office words each variant in
//! Spanish from its own catalogue (ADR 11), so no English sentence reaches a page.

use chrono::NaiveDate;
use credinet_core::curp::CurpError;
use credinet_core::date_window::DateOutOfRange;
use credinet_core::ids::{ClientId, PaymentId};
use credinet_core::lending::allocation::AllocationError;
use credinet_core::lending::limits::LimitsError;
use credinet_core::lending::schedule::ScheduleError;
use credinet_core::lending::terms::TermsError;
use credinet_core::money::Money;
use credinet_core::phone::PhoneError;
use credinet_core::rfc::RfcError;
use credinet_core::text::TextError;

/// Which kind of answer a refusal is: bad input, a clash with the current state, or a rule about who.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Invalid,
    Conflict,
    Forbidden,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Phone(#[from] PhoneError),
    #[error(transparent)]
    Curp(#[from] CurpError),
    #[error(transparent)]
    Rfc(#[from] RfcError),
    /// The schedule cannot be built from these terms (a commission that leaves nothing, a principal too
    /// small to split).
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Terms(#[from] TermsError),
    #[error(transparent)]
    Allocation(AllocationError),
    /// A product's limits contradict themselves, or an application asks for a principal or a term
    /// outside them.
    #[error(transparent)]
    Limits(#[from] LimitsError),
    #[error("the principal must be a positive amount, got {0}")]
    NonPositivePrincipal(Money),
    #[error("the product '{0}' is no longer offered")]
    ProductRetired(String),
    #[error("the opening commission must be below 100% of the principal")]
    CommissionTooHigh,
    /// A date outside its sane window (`credinet_core::date_window`): a disbursement or payment before
    /// 2000 or over a year ahead, a birth date in the future or before 1900.
    #[error("the {what} {}", .range)]
    DateOutOfRange { what: DateOf, range: DateOutOfRange },
    #[error("a loan cannot be disbursed on a future date ({on}; today is {today})")]
    DisbursedInFuture { on: NaiveDate, today: NaiveDate },
    #[error(
        "the person who submitted a loan cannot approve it, with any of their credentials; another manager must"
    )]
    OwnApplication,
    /// Rejecting and writing off a loan, and reversing a payment, need a reason.
    #[error("a reason is required")]
    ReasonRequired,
    #[error("a payment must be a positive amount, got {0}")]
    NonPositivePayment(Money),
    #[error("a payment cannot be dated in the future ({on}; today is {today})")]
    PaidInFuture { on: NaiveDate, today: NaiveDate },
    #[error("a payment cannot be dated before the loan was disbursed ({disbursed_on})")]
    PaidBeforeDisbursement { disbursed_on: NaiveDate },
    #[error("loan {number} is {status}: only a disbursed loan takes payments")]
    TakesNoPayments {
        number: String,
        status: &'static str,
    },
    #[error("payment {0} was already reversed")]
    AlreadyReversed(PaymentId),
    /// Another client of the tenant has this phone or CURP, and the caller asked to be stopped first
    /// (the back office, which then offers to register it anyway).
    #[error("client {other} already has this {what}")]
    DuplicateClient {
        other: ClientId,
        name: String,
        what: DuplicateOf,
    },
}

/// Which date a [`Refusal::DateOutOfRange`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOf {
    Disbursement,
    Payment,
    Birth,
}

impl std::fmt::Display for DateOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DateOf::Disbursement => "disbursement date",
            DateOf::Payment => "payment date",
            DateOf::Birth => "birth date",
        })
    }
}

/// Which identifying field two clients share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DuplicateOf {
    Phone,
    Curp,
}

impl std::fmt::Display for DuplicateOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DuplicateOf::Phone => "phone",
            DuplicateOf::Curp => "CURP",
        })
    }
}

impl Refusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Refusal::OwnApplication => RefusalKind::Forbidden,
            Refusal::TakesNoPayments { .. }
            | Refusal::AlreadyReversed(_)
            | Refusal::DuplicateClient { .. } => RefusalKind::Conflict,
            _ => RefusalKind::Invalid,
        }
    }
}
