//! Persistence for Credinet: one code path for SQLite, PostgreSQL and MySQL/MariaDB.
//!
//! Every query of tenant data takes a [`TenantId`](credinet_core::ids::TenantId); there is no function
//! here that reads or writes a tenant's rows without one.

mod capabilities;
pub mod clock;
mod connect;
mod copies;
pub mod entities;
mod error;
pub mod group_commit;
mod live_keys;
pub mod migrations;
pub mod repo;
mod sealing;
mod settings;
#[cfg(feature = "testing")]
pub mod testing;
mod write_tx;

pub use capabilities::Capabilities;
pub use clock::{Clock, ManualClock, ShiftedClock, SystemClock};
pub use connect::{DEFAULT_WAL_LIMIT_MIB, Store, redact_url};
pub use copies::CHANNEL_TTL;
pub use error::StoreError;
pub use live_keys::KeyChanges;
pub use sea_orm;
pub use settings::StoreSettings;
pub use write_tx::WriteTx;
