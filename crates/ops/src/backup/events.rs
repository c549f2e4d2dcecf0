//! Outcomes as installation events (`system_event`), which the notifier routes to the admins' channels.
//! A failure to record the event is logged and does not hide the backup's own outcome.

use credinet_store::Store;
use credinet_store::repo::notify::system_events::{self, NewSystemEvent};

pub const BACKUP_COMPLETED: &str = "backup_completed";
pub const BACKUP_FAILED: &str = "backup_failed";
pub const OFFSITE_SYNC_FAILED: &str = "offsite_sync_failed";

pub(crate) async fn emit(
    store: &Store,
    kind: &str,
    entity_id: Option<String>,
    payload: serde_json::Value,
) {
    let event = NewSystemEvent {
        kind: kind.to_string(),
        entity: "backup".to_string(),
        entity_id,
        payload,
    };
    let result = async {
        let tx = store.write().await?;
        system_events::append(&tx, event, store.now()).await?;
        tx.commit().await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(kind, error = %e, "could not record the backup event");
    }
}
