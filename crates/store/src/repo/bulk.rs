//! Loading a portfolio at once: clients, disbursed loans and their installments, from rows the caller
//! has already validated (benchmarks seeding 100,000 loans, the period-cut benchmark, the legacy import).
//!
//! Every table is written in batches, one statement per batch, never a round trip per row. Ids are
//! reserved per batch before the insert, so a loan can name a client of the same load and the caller
//! gets every id back in input order without reading rows back: on PostgreSQL from each table's
//! sequence (safe beside other writers); on SQLite after the largest id, which is safe because a write
//! transaction holds the only writer; on MySQL/MariaDB after the largest id read with `FOR UPDATE`, where
//! a concurrent insert into the same table can at worst make the load fail on a duplicate key (it never
//! mixes rows). On PostgreSQL a batch is one `INSERT … SELECT FROM json_to_recordset($n)`: the statement
//! text does not change with the batch size, so the server plans it once per connection (the pattern
//! of the payment batch, `payment_batch.rs`); elsewhere a multi-row `INSERT` built by SeaQuery.
//!
//! [`totals`] reads a tenant's counts and sums back (a load checked, a benchmark's end check).
//!
//! A loan may come with the payments it received and their allocations (`payments.rs`), which must
//! add up to what its installments say was paid: a portfolio in arrears, as the period cut reads it,
//! has payments dated in the past, not only paid columns.
//!
//! What is not loaded here: reversals, audit entries and events. A load is one change made by whoever
//! runs it; the caller records it in the audit log as one entry if it should be.

use super::audit::Actor;
use super::clients::ClientFields;
use super::loans::Paid;
use super::micros;

mod check;
mod payments;
mod totals;
use crate::entities::{client, installment, loan};
use crate::{StoreError, WriteTx};
use check::{check, owned};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{ClientId, LoanId, TenantId};
use credinet_core::search::fold;
pub use payments::{BulkAllocation, BulkPayment};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, Statement};
use serde_json::{Value, json};
pub use totals::{Totals, totals};

/// Rows per statement. Under SQLite's 32,766 bound parameters (`loan` has 43 columns, `installment` 15,
/// `client` 12) and MySQL's 65,535; on PostgreSQL a batch is one JSON parameter of a few megabytes.
const CLIENT_BATCH: usize = 2_000;
const LOAN_BATCH: usize = 500;
const INSTALLMENT_BATCH: usize = 2_000;

/// Which client a loan belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientRef {
    /// The client at this index of [`Portfolio::clients`].
    Loaded(usize),
    /// A client already stored for the tenant.
    Stored(ClientId),
}

/// A disbursed loan as its row stands after disbursement and whatever was paid since, with its
/// schedule. Its lifecycle columns say it was submitted, approved and disbursed by `approved_by` at
/// `disbursed_at` (version 4, as the lifecycle leaves it); `total_due` and `total_paid` must be the sums
/// over its installments, which the load checks.
#[derive(Debug, Clone)]
pub struct BulkLoan {
    pub client: ClientRef,
    /// The human loan number, unique per tenant.
    pub number: String,
    pub product_id: i64,
    pub principal: i64,
    /// JSON snapshot of the product terms.
    pub terms: String,
    /// As the loan row stores it: `disbursed`, or `paid` with `paid_at`.
    pub status: String,
    pub approved_by: Actor,
    pub disbursed_at: DateTime<Utc>,
    /// Local date of disbursement in the tenant's zone.
    pub disbursed_on: NaiveDate,
    pub opening_commission: i64,
    pub commission_iva: i64,
    pub net_disbursed: i64,
    /// CAT percentage with one decimal, as text.
    pub cat: String,
    pub total_due: i64,
    pub total_paid: i64,
    pub paid_at: Option<DateTime<Utc>>,
    pub installments: Vec<BulkInstallment>,
    /// What the loan received, oldest first; their allocations must add up to the installments' paid
    /// amounts and their sum to `total_paid`. Empty when nothing was paid, or when the paid columns
    /// stand alone (a load that does not care which payments made them).
    pub payments: Vec<BulkPayment>,
}

