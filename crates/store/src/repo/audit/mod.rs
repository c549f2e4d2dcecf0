//! The audit log: append-only, hash-chained per tenant.
//!
//! An entry is written once, inside the business transaction that it describes, together with a row in
//! `audit_pending`: nothing is lost, business writes never wait on the chain, and an entry is never
//! updated afterwards. The sealer takes a tenant's queued entries in id order, gives each the next
//! position and a SHA-256 over its content and the previous hash, appends that to `audit_seal` and
//! removes the queue rows. It holds the chain head row locked while it seals (a row lock on
//! PostgreSQL/MySQL, the single writer on SQLite), so two sealers on two servers never interleave.
//!
//! The queue is what makes "unsealed" exact: an entry whose transaction commits after entries with
//! larger ids were sealed is still found, and chained after them.

mod append;
mod read;
mod seal;
mod verify;

pub(crate) use append::clipped;
pub use append::{append, append_many};
pub use read::{AuditEntry, chain_head, count_since, get, list, list_page};
pub(crate) use seal::entry_hash;
pub use seal::seal;
pub use verify::{BrokenLink, Verification, verify, verify_consistent};

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<i64>,
    /// A readable name: the user's email, the key's name, `cli`, `system`.
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    User,
    ApiKey,
    Cli,
    System,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::User => "user",
            ActorKind::ApiKey => "api_key",
            ActorKind::Cli => "cli",
            ActorKind::System => "system",
        }
    }
}

impl Actor {
    pub fn cli() -> Self {
        Actor {
            kind: ActorKind::Cli,
            id: None,
            label: "cli".into(),
        }
    }
    pub fn system() -> Self {
        Actor {
            kind: ActorKind::System,
            id: None,
            label: "system".into(),
        }
    }
}

/// Where the request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// Who asks for a change and from where: what every audited service takes.
#[derive(Debug, Clone)]
pub struct Requester {
    pub actor: Actor,
    pub origin: Origin,
}

impl Requester {
    pub fn cli() -> Self {
        Requester {
            actor: Actor::cli(),
            origin: Origin::default(),
        }
    }
}

/// What happened, with the state before and after for changes of money or configuration.
#[derive(Debug, Clone)]
pub struct Record {
    pub actor: Actor,
    pub origin: Origin,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}
