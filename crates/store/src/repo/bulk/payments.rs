//! The payments a loaded loan received and their allocations, written after its installments so that
//! every allocation can name its installment's id.

use super::{BulkLoan, insert_json, reserve_ids};
use crate::entities::{payment, payment_allocation};
use crate::repo::audit::Actor;
use crate::repo::micros;
use crate::{StoreError, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::allocation::Component;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, NotSet};
use serde_json::{Value, json};

/// `payment` has 14 columns, `payment_allocation` 7: both batches stay under SQLite's 32,766 bound
/// parameters.
const PAYMENT_BATCH: usize = 2_000;
const ALLOCATION_BATCH: usize = 4_000;

/// A payment as the payment service would have stored it, never reversed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkPayment {
    pub amount: i64,
    /// Local date in the tenant's zone; not before the loan's disbursement.
    pub paid_on: NaiveDate,
    /// As the payment row stores it: `cash`, `transfer`, `card` or `other`.
    pub method: String,
    pub reference: Option<String>,
    /// Loaded payments carry no idempotency key, so nothing ever compares this hash; the caller says
    /// what it is the hash of.
    pub request_hash: String,
    pub registered_by: Actor,
    pub created_at: DateTime<Utc>,
    pub allocations: Vec<BulkAllocation>,
}

/// So much of one component of one installment (by its number in the loan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkAllocation {
    pub installment: i32,
    pub component: Component,
    pub amount: i64,
}

pub(super) fn component_text(component: Component) -> &'static str {
    match component {
        Component::LateFee => "late_fee",
        Component::LateFeeIva => "late_fee_iva",
        Component::InterestIva => "interest_iva",
        Component::Interest => "interest",
        Component::Principal => "principal",
    }
}

pub(super) struct Written {
    pub payments: u64,
    pub allocations: u64,
}

/// Writes every loan's payments, then their allocations. `installment_ids[k]` are the ids of loan `k`'s
/// installments in input order.
pub(super) async fn insert(
    tx: &WriteTx,
    tenant: TenantId,
    loans: &[BulkLoan],
    loan_ids: &[LoanId],
    installment_ids: &[Vec<i64>],
) -> Result<Written, StoreError> {
    let all: Vec<(usize, &BulkPayment)> = loans
        .iter()
        .enumerate()
        .flat_map(|(k, l)| l.payments.iter().map(move |p| (k, p)))
        .collect();
    let mut allocations: Vec<NewAllocation> = Vec::new();
    let mut written = Written {
        payments: 0,
        allocations: 0,
    };
    for chunk in all.chunks(PAYMENT_BATCH) {
        let ids = reserve_ids(tx, "payment", chunk.len()).await?;
        insert_payments(tx, tenant, chunk, &ids, loan_ids).await?;
        written.payments += chunk.len() as u64;
        for ((k, p), id) in chunk.iter().zip(&ids) {
            let loan = &loans[*k];
            for a in &p.allocations {
                // `check` made sure every allocation names an installment of its loan.
                let position = loan
                    .installments
                    .iter()
                    .position(|i| i.number == a.installment)
                    .ok_or_else(|| {
                        StoreError::InvalidLoad(format!(
                            "loan {}: an allocation names installment {}, which it does not have",
                            loan.number, a.installment
                        ))
                    })?;
                allocations.push(NewAllocation {
                    payment_id: *id,
                    installment_id: installment_ids[*k][position],
                    allocation: *a,
                });
            }
        }
        while allocations.len() >= ALLOCATION_BATCH {
            let rest = allocations.split_off(ALLOCATION_BATCH);
            written.allocations += insert_allocations(tx, tenant, &allocations).await?;
            allocations = rest;
        }
    }
    if !allocations.is_empty() {
        written.allocations += insert_allocations(tx, tenant, &allocations).await?;
    }
    Ok(written)
}

const POSTGRES_PAYMENTS: &str = r#"
INSERT INTO payment (id, tenant_id, loan_id, amount, paid_on, method, reference, idempotency_key,
    request_hash, registered_by_kind, registered_by_id, registered_by_label, created_at, reversed)
