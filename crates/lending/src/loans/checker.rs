//! Maker–checker by person (SPEC §3: the person who submitted a loan cannot approve it).
//!
//! Comparing the actors alone let a manager approve their own submission with an API key, and an admin
//! with a second key they created: a key is a credential, not a person. A key records the user who
//! created it (through a page, or through another key of theirs), so both sides are first traced back to
//! the person behind them. A key made with the CLI has nobody behind it and stands for itself.

use crate::LendingError;
use credinet_core::ids::{ApiKeyId, TenantId, UserId};
use credinet_store::repo::api_keys;
use credinet_store::repo::audit::{Actor, ActorKind};
use sea_orm::ConnectionTrait;

/// Who is ultimately behind an actor.
#[derive(Debug, PartialEq, Eq)]
enum Person {
    User(UserId),
    /// A key that nobody created through the app (the CLI's): only itself.
    Key(ApiKeyId),
    /// The CLI or the system, as their actor says (kind and id).
    Other(ActorKind, Option<i64>),
}

/// True when `a` and `b` are the same person, or the same credential with nobody behind it.
pub(super) async fn same_person<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    a: &Actor,
    b: &Actor,
) -> Result<bool, LendingError> {
    if a.same_as(b) {
        return Ok(true);
    }
    Ok(person(db, tenant, a).await? == person(db, tenant, b).await?)
}

async fn person<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    actor: &Actor,
) -> Result<Person, LendingError> {
    Ok(match (actor.kind, actor.id) {
        (ActorKind::User, Some(id)) => Person::User(UserId::new(id)),
        (ActorKind::ApiKey, Some(id)) => {
            let id = ApiKeyId::new(id);
            // Keys are revoked, never deleted, so the creator of a key that once acted is still there;
            // the look-up is by tenant, as every query is.
            match api_keys::get(db, tenant, id)
                .await?
                .and_then(|k| k.created_by)
            {
                Some(user) => Person::User(user),
                None => Person::Key(id),
            }
        }
        (kind, id) => Person::Other(kind, id),
    })
}

/// Whether `by` is the person who submitted `loan` (so cannot approve it): what a page asks before it
/// offers «Aprobar». The approval itself asks again inside its transaction.
pub async fn is_own_application(
    store: &credinet_store::Store,
    tenant: TenantId,
    loan: &super::Loan,
    by: &credinet_store::repo::audit::Requester,
) -> Result<bool, LendingError> {
    match &loan.submitted_by {
        Some(submitter) => same_person(store.db(), tenant, submitter, &by.actor).await,
        None => Ok(false),
    }
}
