//! Each tenant's assistant channel credentials (migration 16, ADR 23): read by the webhooks on every
//! request, written by `credinet assistant configure`.

use super::micros;
use crate::StoreError;
use crate::entities::assistant_channel;
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

pub use assistant_channel::Model as ChannelConfig;

/// The tenant's channel credentials, if it configured any.
pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Option<ChannelConfig>, StoreError> {
    Ok(assistant_channel::Entity::find()
        .filter(assistant_channel::Column::TenantId.eq(tenant.get()))
        .one(db)
        .await?)
}

/// The configuration whose Cloud API number is `phone_number_id`: the tenant a Cloud API delivery is for.
pub async fn by_cloud_number<C: ConnectionTrait>(
    db: &C,
    phone_number_id: &str,
) -> Result<Option<ChannelConfig>, StoreError> {
    Ok(assistant_channel::Entity::find()
        .filter(assistant_channel::Column::CloudPhoneNumberId.eq(phone_number_id))
        .one(db)
        .await?)
}

/// Every configuration with a Cloud API verify token: Meta's subscription handshake names no number, so
/// the token it presents is compared with each (a handful of rows: one per tenant on the Cloud API).
pub async fn with_verify_token<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<ChannelConfig>, StoreError> {
    Ok(assistant_channel::Entity::find()
        .filter(assistant_channel::Column::CloudVerifyToken.is_not_null())
        .all(db)
        .await?)
}

/// Writes the tenant's configuration as `config` holds it (its id and dates are ignored): creates the row
/// the first time, replaces it after. A Cloud API number already another tenant's is a unique violation.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    config: &ChannelConfig,
    now: DateTime<Utc>,
) -> Result<ChannelConfig, StoreError> {
    let now = micros(now);
    let existing = get(db, tenant).await?;
    let mut row = assistant_channel::ActiveModel {
        tenant_id: Set(tenant.get()),
        autoresponder_token_digest: Set(config.autoresponder_token_digest.clone()),
        autoresponder_header: Set(config.autoresponder_header.clone()),
        autoresponder_hmac_secret: Set(config.autoresponder_hmac_secret.clone()),
        group_replies: Set(config.group_replies),
        cloud_phone_number_id: Set(config.cloud_phone_number_id.clone()),
        cloud_app_secret: Set(config.cloud_app_secret.clone()),
        cloud_access_token: Set(config.cloud_access_token.clone()),
        cloud_verify_token: Set(config.cloud_verify_token.clone()),
        updated_at: Set(now),
        ..Default::default()
    };
    Ok(match existing {
        Some(old) => {
            row.id = Set(old.id);
            row.created_at = Set(old.created_at);
            row.update(db).await?
        }
        None => {
            row.created_at = Set(now);
            row.insert(db).await?
        }
    })
}

/// An empty configuration for `tenant`: no channel accepts anything until a credential is set.
pub fn unconfigured(tenant: TenantId, now: DateTime<Utc>) -> ChannelConfig {
    ChannelConfig {
        id: 0,
        tenant_id: tenant.get(),
        autoresponder_token_digest: None,
        autoresponder_header: None,
        autoresponder_hmac_secret: None,
        group_replies: false,
        cloud_phone_number_id: None,
        cloud_app_secret: None,
        cloud_access_token: None,
        cloud_verify_token: None,
        created_at: micros(now),
        updated_at: micros(now),
    }
}
