//! What a session's row means: verified or not, locked, handed off, idle — pure reading and updating
//! of the stored state, so the orchestrator and dispatcher share one meaning of each column.

use crate::router::Awaiting;
use chrono::{DateTime, Duration, Utc};
use credinet_store::repo::assistant::Session;

pub fn awaiting(session: &Session) -> Awaiting {
    match session.awaiting.as_str() {
        "menu" => Awaiting::MenuChoice,
        "identifier" => Awaiting::Identifier,
        "secret" => Awaiting::Secret,
        _ => Awaiting::Nothing,
    }
}

pub fn set_awaiting(session: &mut Session, awaiting: Awaiting) {
    session.awaiting = match awaiting {
        Awaiting::Nothing => "nothing",
        Awaiting::MenuChoice => "menu",
        Awaiting::Identifier => "identifier",
        Awaiting::Secret => "secret",
    }
    .into();
}

/// Verified now: bound to a client and not expired since.
pub fn is_verified(session: &Session) -> bool {
    session.client_id.is_some() && session.verified_at.is_some()
}

pub fn is_locked(session: &Session, now: DateTime<Utc>) -> bool {
    session.locked_until.is_some_and(|until| until > now)
}

pub fn in_handoff(session: &Session, now: DateTime<Utc>) -> bool {
    session.handoff_until.is_some_and(|until| until > now)
}

/// A session silent for longer than `idle` starts over: its verification and what it waited for are
/// forgotten. The client it was bound to stays (a session is bound to one client: verifying again must
/// be as that client), and so do a lock, a handoff and an opt-out, which have their own ends.
pub fn expire_if_idle(session: &mut Session, now: DateTime<Utc>, idle: Duration) -> bool {
    if now - session.last_message_at <= idle {
        return false;
    }
    session.verified_at = None;
    session.candidate_client_id = None;
    set_awaiting(session, Awaiting::Nothing);
    if !is_locked(session, now) {
        session.failed_attempts = 0;
    }
    true
}
