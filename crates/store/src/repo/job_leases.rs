//! Leases on jobs (`job_lease`): one holder at a time per lease key, until a time. Several servers on
//! one database take turns through these rows; a holder that dies loses its lease when the time ends.
//!
//! Taking a lease is one conditional `UPDATE … WHERE lease_key = ? AND (expires_at <= now OR holder = ?)`
//! on a row that exists (inserted beforehand, expired, if missing). Two takers of one row serialize on its
//! row lock (PostgreSQL, MariaDB) or on SQLite's single writer, and the second one's condition is
//! evaluated against the first one's lease, so it fails. Whether it was taken is read back from the row,
//! never from the affected-row count (MariaDB counts changed rows, not matched ones).

use super::micros;
use crate::entities::job_lease;
use crate::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter};

/// A lease held until `until`; `holder` is the token that proves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub key: String,
    pub holder: String,
    pub until: DateTime<Utc>,
}

/// Takes the lease `key` for `holder` for `length` from now, when it is free (never taken, expired, or
/// already this holder's). `None` when someone else holds it.
pub async fn acquire(
    store: &Store,
    key: &str,
    holder: &str,
    length: Duration,
) -> Result<Option<Lease>, StoreError> {
    let now = store.now();
    let until = micros(now + length);
    let tx = store.write().await?;
    let missing = job_lease::ActiveModel {
        lease_key: Set(key.to_string()),
        holder: Set(String::new()),
        expires_at: Set(DateTime::<Utc>::UNIX_EPOCH),
    };
    job_lease::Entity::insert(missing)
        .on_conflict(
            OnConflict::column(job_lease::Column::LeaseKey)
                .do_nothing_on([job_lease::Column::LeaseKey])
                .to_owned(),
        )
        .exec_without_returning(&tx)
        .await?;
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::Holder, holder.into())
        .col_expr(job_lease::Column::ExpiresAt, until.into())
        .filter(job_lease::Column::LeaseKey.eq(key))
        .filter(
            Condition::any()
                .add(job_lease::Column::ExpiresAt.lte(now))
                .add(job_lease::Column::Holder.eq(holder)),
        )
        .exec(&tx)
        .await?;
    let row = job_lease::Entity::find_by_id(key.to_string())
        .one(&tx)
        .await?;
    tx.commit().await?;
    Ok(row
        .filter(|r| r.holder == holder && r.expires_at == until)
        .map(|r| Lease {
            key: r.lease_key,
            holder: r.holder,
            until: r.expires_at,
        }))
}

/// Extends a held lease by `length` from now. False when it was lost (it expired and another took it).
pub async fn renew(store: &Store, lease: &Lease, length: Duration) -> Result<bool, StoreError> {
    Ok(acquire(store, &lease.key, &lease.holder, length)
        .await?
        .is_some())
}

/// Gives a lease back at once, so the next run need not wait for it to expire. Does nothing when the
/// lease is no longer this holder's.
pub async fn release(store: &Store, lease: &Lease) -> Result<(), StoreError> {
    let now = store.now();
    let tx = store.write().await?;
    job_lease::Entity::update_many()
        .col_expr(job_lease::Column::ExpiresAt, now.into())
        .filter(job_lease::Column::LeaseKey.eq(lease.key.as_str()))
        .filter(job_lease::Column::Holder.eq(lease.holder.as_str()))
        .exec(&tx)
        .await?;
    tx.commit().await
}
