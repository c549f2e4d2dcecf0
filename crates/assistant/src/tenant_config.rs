//! What a tenant tells its assistant that is not a secret: how to pay and its FAQ, kept under the
//! `assistant` key of the tenant's settings (SPEC §1). Credentials live in `assistant_channel` (ADR 23).

use credinet_store::repo::tenants::Tenant;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TenantAssistant {
    /// The lender's bank data as staff wrote it (bank, CLABE, account holder, stores that take cash).
    pub payment_instructions: Option<String>,
    pub faq: Vec<FaqEntry>,
}

/// A question the tenant answers: asked when a message holds every word of one of its `keywords`
/// phrases (compared as the router normalizes text).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FaqEntry {
    pub keywords: Vec<String>,
    pub answer: String,
}

impl TenantAssistant {
    /// The tenant's assistant settings; a value that does not have this shape is logged and ignored, so
    /// a typo in the settings never silences the assistant.
    pub fn of(tenant: &Tenant) -> TenantAssistant {
        let Some(value) = tenant.settings.other("assistant") else {
            return TenantAssistant::default();
        };
        serde_json::from_value(value.clone()).unwrap_or_else(|e| {
            tracing::warn!(tenant = %tenant.id, error = %e, "assistant settings ignored: wrong shape");
            TenantAssistant::default()
        })
    }
}
