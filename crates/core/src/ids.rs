//! One id type per entity, so a user id can never be passed where a tenant id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(i64);

        impl $name {
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

entity_id!(
    /// A lending company served by this installation.
    TenantId
);
entity_id!(
    /// A staff user of one tenant.
    UserId
);
entity_id!(
    /// A per-tenant API key.
    ApiKeyId
);
entity_id!(
    /// An entry of the audit log.
    AuditEntryId
);
entity_id!(
    /// A borrower of one tenant.
    ClientId
);
entity_id!(
    /// A loan product (terms) of one tenant.
    ProductId
);
entity_id!(
    /// A loan: its row id, not the human loan number.
    LoanId
);
entity_id!(
    /// One installment of a loan's schedule.
    InstallmentId
);
entity_id!(
    /// A registered payment.
    PaymentId
);
entity_id!(
    /// A reversal of a payment.
    ReversalId
);
entity_id!(
    /// A row of the domain-event outbox.
    EventId
);
entity_id!(
    /// A run of a scheduled job (or an occurrence recorded as missed).
    JobRunId
);
