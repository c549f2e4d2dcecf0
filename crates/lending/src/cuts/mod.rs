//! The period cut (corte, SPEC §3): [`run`] a cut of a tenant on a cut date (exactly once, resumable),
//! and read cuts and statements back ([`get`], [`list`], [`statements_of_cut`], [`statements_of_loan`]).
//!
//! The rules are `credinet_core::lending::cut`; the set-based reads and writes are
//! `credinet_store::repo::cuts`; [`plan`] turns a page of loaded loans into what the page writes, with no
//! I/O. The scheduler's `period_cut` job and `credinet cut run` both call [`run`]; its [`CutSummary`] is
//! what the scheduler reports in `scheduler_executed`.

mod error;
mod plan;
mod queries;
mod run;

pub use credinet_core::lending::cut::{CutSummary, StatementLine};
pub use error::{CutError, LoanProblem};
pub use queries::{get, latest, list, statements_of_cut, statements_of_loan};
pub use run::{CutOptions, CutProgress, run};

use crate::loans::LoanStatus;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::LoanId;
use serde::Serialize;

/// Where a cut stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CutStatus {
    /// Claimed and not finished: being run, or interrupted and waiting to be resumed.
    Running,
    Done,
}

impl CutStatus {
    pub fn label_es(self) -> &'static str {
        match self {
            CutStatus::Running => "En proceso",
            CutStatus::Done => "Terminado",
        }
    }
}

/// A period cut of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cut {
    pub id: i64,
    pub cut_date: NaiveDate,
    /// The tenant's previous cut day: the cut closes the period `[period_start, cut_date)`.
    pub period_start: NaiveDate,
    pub status: CutStatus,
    /// Loans to cut, counted when the cut was claimed, and how many have their statement.
    pub loans_total: u64,
    pub loans_done: u64,
    pub pages_done: u64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Set once the cut is done.
    pub summary: Option<CutSummary>,
}

/// A loan's statement at one cut.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub cut_id: i64,
    pub loan_id: LoanId,
    pub cut_date: NaiveDate,
    pub line: StatementLine,
    /// The loan's status once the cut was done.
    pub loan_status: LoanStatus,
}
