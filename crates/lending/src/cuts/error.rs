use chrono::NaiveDate;
use credinet_core::ids::LoanId;
use credinet_core::lending::cut::{self, CutDateError};
use credinet_store::StoreError;

/// Why a cut did not run or did not finish. Each variant carries what the edge needs to say it in
/// Spanish; nothing was written unless the variant says a cut was claimed.
#[derive(Debug, thiserror::Error)]
pub enum CutError {
    #[error("no such tenant")]
    UnknownTenant,
    /// Not one of the tenant's cut days, or in the future in its zone.
    #[error(transparent)]
    Date(#[from] CutDateError),
    /// Cuts go forward: a date before the tenant's latest cut cannot be cut any more.
    #[error("the cut of {date} comes before the latest cut, of {latest}; cuts run in date order")]
    BeforeLatest { date: NaiveDate, latest: NaiveDate },
    /// An earlier cut was interrupted: it must be finished (run again) first.
    #[error(
        "the cut of {unfinished} is not finished; run it again to resume it before cutting {date}"
    )]
    EarlierUnfinished {
        date: NaiveDate,
        unfinished: NaiveDate,
    },
    /// The caller stopped the run (its progress callback said so) after `loans_done` loans; what was
    /// committed stays, and running the cut again resumes it.
    #[error("the cut of {date} was stopped after {loans_done} loans; run it again to resume it")]
    Interrupted { date: NaiveDate, loans_done: u64 },
    /// A loan whose stored state breaks a rule the cut relies on; the page was not written.
    #[error("loan {loan}: {source}")]
    Loan {
        loan: LoanId,
        #[source]
        source: LoanProblem,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What is wrong with one loan.
#[derive(Debug, thiserror::Error)]
pub enum LoanProblem {
    #[error(transparent)]
    Rules(#[from] cut::CutError),
    #[error("its stored product terms do not parse: {0}")]
    Terms(String),
    #[error("its installment {0} has a negative number")]
    InstallmentNumber(i32),
}

impl From<sea_orm::DbErr> for CutError {
    fn from(e: sea_orm::DbErr) -> Self {
        CutError::Store(e.into())
    }
}
