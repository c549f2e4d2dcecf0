//! Small helpers shared by the services: audit entries, enum text, optional text.

use crate::{LendingError, Refusal};
use chrono::{DateTime, Utc};
use credinet_core::ids::TenantId;
use credinet_core::text::{self, Field};
use credinet_store::WriteTx;
use credinet_store::repo::audit::{self, Record, Requester};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Writes the audit entry of a change, in the change's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn audit(
    db: &WriteTx,
    tenant: TenantId,
    by: &Requester,
    action: &'static str,
    entity: &'static str,
    entity_id: impl ToString,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    now: DateTime<Utc>,
) -> Result<(), LendingError> {
    let record = Record {
        actor: by.actor.clone(),
        origin: by.origin.clone(),
        action,
        entity,
        entity_id: Some(entity_id.to_string()),
        before,
        after,
    };
    audit::append(db, tenant, record, now).await?;
    Ok(())
}

/// The snake_case name serde gives a unit enum variant (`biweekly_cut`).
pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

pub(crate) fn parse_enum<T: DeserializeOwned>(raw: &str, what: &str) -> Result<T, LendingError> {
    serde_json::from_value(serde_json::Value::String(raw.to_string()))
        .map_err(|_| LendingError::Store(corrupt(format!("{what} '{raw}'"))))
}

pub(crate) fn corrupt(what: String) -> credinet_store::StoreError {
    credinet_store::StoreError::Corrupt(what)
}

/// A stored installment number as the core counts it. A negative one is corruption, named by its row
/// (`what`), never read as 0.
pub(crate) fn stored_number(
    number: i32,
    what: impl std::fmt::Display,
) -> Result<u32, LendingError> {
    u32::try_from(number).map_err(|_| {
        LendingError::Store(corrupt(format!(
            "{what}: installment number {number} is negative"
        )))
    })
}

/// An installment number as stored. The core's numbers come from a term or from stored rows, so one
/// past `i32::MAX` is a broken invariant, refused rather than written as another number.
pub(crate) fn storable_number(number: u32) -> Result<i32, LendingError> {
    i32::try_from(number).map_err(|_| {
        LendingError::Invalid(format!("installment number {number} is too large to store"))
    })
}

/// Trims optional text; empty becomes `None`; longer than `max` characters, or holding a control
/// character ([`credinet_core::text`]), is refused.
pub(crate) fn optional_text(
    raw: Option<&str>,
    field: Field,
    max: usize,
) -> Result<Option<String>, LendingError> {
    text::optional(raw, field, max).map_err(|e| Refusal::Text(e).into())
}

pub(crate) fn required_text(raw: &str, field: Field, max: usize) -> Result<String, LendingError> {
    text::required(raw, field, max).map_err(|e| Refusal::Text(e).into())
}
