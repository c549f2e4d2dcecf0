//! What the service tells its operator about itself (ADR 20): every 5xx answer becomes an `error_500`
//! event of the installation ([`error_events`]), seen by a layer around every route ([`observe`]) that
//! also times every answer; `/metrics` ([`scrape`]) shows those timings and the database's figures
//! ([`metrics`]) to Prometheus.

pub mod error_events;
pub mod metrics;
pub mod observe;
pub mod scrape;

pub use error_events::{ErrorEvents, ServerError};
pub use observe::{CallerTenant, Observer, observed};
