//! Lending services (SPEC §3): each loads state through the store, asks the core what to do and writes the
//! result in one transaction with its audit entry and, for lifecycle and money changes, a domain event.
//!
//! Every service takes the [`Store`](credinet_store::Store), the tenant and a
//! [`Requester`](credinet_store::repo::audit::Requester). Audit entries are written inside the business
//! transaction; the store seals them when that transaction commits, so no caller has to (ADR 2). Time is
//! the store's clock ([`Store::now`](credinet_store::Store::now)), never the wall clock. Authorization by role (who may approve, who may
//! register payments) is the caller's job too; the services enforce the rules that hold whoever asks
//! (maker–checker, valid transitions, payoff, idempotency).

pub mod arrears;
pub mod clients;
pub mod csv;
pub mod cuts;
pub mod demo;
mod error;
pub mod events;
pub mod holidays;
pub mod loans;
pub mod page;
pub mod payments;
pub mod portfolio;
pub mod products;
pub mod refusal;
pub mod reports;
mod support;

pub use error::LendingError;
pub use page::{Page, PageRequest};
pub use refusal::{DateOf, DuplicateOf, Refusal, RefusalKind};
