//! Lending companies: creating one with its settings and its audit chain.

use crate::{AccountError, Accounts, Requester, required};
use credinet_core::currency::Currency;
use credinet_core::slug::TenantSlug;
use credinet_core::tenant_settings::TenantSettings;
use credinet_core::text::Field;
use credinet_core::zone::Zone;
use credinet_store::repo::tenants::{self, NewTenant, Tenant};
use serde_json::json;

pub struct TenantInput {
    pub slug: String,
    pub legal_name: String,
    pub time_zone: String,
}

impl Accounts<'_> {
    pub async fn create_tenant(
        &self,
        input: TenantInput,
        by: &Requester,
    ) -> Result<Tenant, AccountError> {
        let slug =
            TenantSlug::parse(&input.slug).map_err(|e| AccountError::Invalid(e.to_string()))?;
        let zone =
            Zone::parse(&input.time_zone).map_err(|e| AccountError::Invalid(e.to_string()))?;
        let legal_name = required(&input.legal_name, Field::LegalName, 200)?;
        let new = NewTenant {
            slug,
            legal_name,
            zone,
            currency: Currency::MXN,
            settings: TenantSettings::default(),
        };
        let tx = self.store.write().await?;
        let tenant = tenants::create(&tx, new, self.store.now()).await?;
        let after = json!({ "slug": tenant.slug, "legal_name": tenant.legal_name, "time_zone": tenant.zone.name(),
            "currency": tenant.currency, "settings": tenant.settings.to_value() });
        self.audit(
            &tx,
            tenant.id,
            by,
            "tenant_created",
            "tenant",
            Some(tenant.id.to_string()),
            None,
            Some(after),
        )
        .await?;
        tx.commit().await?;
        Ok(tenant)
    }
}
