//! The soft limit on open files, raised to the hard limit at start.
//!
//! Every connection is a descriptor, and so is every database connection. Distributions start services
//! with a soft limit of 1,024 and a hard one far above: a server that keeps the soft one runs out long
//! before `max_connections` (seen: 1,100 idle sockets and `/healthz` hung). Raising the soft limit up to
//! the hard one needs no privilege.

/// Raises the soft limit as far as the hard limit allows; returns the limit now in force, or `None`
/// where the platform has no such limit.
pub fn raise() -> Option<u64> {
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => {
            tracing::debug!(limit, "open files limit");
            Some(limit)
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not raise the open files limit");
            None
        }
    }
}
