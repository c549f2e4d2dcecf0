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
mod search;
mod verify;

pub(crate) use append::clipped;
pub use append::{append, append_many};
pub use read::{AuditEntry, chain_head, count_since, get};
pub(crate) use seal::entry_hash;
pub use seal::seal;
pub use search::{AuditFilter, actors, export as export_matching, list, search};
pub use verify::{BrokenLink, Verification, verify, verify_consistent};

/// Who did it: in an audit entry, and in the actor columns of a row (who registered a payment, who
/// approved a loan). The one actor type of every crate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Actor {
    pub kind: ActorKind,
    pub id: Option<i64>,
    /// A readable name: the user's email, the key's name, `cli`, `system`.
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
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

    /// The kind stored as `raw`.
    pub fn parse(raw: &str) -> Option<ActorKind> {
        [
            ActorKind::User,
            ActorKind::ApiKey,
            ActorKind::Cli,
            ActorKind::System,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// The longest actor label a row keeps (the width of its columns).
const LABEL_CHARS: usize = 254;

impl Actor {
    /// The actor as a row's columns keep it: the label cut to their width.
    pub fn stored(&self) -> Actor {
        Actor {
            label: self.label.chars().take(LABEL_CHARS).collect(),
            ..self.clone()
        }
    }

    /// The same person or key (kind and id, whatever the label): the maker–checker comparison.
    pub fn same_as(&self, other: &Actor) -> bool {
        self.kind == other.kind && self.id == other.id
    }

    /// The (kind, id, label) columns a row keeps for this actor: the inverse of [`Actor::from_columns`].
    pub fn columns(&self) -> (Option<String>, Option<i64>, Option<String>) {
        let stored = self.stored();
        (
            Some(stored.kind.as_str().to_string()),
            stored.id,
            Some(stored.label),
        )
    }

    /// The actor of a row's (kind, id, label) columns; `None` when the kind is empty (nobody yet).
    pub fn from_columns(
        kind: Option<String>,
        id: Option<i64>,
        label: Option<String>,
    ) -> Result<Option<Actor>, crate::StoreError> {
        let Some(kind) = kind else {
            return Ok(None);
        };
        let kind = ActorKind::parse(&kind)
            .ok_or_else(|| crate::StoreError::Corrupt(format!("actor kind '{kind}'")))?;
        Ok(Some(Actor {
            kind,
            id,
            label: label.unwrap_or_default(),
        }))
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_actor_comes_back_from_its_columns_and_an_unknown_kind_is_refused() {
        let key = Actor {
            kind: ActorKind::ApiKey,
            id: Some(9),
            label: "caja 1".into(),
        };
        let back = Actor::from_columns(Some("api_key".into()), Some(9), Some("caja 1".into()));
        assert_eq!(back.unwrap(), Some(key.clone()));
        assert_eq!(Actor::from_columns(None, None, None).unwrap(), None);
        assert!(Actor::from_columns(Some("robot".into()), None, None).is_err());
        let json = serde_json::to_value(&key).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "api_key", "id": 9, "label": "caja 1"})
        );
    }

    #[test]
    fn a_stored_actor_keeps_254_characters_of_its_label_and_stays_the_same_actor() {
        let long = Actor {
            kind: ActorKind::User,
            id: Some(1),
            label: "ñ".repeat(300),
        };
        assert_eq!(long.stored().label.chars().count(), 254);
        assert!(long.same_as(&long.stored()));
        assert!(!long.same_as(&Actor::cli()));
    }
}
