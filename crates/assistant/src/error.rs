//! What can go wrong while handling a message. None of these is the borrower's doing: a webhook answers
//! them as the channel documents (AutoResponder: 200 with no reply; Cloud API: 200, Meta would only
//! redeliver) and logs the cause.

use credinet_lending::LendingError;
use credinet_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AssistantError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lending(#[from] LendingError),
    #[error("the period cut's statements could not be read: {0}")]
    Cut(String),
    /// Hashing a PIN failed (the thread running Argon2 died or the hasher refused): nothing was saved.
    #[error("the PIN could not be hashed: {0}")]
    Pin(String),
    #[error("template {template} did not render: {reason}")]
    Template {
        template: &'static str,
        reason: String,
    },
}
