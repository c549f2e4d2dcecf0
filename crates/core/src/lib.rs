//! The functional core of Credinet: domain values and rules, with no I/O, no clock and no database.
//!
//! Every value that comes from outside (a slug, a time zone, a phone, a CURP, an amount) has a type with a
//! private field and a `parse` constructor; code past the edge trusts the type.

pub mod curp;
pub mod currency;
pub mod date_window;
pub mod events;
pub mod idempotency;
pub mod ids;
pub mod lending;
pub mod masked;
pub mod money;
pub mod phone;
pub mod pin;
pub mod rate;
pub mod rfc;
pub mod role;
pub mod search;
pub mod slug;
pub mod tenant_settings;
pub mod text;
pub mod zone;
