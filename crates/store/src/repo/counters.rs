//! Per-tenant counters (loan numbers): gap-free, human-sized numbers that a global id cannot give.

use crate::StoreError;
use crate::entities::tenant_counter;
use credinet_core::ids::TenantId;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

/// The next value of the tenant's counter `name`, starting at 1. Call it inside the write transaction
/// that uses the value: the row stays locked until commit, so two writers never get the same number.
pub async fn next<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    name: &str,
) -> Result<i64, StoreError> {
    // Create the row if missing without failing on a concurrent creation (a unique violation would abort
    // the whole transaction on PostgreSQL). `do_nothing_on` because MySQL has no ON CONFLICT DO NOTHING.
    let zero = tenant_counter::ActiveModel {
        tenant_id: Set(tenant.get()),
        name: Set(name.to_string()),
        value: Set(0),
    };
    tenant_counter::Entity::insert(zero)
        .on_conflict(
            OnConflict::columns([
                tenant_counter::Column::TenantId,
                tenant_counter::Column::Name,
            ])
            .do_nothing_on([
                tenant_counter::Column::TenantId,
                tenant_counter::Column::Name,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let row = tenant_counter::Entity::find()
        .filter(tenant_counter::Column::TenantId.eq(tenant.get()))
        .filter(tenant_counter::Column::Name.eq(name))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("counter '{name}' vanished")))?;
    let value = row.value + 1;
    tenant_counter::Entity::update_many()
        .col_expr(tenant_counter::Column::Value, value.into())
        .filter(tenant_counter::Column::TenantId.eq(tenant.get()))
        .filter(tenant_counter::Column::Name.eq(name))
        .exec(db)
        .await?;
    Ok(value)
}