/// One installment of a loaded loan: what is due (late fees included, if a cut charged any) and what
/// has been paid of each component. Centavos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulkInstallment {
    pub number: i32,
    pub due_date: NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub interest_iva: i64,
    pub late_fee: i64,
    pub late_fee_iva: i64,
    pub paid: Paid,
}

impl BulkInstallment {
    fn due(&self) -> i64 {
        self.principal + self.interest + self.interest_iva + self.late_fee + self.late_fee_iva
    }
}

impl Paid {
    fn total(&self) -> i64 {
        self.principal + self.interest + self.interest_iva + self.late_fee + self.late_fee_iva
    }
}

/// What one load writes for a tenant.
#[derive(Debug, Clone, Default)]
pub struct Portfolio {
    pub clients: Vec<ClientFields>,
    pub loans: Vec<BulkLoan>,
}

/// The ids given to the loaded rows, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Loaded {
    pub clients: Vec<ClientId>,
    pub loans: Vec<LoanId>,
    pub installments: u64,
    pub payments: u64,
    pub allocations: u64,
}

/// Writes `portfolio` for `tenant` inside `tx`, clients first, then loans, then installments. Nothing is
/// visible to others before `tx` commits; a failure leaves nothing once it rolls back. Refuses, before
/// writing anything, a loan whose cached totals disagree with its installments, that names a client
/// outside the load, or a client or product of another tenant.
pub async fn load(
    tx: &WriteTx,
    tenant: TenantId,
    portfolio: Portfolio,
    now: DateTime<Utc>,
) -> Result<Loaded, StoreError> {
    check(&portfolio)?;
    let stored_clients = portfolio.loans.iter().filter_map(|l| match l.client {
        ClientRef::Stored(id) => Some(id.get()),
        ClientRef::Loaded(_) => None,
    });
    owned(tx, tenant, "client", stored_clients).await?;
    owned(
        tx,
        tenant,
        "loan_product",
        portfolio.loans.iter().map(|l| l.product_id),
    )
    .await?;
    let now = micros(now);
    let Portfolio { clients, loans } = portfolio;
    let client_ids = insert_clients(tx, tenant, clients, now).await?;
    let client_of = |r: ClientRef| match r {
        ClientRef::Loaded(i) => client_ids[i].get(),
        ClientRef::Stored(id) => id.get(),
    };
    let mut loan_ids = Vec::with_capacity(loans.len());
    for chunk in loans.chunks(LOAN_BATCH) {
        let ids = reserve_ids(tx, "loan", chunk.len()).await?;
        insert_loans(tx, tenant, chunk, &ids, &client_of, now).await?;
        loan_ids.extend(ids.into_iter().map(LoanId::new));
    }
    // Installment ids are reserved, not left to the database, so that allocations can name them.
    let mut installments = 0;
    let mut pending = Vec::with_capacity(INSTALLMENT_BATCH);
    let mut installment_ids: Vec<Vec<i64>> = Vec::with_capacity(loans.len());
    for (l, id) in loans.iter().zip(&loan_ids) {
        installment_ids.push(Vec::with_capacity(l.installments.len()));
        for i in &l.installments {
            pending.push((*id, i, installment_ids.len() - 1));
            if pending.len() == INSTALLMENT_BATCH {
                installments +=
                    flush_installments(tx, tenant, &mut pending, &mut installment_ids).await?;
            }
        }
    }
    if !pending.is_empty() {
        installments += flush_installments(tx, tenant, &mut pending, &mut installment_ids).await?;
    }
    let written = payments::insert(tx, tenant, &loans, &loan_ids, &installment_ids).await?;
    Ok(Loaded {
        clients: client_ids,
        loans: loan_ids,
        installments,
        payments: written.payments,
        allocations: written.allocations,
    })
}

/// Inserts the pending installments with fresh ids and records each id under its loan's index.
async fn flush_installments(
    tx: &WriteTx,
    tenant: TenantId,
    pending: &mut Vec<(LoanId, &BulkInstallment, usize)>,
    ids_of_loan: &mut [Vec<i64>],
) -> Result<u64, StoreError> {
    let ids = reserve_ids(tx, "installment", pending.len()).await?;
    insert_installments(tx, tenant, pending, &ids).await?;
    for ((_, _, loan), id) in pending.iter().zip(&ids) {
        ids_of_loan[*loan].push(*id);
    }
    let n = pending.len() as u64;
    pending.clear();
    Ok(n)
}

