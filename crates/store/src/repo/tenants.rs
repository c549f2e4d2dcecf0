use super::micros;
use crate::entities::{audit_chain, tenant};
use crate::{StoreError, error::is_unique_violation};
use chrono::{DateTime, Utc};
use credinet_core::currency::Currency;
use credinet_core::ids::TenantId;
use credinet_core::slug::TenantSlug;
use credinet_core::tenant_settings::TenantSettings;
use credinet_core::zone::Zone;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    QueryFilter, QueryOrder, QuerySelect,
};

/// A lending company, as the rest of the code sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub id: TenantId,
    pub slug: TenantSlug,
    pub legal_name: String,
    pub zone: Zone,
    pub currency: Currency,
    /// Parsed when the row is read: a setting that does not parse is a corrupt row, not a surprise later.
    pub settings: TenantSettings,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: TenantSlug,
    pub legal_name: String,
    pub zone: Zone,
    pub currency: Currency,
    pub settings: TenantSettings,
}

/// The hash that precedes the first entry of every tenant's audit chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub async fn create<C: ConnectionTrait>(
    db: &C,
    new: NewTenant,
    now: DateTime<Utc>,
) -> Result<Tenant, StoreError> {
    let now = micros(now);
    let row = tenant::ActiveModel {
        id: NotSet,
        slug: Set(new.slug.as_str().to_string()),
        legal_name: Set(new.legal_name.trim().to_string()),
        time_zone: Set(new.zone.name().to_string()),
        currency: Set(new.currency.to_string()),
        settings: Set(Some(new.settings.to_value().to_string())),
        created_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("tenant '{}'", new.slug))
        } else {
            e.into()
        }
    })?;
    audit_chain::ActiveModel {
        tenant_id: Set(row.id),
        last_seq: Set(0),
        last_hash: Set(GENESIS_HASH.to_string()),
        sealed_at: Set(now),
    }
    .insert(db)
    .await?;
    to_domain(row)
}

pub async fn by_slug<C: ConnectionTrait>(db: &C, slug: &str) -> Result<Option<Tenant>, StoreError> {
    tenant::Entity::find()
        .filter(tenant::Column::Slug.eq(slug))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn by_id<C: ConnectionTrait>(db: &C, id: TenantId) -> Result<Option<Tenant>, StoreError> {
    tenant::Entity::find_by_id(id.get())
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Locks the tenant's row until `db`'s transaction ends (a no-op on SQLite, whose write transaction is
/// the lock): serializes the sign-in admissions of emails that have no user row to lock.
pub async fn lock<C: ConnectionTrait>(db: &C, id: TenantId) -> Result<(), StoreError> {
    tenant::Entity::find_by_id(id.get())
        .lock_exclusive()
        .one(db)
        .await?;
    Ok(())
}

pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Tenant>, StoreError> {
    tenant::Entity::find()
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Every tenant, each parsed on its own: a row that does not parse (a zone this build no longer knows, a
/// hand-edited setting) is an `Err` naming the tenant, and the others are still there. The scheduler
/// uses it so that one broken tenant does not stop every other tenant's jobs.
pub async fn list_each<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<Result<Tenant, StoreError>>, StoreError> {
    Ok(tenant::Entity::find()
        .order_by_asc(tenant::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect())
}

/// The one place a tenant row becomes a [`Tenant`]; a field that does not parse is named with its tenant.
fn to_domain(row: tenant::Model) -> Result<Tenant, StoreError> {
    let corrupt = |field: &str, why: String| {
        StoreError::Corrupt(format!("tenant {}, field {field}: {why}", row.id))
    };
    Ok(Tenant {
        id: TenantId::new(row.id),
        slug: TenantSlug::parse(&row.slug).map_err(|e| corrupt("slug", e.to_string()))?,
        zone: Zone::parse(&row.time_zone).map_err(|e| corrupt("time_zone", e.to_string()))?,
        currency: Currency::parse(&row.currency).map_err(|e| corrupt("currency", e.to_string()))?,
        settings: TenantSettings::from_json(row.settings.as_deref())
            .map_err(|e| corrupt("settings", e.to_string()))?,
        legal_name: row.legal_name,
        created_at: row.created_at,
    })
}