SELECT r.id, $1, r.loan_id, r.amount, r.paid_on, r.method, r.reference, NULL, r.request_hash,
    r.by_kind, r.by_id, r.by_label, r.created_at, false
FROM json_to_recordset($2::json) AS r(id bigint, loan_id bigint, amount bigint, paid_on date,
    method text, reference text, request_hash text, by_kind text, by_id bigint, by_label text,
    created_at timestamptz)
"#;

async fn insert_payments(
    tx: &WriteTx,
    tenant: TenantId,
    chunk: &[(usize, &BulkPayment)],
    ids: &[i64],
    loan_ids: &[LoanId],
) -> Result<(), StoreError> {
    let created = |p: &BulkPayment| micros(p.created_at);
    if tx.get_database_backend() == DbBackend::Postgres {
        let rows: Vec<Value> = chunk
            .iter()
            .zip(ids)
            .map(|((k, p), id)| {
                json!({
                    "id": id, "loan_id": loan_ids[*k].get(), "amount": p.amount,
                    "paid_on": p.paid_on, "method": p.method, "reference": p.reference,
                    "request_hash": p.request_hash, "by_kind": p.registered_by.kind.as_str(),
                    "by_id": p.registered_by.id, "by_label": p.registered_by.label,
                    "created_at": created(p),
                })
            })
            .collect();
        return insert_json(tx, POSTGRES_PAYMENTS, tenant, vec![], rows).await;
    }
    let rows = chunk
        .iter()
        .zip(ids)
        .map(|((k, p), id)| payment::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant.get()),
            loan_id: Set(loan_ids[*k].get()),
            amount: Set(p.amount),
            paid_on: Set(p.paid_on),
            method: Set(p.method.clone()),
            reference: Set(p.reference.clone()),
            idempotency_key: Set(None),
            request_hash: Set(p.request_hash.clone()),
            registered_by_kind: Set(Some(p.registered_by.kind.as_str().to_string())),
            registered_by_id: Set(p.registered_by.id),
            registered_by_label: Set(Some(p.registered_by.label.clone())),
            created_at: Set(created(p)),
            reversed: Set(false),
        });
    payment::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

struct NewAllocation {
    payment_id: i64,
    installment_id: i64,
    allocation: BulkAllocation,
}

const POSTGRES_ALLOCATIONS: &str = r#"
INSERT INTO payment_allocation (tenant_id, payment_id, installment_id, installment_number,
    component, amount)
SELECT $1, r.payment_id, r.installment_id, r.installment_number, r.component, r.amount
FROM json_to_recordset($2::json) AS r(payment_id bigint, installment_id bigint,
    installment_number integer, component text, amount bigint)
"#;

async fn insert_allocations(
    tx: &WriteTx,
    tenant: TenantId,
    rows: &[NewAllocation],
) -> Result<u64, StoreError> {
    if tx.get_database_backend() == DbBackend::Postgres {
        let json_rows: Vec<Value> = rows
            .iter()
            .map(|r| {
                json!({
                    "payment_id": r.payment_id, "installment_id": r.installment_id,
                    "installment_number": r.allocation.installment,
                    "component": component_text(r.allocation.component),
                    "amount": r.allocation.amount,
                })
            })
            .collect();
        insert_json(tx, POSTGRES_ALLOCATIONS, tenant, vec![], json_rows).await?;
        return Ok(rows.len() as u64);
    }
    let models = rows.iter().map(|r| payment_allocation::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        payment_id: Set(r.payment_id),
        installment_id: Set(r.installment_id),
        installment_number: Set(r.allocation.installment),
        component: Set(component_text(r.allocation.component).to_string()),
        amount: Set(r.allocation.amount),
    });
    payment_allocation::Entity::insert_many(models)
        .exec_without_returning(tx)
        .await?;
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::component_text;
    use credinet_core::lending::allocation::Component;

    #[test]
    fn components_are_stored_as_the_payment_service_names_them() {
        for c in Component::ALL {
            let serde = serde_json::to_value(c).expect("a component serializes");
            assert_eq!(serde, serde_json::Value::String(component_text(c).into()));
        }
    }
}
