//! Short-lived copies of rows every assistant webhook reads (ADR 31): the tenant a slug names and the
//! tenant's channel configuration. Without them each message read both from the database before its
//! turn, two statements of a handful.
//!
//! Safe because: a slug never changes once a tenant has it, so its id is kept for good (only found
//! slugs are kept, so unknown ones cannot fill the map); the tenant row itself comes from
//! [`Store::tenant`]'s copy. A channel configuration (tokens, secrets) is kept for
//! [`CHANNEL_TTL`] and dropped at once in this process when it is changed here
//! ([`Store::forget_assistant_channel`], called by the change's commit); another server sees a change
//! within [`CHANNEL_TTL`] — a revoked token keeps working there for at most that long.

use crate::repo::assistant_channels::{self, ChannelConfig};
use crate::repo::tenants::{self, Tenant};
use crate::{Store, StoreError};
use credinet_core::ids::TenantId;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a copy of a channel configuration is trusted.
pub const CHANNEL_TTL: Duration = Duration::from_secs(2);

#[derive(Debug, Default)]
pub(crate) struct Copies {
    slugs: Mutex<HashMap<String, i64>>,
    channels: Mutex<HashMap<i64, (Instant, Option<ChannelConfig>)>>,
}

impl Store {
    /// The tenant whose slug is `slug`.
    pub async fn tenant_by_slug(&self, slug: &str) -> Result<Option<Tenant>, StoreError> {
        let known = self
            .copies
            .slugs
            .lock()
            .ok()
            .and_then(|m| m.get(slug).copied());
        if let Some(id) = known {
            return self.tenant(TenantId::new(id)).await;
        }
        let found = tenants::by_slug(self.db(), slug).await?;
        if let (Some(tenant), Ok(mut slugs)) = (&found, self.copies.slugs.lock()) {
            slugs.insert(slug.to_string(), tenant.id.get());
        }
        Ok(found)
    }

    /// The tenant's assistant channel configuration, from a copy at most [`CHANNEL_TTL`] old.
    pub async fn assistant_channel(
        &self,
        tenant: TenantId,
    ) -> Result<Option<ChannelConfig>, StoreError> {
        let copy = self
            .copies
            .channels
            .lock()
            .ok()
            .and_then(|m| m.get(&tenant.get()).cloned());
        if let Some((at, config)) = copy
            && at.elapsed() < CHANNEL_TTL
        {
            return Ok(config);
        }
        let fresh = assistant_channels::get(self.db(), tenant).await?;
        if let Ok(mut channels) = self.copies.channels.lock() {
            channels.insert(tenant.get(), (Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    /// Drops this process's copy of the tenant's channel configuration: it was just changed.
    pub fn forget_assistant_channel(&self, tenant: TenantId) {
        if let Ok(mut channels) = self.copies.channels.lock() {
            channels.remove(&tenant.get());
        }
    }
}
