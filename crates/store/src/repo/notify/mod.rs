//! The notifier's rows: channels and rules (an admin's configuration, scoped by [`Owner`]), events of no
//! tenant, and the delivery pipeline — routing events into occurrences, flushing groups of occurrences
//! into messages, claiming and recording deliveries.
//!
//! Configuration queries take the [`Owner`]: a tenant's admin reads and changes only that tenant's
//! channels and rules. The pipeline's queries are not tenant-scoped, as the outbox's claim is not: one
//! worker serves every tenant, and every row it writes carries the tenant of the event it came from.

pub mod channels;
pub mod messages;
pub mod pipeline;
pub mod rules;
pub mod system_events;

use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Expr, ExprTrait, IntoColumnRef, SimpleExpr};

/// Whose channels and rules: a tenant's, or the installation's own (for events of no tenant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    Tenant(TenantId),
    System,
}

impl Owner {
    pub fn from_column(tenant_id: Option<i64>) -> Owner {
        match tenant_id {
            Some(t) => Owner::Tenant(TenantId::new(t)),
            None => Owner::System,
        }
    }

    pub fn tenant_column(self) -> Option<i64> {
        match self {
            Owner::Tenant(t) => Some(t.get()),
            Owner::System => None,
        }
    }

    /// The condition "this row is the owner's" on a nullable `tenant_id` column.
    pub(crate) fn is(self, column: impl IntoColumnRef) -> SimpleExpr {
        match self {
            Owner::Tenant(t) => Expr::col(column).eq(t.get()),
            Owner::System => Expr::col(column).is_null(),
        }
    }
}
