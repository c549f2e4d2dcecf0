//! Events of the installation, not of a tenant: `service_down`, `error_500`, `backup_failed`…

use crate::StoreError;
use crate::entities::system_event;
use crate::repo::micros;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, NotSet};

#[derive(Debug, Clone)]
pub struct NewSystemEvent {
    /// Any kind's stored text; the notifier routes kinds it has no template for too.
    pub kind: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub payload: serde_json::Value,
}

pub async fn append<C: ConnectionTrait>(
    db: &C,
    event: NewSystemEvent,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let row = system_event::ActiveModel {
        id: NotSet,
        kind: Set(event.kind),
        entity: Set(event.entity),
        entity_id: Set(event.entity_id),
        payload: Set(event.payload.to_string()),
        created_at: Set(micros(now)),
        routed_at: Set(None),
    };
    Ok(system_event::Entity::insert(row)
        .exec(db)
        .await?
        .last_insert_id)
}
