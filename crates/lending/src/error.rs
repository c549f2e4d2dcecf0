use credinet_core::money::Money;
use credinet_store::StoreError;

/// What went wrong, in terms a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum LendingError {
    /// A rule refused what a person asked; the variant says which and what to change.
    #[error(transparent)]
    Refused(#[from] crate::Refusal),
    /// Input refused where no person typed it (the demo's own data, a batch's configuration); what
    /// people type is refused with [`LendingError::Refused`].
    #[error("{0}")]
    Invalid(String),
    /// No such thing in this tenant (another tenant's id reads as not found).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The request contradicts the current state (a duplicate, an already reversed payment).
    #[error("{0}")]
    Conflict(String),
    /// A rule about who may do it (maker–checker).
    #[error("{0}")]
    Forbidden(String),
    #[error(
        "the payment of {amount} is above the payoff amount of {payoff}; the most this loan accepts is {payoff}"
    )]
    AbovePayoff { payoff: Money, amount: Money },
    #[error(
        "this idempotency key was already used for a different payment; use a new key for a new payment"
    )]
    IdempotencyMismatch,
    #[error("a loan that is {from} cannot become {to}")]
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for LendingError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => LendingError::Conflict(format!("{what} already exists")),
            other => LendingError::Store(other),
        }
    }
}

impl From<sea_orm::DbErr> for LendingError {
    fn from(e: sea_orm::DbErr) -> Self {
        LendingError::Store(e.into())
    }
}
