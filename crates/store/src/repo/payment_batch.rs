//! Everything a batch of payments writes, in one call: the payments, their allocations, the
//! installments and loans they change, their audit entries and their events.
//!
//! On PostgreSQL that is one statement of data-modifying CTEs, each reading its rows from a JSON
//! parameter with `json_to_recordset`. The statement text never changes with the size of the batch,
//! so the server plans it once per connection, and the batch pays one round trip instead of six (the
//! round trips were most of a batch's time on a busy two-core server; `docs/benchmarks.md`). Foreign
//! keys still hold: PostgreSQL checks them when the whole statement ends. Elsewhere the same rows are
//! written with one multi-row statement per table.

use super::audit::{self, Record};
use super::events::{self, NewEvent};
use super::loans::{self, LoanBalances, Paid};
use super::micros;
use super::payments::{self, NewAllocation, NewPayment};
use crate::StoreError;
use crate::WriteTx;
use chrono::{DateTime, Utc};
use credinet_core::ids::{PaymentId, TenantId};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use serde_json::{Value, json};

/// The rows of one batch. Payments carry ids from [`payments::reserve_ids`]; audit entries are
/// appended in the order given.
#[derive(Debug, Default)]
pub struct BatchWrites {
    pub payments: Vec<(PaymentId, NewPayment)>,
    pub allocations: Vec<(PaymentId, NewAllocation)>,
    pub installments: Vec<(i64, Paid)>,
    pub loans: Vec<LoanBalances>,
    pub audit: Vec<Record>,
    pub events: Vec<NewEvent>,
}

/// Writes the batch inside `tx`.
pub async fn write(
    tx: &WriteTx,
    tenant: TenantId,
    rows: BatchWrites,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if tx.get_database_backend() == DbBackend::Postgres {
        if !rows.audit.is_empty() {
            // The one statement below queues the batch's entries itself.
            tx.audited(tenant);
        }
        return write_postgres(tx, tenant, rows, now).await;
    }
    payments::insert_many(tx, tenant, rows.payments, now).await?;
    payments::insert_allocations_many(tx, tenant, rows.allocations).await?;
    loans::set_paid_many(tx, tenant, &rows.installments).await?;
    loans::set_balances_many(tx, tenant, &rows.loans, now).await?;
    audit::append_many(tx, tenant, rows.audit, now).await?;
    events::append_many(tx, tenant, rows.events, now).await?;
    Ok(())
}

/// `$1` tenant, `$2` now, `$3`…`$8` the JSON arrays of rows. Audit entries and events are inserted in
/// their array order (`n`), which is the order their ids take and the sealer chains them in; each audit
/// entry is queued for the sealer in the same statement.
const POSTGRES_BATCH: &str = r#"
WITH
p AS (
    INSERT INTO payment (id, tenant_id, loan_id, amount, paid_on, method, reference, idempotency_key,
        request_hash, registered_by_kind, registered_by_id, registered_by_label, created_at, reversed)
    SELECT r.id, $1, r.loan_id, r.amount, r.paid_on, r.method, r.reference, r.idempotency_key,
        r.request_hash, r.by_kind, r.by_id, r.by_label, $2, false
    FROM json_to_recordset($3::json) AS r(id bigint, loan_id bigint, amount bigint, paid_on date,
        method text, reference text, idempotency_key text, request_hash text, by_kind text,
        by_id bigint, by_label text)
),
a AS (
    INSERT INTO payment_allocation (tenant_id, payment_id, installment_id, installment_number,
        component, amount)
    SELECT $1, r.payment_id, r.installment_id, r.installment_number, r.component, r.amount
    FROM json_to_recordset($4::json) AS r(payment_id bigint, installment_id bigint,
        installment_number integer, component text, amount bigint)
),
i AS (
    UPDATE installment SET paid_principal = r.principal, paid_interest = r.interest,
        paid_interest_iva = r.interest_iva, paid_late_fee = r.late_fee,
        paid_late_fee_iva = r.late_fee_iva
    FROM json_to_recordset($5::json) AS r(id bigint, principal bigint, interest bigint,
        interest_iva bigint, late_fee bigint, late_fee_iva bigint)
    WHERE installment.tenant_id = $1 AND installment.id = r.id
),
l AS (
    UPDATE loan SET total_paid = r.total_paid, outstanding = r.outstanding, status = r.status,
        paid_at = r.paid_at, version = loan.version + 1, updated_at = $2
    FROM json_to_recordset($6::json) AS r(id bigint, total_paid bigint, outstanding bigint,
        status text, paid_at timestamptz)
    WHERE loan.tenant_id = $1 AND loan.id = r.id
),
au AS (
    INSERT INTO audit_entry (tenant_id, at, actor_kind, actor_id, actor_label, action, entity,
        entity_id, ip, user_agent, before_json, after_json)
    SELECT $1, $2, r.actor_kind, r.actor_id, r.actor_label, r.action, r.entity,
        r.entity_id, r.ip, r.user_agent, r.before_json, r.after_json
    FROM json_to_recordset($7::json) AS r(actor_kind text, actor_id bigint,
        actor_label text, action text, entity text, entity_id text, ip text, user_agent text,
        before_json text, after_json text, n bigint)
    ORDER BY r.n
    RETURNING id
),
aq AS (
    INSERT INTO audit_pending (tenant_id, entry_id) SELECT $1, id FROM au
),
e AS (
    INSERT INTO domain_event (tenant_id, kind, entity, entity_id, payload, created_at, delivered_at)
    SELECT $1, r.kind, r.entity, r.entity_id, r.payload, $2, NULL
    FROM json_to_recordset($8::json) AS r(kind text, entity text, entity_id text,
        payload text, n bigint)
    ORDER BY r.n
)
SELECT 1
"#;

