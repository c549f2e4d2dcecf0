//! Tenant-scoped queries, one module per resource. Functions take a connection or transaction (`C:
//! ConnectionTrait`) so services decide the transaction boundaries.

pub mod api_keys;
pub mod audit;
pub mod clients;
pub mod counters;
pub mod events;
pub mod holidays;
pub mod loans;
pub mod login_attempts;
pub mod payment_batch;
pub mod payments;
pub mod portfolio;
pub mod products;
pub mod sessions;
pub mod tenants;
pub mod users;

use chrono::{DateTime, SubsecRound, Utc};

/// Instants are kept to the microsecond, the finest precision all three backends store; truncating before
/// writing makes a value read back equal to the value written (the audit hashes depend on it).
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}
