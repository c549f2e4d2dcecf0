//! SeaORM entities: one file per table. Rows only; domain types live in `credinet-core` and the
//! conversions in `repo`.

pub mod api_key;
pub mod audit_chain;
pub mod audit_entry;
pub mod login_attempt;
pub mod staff_user;
pub mod tenant;
pub mod web_session;
