//! Notifications: events of the tenants' outbox (`domain_event`, written in the business transaction)
//! and of the installation (`system_event`) reach Telegram, Discord, email and signed webhooks.
//!
//! Three stages, each one transaction over rows, so several `serve` processes on one database share
//! the work without sending anything twice:
//! 1. [`route`]: an event becomes an occurrence in the group (event kind × channel) of every channel
//!    its owner's rules name;
//! 2. [`flush`]: a group whose time has come ([`grouping`], Alertmanager's wait/interval/repeat)
//!    becomes messages — one per destination and part ([`templates`] in Spanish, [`render`] per channel);
//! 3. [`deliver`]: due messages are claimed under a lease, sent ([`send`]), and recorded as sent,
//!    retried with backoff ([`retry`]), deferred by a rate limit, or dead letters an admin can retry.
//!
//! The notifier does not know lending: it routes every event kind by its stored name.

pub mod admin;
pub mod channel;
pub mod configure;
pub mod deliver;
pub mod draft;
mod error;
pub mod flush;
pub mod grouping;
pub mod lanes;
mod pace;
pub mod render;
pub mod retry;
pub mod route;
pub mod send;
mod settings;
pub mod templates;
pub mod watch;
mod worker;

pub use channel::{ChannelConfig, ChannelError, ChannelKind};
pub use credinet_store::repo::notify::Owner;
pub use error::NotifyError;
pub use settings::NotifySettings;
pub use worker::{Notifier, PassReport, Running};
