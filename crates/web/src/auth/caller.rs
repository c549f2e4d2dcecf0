//! [`Caller`]: who is calling, in one shape on both edges. A gate (the session gate in front of the pages,
//! the API-key gate in front of `/v1`) builds it once per request: the tenant, the role, and the
//! [`Requester`] every audited service takes — the actor and the address and user agent it came from.
//!
//! The edge only decides what a refusal looks like: a Spanish error page, or a problem detail. Handlers
//! read the same way on both:
//!
//! ```ignore
//! caller.require(caller.role.can_register_payments(), "register payments")?;
//! payments::register(state.store(), caller.tenant.id, input, caller.requester()).await?;
//! ```

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use credinet_core::role::Role;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::tenants::Tenant;
use std::sync::Arc;

/// How a caller got in, and what a refusal on that edge looks like.
pub trait Edge: Clone + Send + Sync + 'static {
    type Error: IntoResponse;
    /// The request reached a handler without passing the gate (a route registered outside it).
    fn missing() -> Self::Error;
    /// `role` may not do `what` (worded in the edge's language by the handler).
    fn refused(role: Role, what: &str) -> Self::Error;
}

/// A caller admitted by a gate.
#[derive(Clone, Debug)]
pub struct Caller<E> {
    pub tenant: Arc<Tenant>,
    pub role: Role,
    /// How the caller got in: the session and its user, or the API key.
    pub via: E,
    requester: Requester,
}

impl<E: Edge> Caller<E> {
    pub fn new(tenant: Arc<Tenant>, role: Role, via: E, requester: Requester) -> Self {
        Caller {
            tenant,
            role,
            via,
            requester,
        }
    }

    /// Who asks and from where, for the audit log of whatever the handler changes.
    pub fn requester(&self) -> &Requester {
        &self.requester
    }

    /// Refuses, in the edge's own shape, what the role does not allow.
    pub fn require(&self, allowed: bool, what: &str) -> Result<(), E::Error> {
        if allowed {
            Ok(())
        } else {
            Err(E::refused(self.role, what))
        }
    }
}

impl<S: Send + Sync, E: Edge> FromRequestParts<S> for Caller<E> {
    type Rejection = E::Error;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller<E>>()
            .cloned()
            .ok_or_else(E::missing)
    }
}