async fn write_postgres<C: ConnectionTrait>(
    tx: &C,
    tenant: TenantId,
    rows: BatchWrites,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let payments: Vec<Value> = rows
        .payments
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id.get(),
                "loan_id": p.loan_id.get(),
                "amount": p.amount,
                "paid_on": p.paid_on,
                "method": p.method,
                "reference": p.reference,
                "idempotency_key": p.idempotency_key,
                "request_hash": p.request_hash,
                "by_kind": p.registered_by.kind.as_str(),
                "by_id": p.registered_by.id,
                "by_label": p.registered_by.stored().label,
            })
        })
        .collect();
    let allocations: Vec<Value> = rows
        .allocations
        .iter()
        .map(|(payment, a)| {
            json!({
                "payment_id": payment.get(),
                "installment_id": a.installment_id,
                "installment_number": a.installment_number,
                "component": a.component,
                "amount": a.amount,
            })
        })
        .collect();
    let installments: Vec<Value> = rows
        .installments
        .iter()
        .map(|(id, p)| {
            json!({
                "id": id,
                "principal": p.principal,
                "interest": p.interest,
                "interest_iva": p.interest_iva,
                "late_fee": p.late_fee,
                "late_fee_iva": p.late_fee_iva,
            })
        })
        .collect();
    let loans: Vec<Value> = rows
        .loans
        .iter()
        .map(|l| {
            json!({
                "id": l.id.get(),
                "total_paid": l.balances.total_paid,
                "outstanding": l.balances.outstanding,
                "status": l.status,
                "paid_at": l.paid_at.map(micros),
            })
        })
        .collect();
    let audit: Vec<Value> = rows
        .audit
        .into_iter()
        .enumerate()
        .map(|(n, r)| {
            let (label, user_agent) = audit::clipped(&r);
            json!({
                "n": n,
                "actor_kind": r.actor.kind.as_str(),
                "actor_id": r.actor.id,
                "actor_label": label,
                "action": r.action,
                "entity": r.entity,
                "entity_id": r.entity_id,
                "ip": r.origin.ip,
                "user_agent": user_agent,
                "before_json": r.before.map(|v| v.to_string()),
                "after_json": r.after.map(|v| v.to_string()),
            })
        })
        .collect();
    let events: Vec<Value> = rows
        .events
        .into_iter()
        .enumerate()
        .map(|(n, e)| {
            json!({
                "n": n,
                "kind": e.kind.as_str(),
                "entity": e.entity,
                "entity_id": e.entity_id,
                "payload": e.payload.to_string(),
            })
        })
        .collect();
    let array = |rows: Vec<Value>| Value::Array(rows).to_string().into();
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        POSTGRES_BATCH,
        [
            tenant.get().into(),
            micros(now).into(),
            array(payments),
            array(allocations),
            array(installments),
            array(loans),
            array(audit),
            array(events),
        ],
    ))
    .await?;
    Ok(())
}