/// `n` fresh ids of `table` (one of this module's tables, never user input).
pub(crate) async fn reserve_ids(
    tx: &WriteTx,
    table: &'static str,
    n: usize,
) -> Result<Vec<i64>, StoreError> {
    let backend = tx.get_database_backend();
    if backend == DbBackend::Postgres {
        let sql = format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) AS id FROM generate_series(1, $1)"
        );
        let rows = tx
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [(n as i64).into()],
            ))
            .await?;
        return Ok(rows
            .iter()
            .map(|r| r.try_get::<i64>("", "id"))
            .collect::<Result<_, _>>()?);
    }
    let lock = if backend == DbBackend::MySql {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}{lock}");
    let last = tx
        .query_one_raw(Statement::from_string(backend, sql))
        .await?
        .map(|r| r.try_get::<i64>("", "id"))
        .transpose()?
        .unwrap_or(0);
    Ok((1..=n as i64).map(|k| last + k).collect())
}

/// Runs one `INSERT … SELECT … FROM json_to_recordset(…)` with `$1` the tenant, then `params`, then
/// the rows as one JSON array.
pub(super) async fn insert_json(
    tx: &WriteTx,
    sql: &str,
    tenant: TenantId,
    params: Vec<sea_orm::Value>,
    rows: Vec<Value>,
) -> Result<(), StoreError> {
    let mut values = vec![tenant.get().into()];
    values.extend(params);
    values.push(Value::Array(rows).to_string().into());
    tx.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        sql,
        values,
    ))
    .await?;
    Ok(())
}

const POSTGRES_CLIENTS: &str = r#"
INSERT INTO client (id, tenant_id, full_name, search_name, phone, curp, rfc, birth_date, address, notes,
    pin_hash, created_at, updated_at)
SELECT r.id, $1, r.full_name, r.search_name, r.phone, r.curp, r.rfc, r.birth_date, r.address, r.notes,
    NULL, $2, $2
FROM json_to_recordset($3::json) AS r(id bigint, full_name text, search_name text, phone text, curp text,
    rfc text, birth_date date, address text, notes text)
"#;

async fn insert_clients(
    tx: &WriteTx,
    tenant: TenantId,
    clients: Vec<ClientFields>,
    now: DateTime<Utc>,
) -> Result<Vec<ClientId>, StoreError> {
    let mut out = Vec::with_capacity(clients.len());
    for chunk in clients.chunks(CLIENT_BATCH) {
        let ids = reserve_ids(tx, "client", chunk.len()).await?;
        if tx.get_database_backend() == DbBackend::Postgres {
            let rows = chunk
                .iter()
                .zip(&ids)
                .map(|(c, id)| {
                    json!({
                        "id": id, "full_name": c.full_name, "search_name": fold(&c.full_name),
                        "phone": c.phone, "curp": c.curp,
                        "rfc": c.rfc, "birth_date": c.birth_date, "address": c.address,
                        "notes": c.notes,
                    })
                })
                .collect();
            insert_json(tx, POSTGRES_CLIENTS, tenant, vec![now.into()], rows).await?;
        } else {
            let rows = chunk.iter().zip(&ids).map(|(c, id)| client::ActiveModel {
                id: Set(*id),
                tenant_id: Set(tenant.get()),
                full_name: Set(c.full_name.clone()),
                search_name: Set(fold(&c.full_name)),
                phone: Set(c.phone.clone()),
                curp: Set(c.curp.clone()),
                rfc: Set(c.rfc.clone()),
                birth_date: Set(c.birth_date),
                address: Set(c.address.clone()),
                notes: Set(c.notes.clone()),
                pin_hash: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
            });
            client::Entity::insert_many(rows)
                .exec_without_returning(tx)
                .await?;
        }
        out.extend(ids.into_iter().map(ClientId::new));
    }
    Ok(out)
}

