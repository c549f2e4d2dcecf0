use super::micros;
use crate::entities::api_key;
use crate::{StoreError, live_keys};
use chrono::{DateTime, Utc};
use credinet_core::ids::{ApiKeyId, TenantId, UserId};
use credinet_core::role::Role;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet,
    QueryFilter, QueryOrder,
};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub name: String,
    pub prefix: String,
    pub role: Role,
    /// The person who created the key (through a page, or through another key of theirs); `None` for
    /// a key made with the CLI, which stands for nobody but itself. Maker–checker compares this person.
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewApiKey<'a> {
    pub name: &'a str,
    pub prefix: &'a str,
    pub key_hash: &'a str,
    pub role: Role,
    pub created_by: Option<UserId>,
}

pub async fn create<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    new: NewApiKey<'_>,
    now: DateTime<Utc>,
) -> Result<ApiKey, StoreError> {
    let row = api_key::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        name: Set(new.name.trim().to_string()),
        prefix: Set(new.prefix.to_string()),
        key_hash: Set(new.key_hash.to_string()),
        role: Set(new.role.as_str().to_string()),
        created_by: Set(new.created_by.map(UserId::get)),
        created_at: Set(micros(now)),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    to_domain(row)
}

pub async fn list<C: ConnectionTrait>(db: &C, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
    api_key::Entity::find()
        .filter(api_key::Column::TenantId.eq(tenant.get()))
        .order_by_asc(api_key::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ApiKeyId,
) -> Result<Option<ApiKey>, StoreError> {
    api_key::Entity::find()
        .filter(api_key::Column::TenantId.eq(tenant.get()))
        .filter(api_key::Column::Id.eq(id.get()))
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

/// Revokes a key of `tenant`. `None` when the tenant has no such key; revoking twice keeps the first time.
/// Running servers that keep keys in memory hear of it when `db`'s transaction commits
/// ([`Store::key_changes`](crate::Store::key_changes)).
pub async fn revoke<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<Option<ApiKey>, StoreError> {
    let revoked = api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, micros(now).into())
        .filter(api_key::Column::TenantId.eq(tenant.get()))
        .filter(api_key::Column::Id.eq(id.get()))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    if revoked.rows_affected > 0 {
        live_keys::announce(db).await?;
    }
    get(db, tenant, id).await
}

/// The live (not revoked) key whose SHA-256 is `key_hash`: the key itself names its tenant.
pub async fn find_live_by_hash<C: ConnectionTrait>(
    db: &C,
    key_hash: &str,
) -> Result<Option<ApiKey>, StoreError> {
    api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(key_hash))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(db)
        .await?
        .map(to_domain)
        .transpose()
}

pub async fn mark_used<C: ConnectionTrait>(
    db: &C,
    id: ApiKeyId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    api_key::Entity::update_many()
        .col_expr(api_key::Column::LastUsedAt, micros(now).into())
        .filter(api_key::Column::Id.eq(id.get()))
        .exec(db)
        .await?;
    Ok(())
}

fn to_domain(row: api_key::Model) -> Result<ApiKey, StoreError> {
    Ok(ApiKey {
        id: ApiKeyId::new(row.id),
        tenant_id: TenantId::new(row.tenant_id),
        role: row
            .role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("api key {}: {e}", row.id)))?,
        name: row.name,
        prefix: row.prefix,
        created_by: row.created_by.map(UserId::new),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
        revoked_at: row.revoked_at,
    })
}
