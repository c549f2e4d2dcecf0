//! Staff set (or clear) the PIN a borrower may give the assistant instead of their birth date (SPEC §5).
//! The PIN is hashed here, off the async workers, and only its hash reaches the lending service, which
//! stores it with an audit entry that names the change, never the digits.

use crate::AssistantError;
use credinet_core::ids::{ClientId, TenantId};
use credinet_core::pin::Pin;
use credinet_lending::clients;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;

/// Sets `pin` as `client`'s assistant PIN, or clears it with `None`. A client of another tenant is
/// not found ([`credinet_lending::LendingError::NotFound`]).
pub async fn set(
    store: &Store,
    tenant: TenantId,
    client: ClientId,
    pin: Option<Pin>,
    by: &Requester,
) -> Result<(), AssistantError> {
    let hash = match pin {
        // Argon2 is tens of milliseconds of CPU: a blocking thread, as sign-in hashes passwords.
        Some(pin) => Some(
            tokio::task::spawn_blocking(move || credinet_accounts::pin::hash(&pin))
                .await
                .map_err(|e| AssistantError::Pin(e.to_string()))?
                .map_err(|e| AssistantError::Pin(e.to_string()))?,
        ),
        None => None,
    };
    clients::set_pin_hash(store, tenant, client, hash, by).await?;
    tracing::info!(%tenant, %client, "assistant PIN changed");
    Ok(())
}
