//! Secrets generated once per installation and shared by its servers (see migration 8).

use super::micros;
use crate::StoreError;
use crate::error::is_unique_violation;
use chrono::{DateTime, Utc};
use credinet_core::masked::Masked;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};

/// The secret named `name`: the one stored, or else `generate()`'s, stored first. Two servers starting
/// at once both try to store theirs; the first insert wins and both read it back.
pub async fn get_or_create<C: ConnectionTrait>(
    db: &C,
    name: &str,
    generate: impl FnOnce() -> String,
    now: DateTime<Utc>,
) -> Result<Masked<String>, StoreError> {
    if let Some(value) = read(db, name).await? {
        return Ok(value);
    }
    let insert = Query::insert()
        .into_table("server_secret")
        .columns(["name", "value", "created_at"])
        .values_panic([name.into(), generate().into(), micros(now).into()])
        .to_owned();
    match db.execute(&insert).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {}
        Err(e) => return Err(e.into()),
    }
    read(db, name).await?.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "server secret '{name}' vanished after it was stored"
        ))
    })
}

async fn read<C: ConnectionTrait>(
    db: &C,
    name: &str,
) -> Result<Option<Masked<String>>, StoreError> {
    let select = Query::select()
        .column("value")
        .from("server_secret")
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    let Some(row) = db.query_one(&select).await? else {
        return Ok(None);
    };
    Ok(Some(Masked::new(row.try_get::<String>("", "value")?)))
}
