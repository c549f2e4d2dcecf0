//! After the load: the database holds every message fully — one session per borrower, bound to its
//! client; each message answered in, its reply out, and the five pipeline stages of each inbound
//! message — and where the server's time went, read from the stages' recorded durations.

use credinet_core::ids::TenantId;
use credinet_store::Store;
use credinet_store::entities::{assistant_message, assistant_session, assistant_stage};
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::BTreeMap;

pub struct Recorded {
    pub sessions: u64,
    pub bound_sessions: u64,
    pub inbound: u64,
    pub outbound: u64,
    pub stages: u64,
}

pub async fn recorded(store: &Store, tenant: TenantId) -> anyhow::Result<Recorded> {
    let db = store.db();
    let t = tenant.get();
    let sessions = assistant_session::Entity::find()
        .filter(assistant_session::Column::TenantId.eq(t))
        .count(db)
        .await?;
    let bound_sessions = assistant_session::Entity::find()
        .filter(assistant_session::Column::TenantId.eq(t))
        .filter(assistant_session::Column::ClientId.is_not_null())
        .count(db)
        .await?;
    let messages = |direction: &'static str| {
        assistant_message::Entity::find()
            .filter(assistant_message::Column::TenantId.eq(t))
            .filter(assistant_message::Column::Direction.eq(direction))
            .count(db)
    };
    let inbound = messages("in").await?;
    let outbound = messages("out").await?;
    let stages = assistant_stage::Entity::find()
        .filter(assistant_stage::Column::TenantId.eq(t))
        .count(db)
        .await?;
    Ok(Recorded {
        sessions,
        bound_sessions,
        inbound,
        outbound,
        stages,
    })
}

impl Recorded {
    /// Whether everything the clients were answered is in the database, and nothing more than was sent.
    pub fn complete(&self, borrowers: u64, answered: u64, sent: u64) -> Result<(), String> {
        let checks = [
            (
                self.sessions == borrowers && self.bound_sessions == borrowers,
                "one session per borrower, each bound to its client",
            ),
            (
                (answered..=sent).contains(&self.inbound),
                "every message answered is recorded in",
            ),
            (
                (answered..=sent).contains(&self.outbound),
                "every reply is recorded out",
            ),
            (
                self.stages == 5 * self.inbound,
                "five stages recorded per inbound message",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            None => Ok(()),
            Some((_, what)) => Err(format!(
                "not {what}: {} sessions ({} bound) for {borrowers} borrowers, {} in / {} out / {} stages for {answered} answered of {sent} sent",
                self.sessions, self.bound_sessions, self.inbound, self.outbound, self.stages
            )),
        }
    }
}

/// Mean recorded duration of each pipeline stage in µs, over the tenant's stages.
pub async fn stage_means(store: &Store, tenant: TenantId) -> anyhow::Result<BTreeMap<String, f64>> {
    let rows = assistant_stage::Entity::find()
        .filter(assistant_stage::Column::TenantId.eq(tenant.get()))
        .all(store.db())
        .await?;
    let mut sums: BTreeMap<String, (i64, u64)> = BTreeMap::new();
    for row in rows {
        let entry = sums.entry(row.stage).or_default();
        entry.0 += row.duration_us;
        entry.1 += 1;
    }
    Ok(sums
        .into_iter()
        .map(|(stage, (sum, n))| (stage, sum as f64 / n.max(1) as f64))
        .collect())
}
