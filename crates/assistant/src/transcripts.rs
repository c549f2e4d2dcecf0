//! What staff read of a borrower's WhatsApp conversations (SPEC §5, the client page): the sessions bound
//! to the client, most recent first, each with its last messages both ways. Read-only; text as it was
//! recorded (verification secrets were never recorded, see the orchestrator).

use crate::AssistantError;
use credinet_core::ids::{ClientId, TenantId};
use credinet_store::Store;
use credinet_store::repo::assistant::{self as repo, Message, Session};

/// Sessions shown on one page: a borrower rarely writes from more than a phone or two, and each
/// channel is its own session.
pub const MAX_SESSIONS: usize = 10;

/// One conversation and its latest messages, oldest first.
pub struct Conversation {
    pub session: Session,
    pub messages: Vec<Message>,
    /// Older messages exist than the ones in `messages`.
    pub earlier: bool,
}

/// The client's conversations with at most `per_session` messages each (the newest ones).
pub async fn of_client(
    store: &Store,
    tenant: TenantId,
    client: ClientId,
    per_session: u64,
) -> Result<Vec<Conversation>, AssistantError> {
    let db = store.db();
    let sessions = repo::sessions_of_client(db, tenant, client.get()).await?;
    let mut conversations = Vec::with_capacity(sessions.len().min(MAX_SESSIONS));
    for session in sessions.into_iter().take(MAX_SESSIONS) {
        // One more than shown says whether there are earlier ones.
        let mut messages = repo::transcript(db, tenant, session.id, per_session + 1).await?;
        let earlier = messages.len() as u64 > per_session;
        if earlier {
            messages.remove(0);
        }
        conversations.push(Conversation {
            session,
            messages,
            earlier,
        });
    }
    Ok(conversations)
}