/// The lifecycle columns a disbursed loan has; the rejection and write-off ones stay NULL.
const POSTGRES_LOANS: &str = r#"
INSERT INTO loan (id, tenant_id, number, client_id, product_id, principal, terms, status, version,
    submitted_by_kind, submitted_by_id, submitted_by_label,
    approved_by_kind, approved_by_id, approved_by_label,
    created_at, updated_at, submitted_at, approved_at, disbursed_at, paid_at, disbursed_on,
    opening_commission, commission_iva, net_disbursed, cat, total_due, total_paid, outstanding)
SELECT r.id, $1, r.number, r.client_id, r.product_id, r.principal, r.terms, r.status, 4,
    r.by_kind, r.by_id, r.by_label,
    r.by_kind, r.by_id, r.by_label,
    $2, $2, r.disbursed_at, r.disbursed_at, r.disbursed_at, r.paid_at, r.disbursed_on,
    r.opening_commission, r.commission_iva, r.net_disbursed, r.cat, r.total_due, r.total_paid,
    r.total_due - r.total_paid
FROM json_to_recordset($3::json) AS r(id bigint, number text, client_id bigint, product_id bigint,
    principal bigint, terms text, status text, by_kind text, by_id bigint, by_label text,
    disbursed_at timestamptz, paid_at timestamptz, disbursed_on date, opening_commission bigint,
    commission_iva bigint, net_disbursed bigint, cat text, total_due bigint, total_paid bigint)
"#;

async fn insert_loans(
    tx: &WriteTx,
    tenant: TenantId,
    chunk: &[BulkLoan],
    ids: &[i64],
    client_of: &impl Fn(ClientRef) -> i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if tx.get_database_backend() == DbBackend::Postgres {
        let rows = chunk
            .iter()
            .zip(ids)
            .map(|(l, id)| {
                json!({
                    "id": id, "number": l.number, "client_id": client_of(l.client),
                    "product_id": l.product_id, "principal": l.principal, "terms": l.terms,
                    "status": l.status, "by_kind": l.approved_by.kind.as_str(), "by_id": l.approved_by.id,
                    "by_label": l.approved_by.label, "disbursed_at": micros(l.disbursed_at),
                    "paid_at": l.paid_at.map(micros), "disbursed_on": l.disbursed_on,
                    "opening_commission": l.opening_commission,
                    "commission_iva": l.commission_iva, "net_disbursed": l.net_disbursed,
                    "cat": l.cat, "total_due": l.total_due, "total_paid": l.total_paid,
                })
            })
            .collect();
        return insert_json(tx, POSTGRES_LOANS, tenant, vec![now.into()], rows).await;
    }
    let rows = chunk.iter().zip(ids).map(|(l, id)| {
        let at = Set(Some(micros(l.disbursed_at)));
        let by = &l.approved_by;
        loan::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant.get()),
            number: Set(l.number.clone()),
            client_id: Set(client_of(l.client)),
            product_id: Set(l.product_id),
            principal: Set(l.principal),
            terms: Set(Some(l.terms.clone())),
            status: Set(l.status.clone()),
            version: Set(4),
            submitted_by_kind: Set(Some(by.kind.as_str().to_string())),
            submitted_by_id: Set(by.id),
            submitted_by_label: Set(Some(by.label.clone())),
            approved_by_kind: Set(Some(by.kind.as_str().to_string())),
            approved_by_id: Set(by.id),
            approved_by_label: Set(Some(by.label.clone())),
            rejected_by_kind: Set(None),
            rejected_by_id: Set(None),
            rejected_by_label: Set(None),
            written_off_by_kind: Set(None),
            written_off_by_id: Set(None),
            written_off_by_label: Set(None),
            rejection_reason: Set(None),
            write_off_reason: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            submitted_at: at.clone(),
            approved_at: at.clone(),
            rejected_at: Set(None),
            disbursed_at: at,
            paid_at: Set(l.paid_at.map(micros)),
            written_off_at: Set(None),
            disbursed_on: Set(Some(l.disbursed_on)),
            opening_commission: Set(Some(l.opening_commission)),
            commission_iva: Set(Some(l.commission_iva)),
            net_disbursed: Set(Some(l.net_disbursed)),
            cat: Set(Some(l.cat.clone())),
            total_due: Set(l.total_due),
            total_paid: Set(l.total_paid),
            outstanding: Set(l.total_due - l.total_paid),
        }
    });
    loan::Entity::insert_many(rows)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

