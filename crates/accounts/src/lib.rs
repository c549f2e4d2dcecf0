//! Tenants, staff users, API keys, sign-in and password hashing: the services every edge needs (the web
//! pages and `/v1`, the CLI, and later the scheduler, the assistant and the import), so they live below
//! `web` (ADR 4). Each change is one write transaction with its audit entry; the store seals the entry
//! when the transaction commits.

mod api_keys;
mod error;
mod gates;
mod lockout;
pub mod login;
mod own_password;
pub mod password;
pub mod pin;
mod settings;
mod tenants;
pub mod token;
mod users;

pub use api_keys::{KEY_PREFIX, NewKey, generate as generate_key};
pub use credinet_store::repo::audit::Requester;
pub use error::{AccountError, AccountRefusal};
pub use gates::SignedIn;
pub use login::LoginPolicy;
pub use own_password::OwnPasswordChange;
pub use settings::{AccountSettings, AccountSettingsError};
pub use tenants::TenantInput;
pub use users::{UserInput, UserUpdate};

use credinet_core::ids::TenantId;
use credinet_core::text::{self, Field};
use credinet_store::repo::audit::{self, Record};
use credinet_store::{Store, StoreError, WriteTx};

/// The account services over one store; the store's clock dates every change.
pub struct Accounts<'a> {
    store: &'a Store,
}

impl<'a> Accounts<'a> {
    pub fn new(store: &'a Store) -> Self {
        Accounts { store }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn audit(
        &self,
        tx: &WriteTx,
        tenant: TenantId,
        by: &Requester,
        action: &'static str,
        entity: &'static str,
        entity_id: Option<String>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), StoreError> {
        let record = Record {
            actor: by.actor.clone(),
            origin: by.origin.clone(),
            action,
            entity,
            entity_id,
            before,
            after,
        };
        audit::append(tx, tenant, record, self.store.now())
            .await
            .map(|_| ())
    }
}

pub(crate) fn required(value: &str, field: Field, max: usize) -> Result<String, AccountError> {
    text::required(value, field, max).map_err(|e| AccountRefusal::Text(e).into())
}
