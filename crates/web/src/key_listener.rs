//! Listens for API key changes so the server may keep live keys in memory (PostgreSQL only; see
//! `credinet_store::Store::live_api_key`). While the listener is down the server reads every key
//! from the database, so a lost connection costs speed, never a revoked key getting through.

use credinet_store::Store;
use std::time::Duration;

/// How long to wait before subscribing again after the subscription failed.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// Subscribes before returning (so the first requests already benefit) and keeps the subscription
/// alive from a background task. Returns at once on backends without notifications.
pub async fn spawn(store: Store) {
    let first = match store.key_changes().await {
        Ok(None) => return,
        Ok(Some(changes)) => Some(changes),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for API key changes; every request reads its key until this succeeds");
            None
        }
    };
    tokio::spawn(async move {
        let mut changes = first;
        loop {
            match changes.take() {
                Some(mut subscription) => {
                    if let Err(e) = listen(&mut subscription).await {
                        tracing::warn!(error = %e, "lost the API key change listener; every request reads its key until it is back");
                    }
                    // Listen again at once: until then every request reads its key.
                    drop(subscription);
                    changes = subscribe(&store).await;
                }
                None => {
                    tokio::time::sleep(RETRY_AFTER).await;
                    changes = subscribe(&store).await;
                }
            }
        }
    });
}

async fn subscribe(store: &Store) -> Option<credinet_store::KeyChanges> {
    match store.key_changes().await {
        Ok(subscription) => subscription,
        Err(e) => {
            tracing::debug!(error = %e, "API key change listener still down");
            None
        }
    }
}

async fn listen(
    subscription: &mut credinet_store::KeyChanges,
) -> Result<(), credinet_store::StoreError> {
    loop {
        subscription.next().await?;
    }
}
