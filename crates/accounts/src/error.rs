use crate::password::PasswordError;
use credinet_core::text::TextError;
use credinet_store::StoreError;

/// Why an account service refused what a person typed, one variant per rule. `Display` is English, for
/// logs and `/v1`; the back office words each variant in Spanish (ADR 11).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AccountRefusal {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    /// The message does not repeat what was typed: it reaches logs and problem details.
    #[error("the email is not an email address (name@domain.tld)")]
    NotAnEmail,
    #[error("the tenant must keep at least one active admin")]
    LastAdmin,
    /// Changing one's own password asks for the current one: a session left open is not enough.
    #[error("the current password is wrong")]
    WrongCurrentPassword,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// What a person typed breaks a rule; the variant says which.
    #[error(transparent)]
    Refused(#[from] AccountRefusal),
    /// Input refused where no person typed it at a page (the CLI's tenant slug and zone).
    #[error("{0}")]
    Invalid(String),
    #[error("{0} already exists")]
    Conflict(String),
    #[error(transparent)]
    Store(StoreError),
}

impl From<sea_orm::DbErr> for AccountError {
    fn from(e: sea_orm::DbErr) -> Self {
        AccountError::Store(e.into())
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(what) => AccountError::Conflict(what),
            other => AccountError::Store(other),
        }
    }
}
