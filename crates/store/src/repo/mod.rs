//! Tenant-scoped queries, one module per resource. Functions take a connection or transaction (`C:
//! ConnectionTrait`) so services decide the transaction boundaries.

pub mod api_keys;
pub mod arrears;
pub mod assistant;
pub mod assistant_batch;
pub mod assistant_channels;
pub mod assistant_replies;
pub mod audit;
pub mod backup_tasks;
pub mod bulk;
pub mod clients;
pub mod collections;
pub mod counters;
pub mod cut_reports;
pub mod cuts;
pub mod events;
pub mod holidays;
mod installment_sums;
pub mod job_leases;
pub mod job_runs;
pub mod loans;
pub mod login_attempts;
pub mod monitoring;
pub mod notify;
pub mod payment_batch;
pub mod payments;
pub mod portfolio;
pub mod products;
pub mod server_secrets;
pub mod sessions;
pub mod tenants;
pub mod users;

use chrono::{DateTime, SubsecRound, Utc};
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Expr, ExprTrait};

/// Instants are kept to the microsecond, the finest precision all three backends store; truncating before
/// writing makes a value read back equal to the value written (the audit hashes depend on it).
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// The tenant condition of a statement that also names its rows by id (`id IN (…)`). Written as
/// `tenant_id + 0 = ?` so SQLite, which without statistics takes an equality on an index's first column
/// to be selective, looks the rows up by id instead of scanning every row of the tenant through the
/// `(tenant_id, …)` index; PostgreSQL without statistics made the same choice for the audit log
/// (docs/benchmarks.md, "Planning without statistics"; ADR 6). Other backends plan it the same way.
pub(crate) fn tenant_is(
    column: impl sea_orm::sea_query::IntoColumnRef,
    tenant: TenantId,
) -> sea_orm::sea_query::SimpleExpr {
    Expr::col(column).add(0).eq(tenant.get())
}
