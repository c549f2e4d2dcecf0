//! A backup taken off the server from the backups page: the file leaves with every tenant's data, so
//! who took it, from where and which file is an entry of the operator tenant's audit log, written
//! before the first byte is sent (ADR 32).

use credinet_core::ids::TenantId;
use credinet_store::repo::audit::{self, Record, Requester};
use credinet_store::{Store, StoreError};

/// Audits the download of `file` (with its SHA-256, so the copy can be told apart later) in `tenant`.
pub async fn record_download(
    store: &Store,
    tenant: TenantId,
    requester: &Requester,
    file: &str,
    sha256: &str,
) -> Result<(), StoreError> {
    let now = store.now();
    let tx = store.write().await?;
    let entry = Record {
        actor: requester.actor.clone(),
        origin: requester.origin.clone(),
        action: "backup_downloaded",
        entity: "backup",
        entity_id: Some(file.to_string()),
        before: None,
        after: Some(serde_json::json!({ "sha256": sha256 })),
    };
    audit::append(&tx, tenant, entry, now).await?;
    tx.commit().await
}