const POSTGRES_INSTALLMENTS: &str = r#"
INSERT INTO installment (id, tenant_id, loan_id, number, due_date, principal, interest, interest_iva,
    late_fee, late_fee_iva, paid_principal, paid_interest, paid_interest_iva, paid_late_fee,
    paid_late_fee_iva)
SELECT r.id, $1, r.loan_id, r.number, r.due_date, r.principal, r.interest, r.interest_iva, r.late_fee,
    r.late_fee_iva, r.paid_principal, r.paid_interest, r.paid_interest_iva, r.paid_late_fee,
    r.paid_late_fee_iva
FROM json_to_recordset($2::json) AS r(id bigint, loan_id bigint, number integer, due_date date,
    principal bigint, interest bigint, interest_iva bigint, late_fee bigint, late_fee_iva bigint,
    paid_principal bigint, paid_interest bigint, paid_interest_iva bigint, paid_late_fee bigint,
    paid_late_fee_iva bigint)
"#;

async fn insert_installments(
    tx: &WriteTx,
    tenant: TenantId,
    rows: &[(LoanId, &BulkInstallment, usize)],
    ids: &[i64],
) -> Result<(), StoreError> {
    if tx.get_database_backend() == DbBackend::Postgres {
        let rows = rows
            .iter()
            .zip(ids)
            .map(|((loan, i, _), id)| {
                json!({
                    "id": id, "loan_id": loan.get(), "number": i.number, "due_date": i.due_date,
                    "principal": i.principal, "interest": i.interest,
                    "interest_iva": i.interest_iva, "late_fee": i.late_fee,
                    "late_fee_iva": i.late_fee_iva, "paid_principal": i.paid.principal,
                    "paid_interest": i.paid.interest, "paid_interest_iva": i.paid.interest_iva,
                    "paid_late_fee": i.paid.late_fee, "paid_late_fee_iva": i.paid.late_fee_iva,
                })
            })
            .collect();
        return insert_json(tx, POSTGRES_INSTALLMENTS, tenant, vec![], rows).await;
    }
    let models = rows
        .iter()
        .zip(ids)
        .map(|((loan, i, _), id)| installment::ActiveModel {
            id: Set(*id),
            tenant_id: Set(tenant.get()),
            loan_id: Set(loan.get()),
            number: Set(i.number),
            due_date: Set(i.due_date),
            principal: Set(i.principal),
            interest: Set(i.interest),
            interest_iva: Set(i.interest_iva),
            late_fee: Set(i.late_fee),
            late_fee_iva: Set(i.late_fee_iva),
            paid_principal: Set(i.paid.principal),
            paid_interest: Set(i.paid.interest),
            paid_interest_iva: Set(i.paid.interest_iva),
            paid_late_fee: Set(i.paid.late_fee),
            paid_late_fee_iva: Set(i.paid.late_fee_iva),
        });
    installment::Entity::insert_many(models)
        .exec_without_returning(tx)
        .await?;
    Ok(())
}

/// PostgreSQL only: statistics for the tables a load just filled, as autovacuum would gather them after
/// a bulk load; a no-op elsewhere (SQLite plans without statistics, see `repo::tenant_is`). The payment
/// tables only when the load filled them: analysing them still empty would record them as empty, and
/// with autovacuum off (as on the benchmark machine) nothing corrects that while they grow — the plans
/// PostgreSQL caches for its foreign-key checks then scan `payment` sequentially for every allocation
/// (docs/benchmarks.md, "Statistics after a bulk load": 0.5 ms per row, half of all database time).
pub async fn analyze_loaded<C: ConnectionTrait>(db: &C) -> Result<(), StoreError> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    db.execute_unprepared("ANALYZE client, loan, installment")
        .await?;
    let paid = db
        .query_one_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT EXISTS (SELECT 1 FROM payment) AS any",
        ))
        .await?
        .map(|r| r.try_get::<bool>("", "any"))
        .transpose()?
        .unwrap_or(false);
    if paid {
        db.execute_unprepared("ANALYZE payment, payment_allocation")
            .await?;
    }
    Ok(())
}
