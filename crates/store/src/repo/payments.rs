//! Payments of a tenant's loans, their allocations and their reversals.

use super::audit::Actor;
use super::micros;
use crate::StoreError;
use crate::entities::{payment, payment_allocation, payment_reversal};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{LoanId, PaymentId, TenantId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

#[derive(Debug, Clone)]
pub struct NewPayment {
    pub loan_id: LoanId,
    pub amount: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
    pub registered_by: Actor,
}

/// Inserts a payment and returns its id. A duplicate idempotency key of the tenant fails with a unique
/// violation (see [`StoreError::is_unique_violation`]): the caller rolls back and reads the first payment.
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    new: NewPayment,
    now: DateTime<Utc>,
) -> Result<PaymentId, StoreError> {
    let row = payment_model(tenant, NotSet, new, micros(now));
    // `exec` gives the new id without reading the row back (MySQL would need a second query).
    let done = payment::Entity::insert(row).exec(db).await?;
    Ok(PaymentId::new(done.last_insert_id))
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: PaymentId,
) -> Result<Option<payment::Model>, StoreError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::Id.eq(id.get()))
        .one(db)
        .await?)
}

pub async fn by_idempotency_key<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    key: &str,
) -> Result<Option<payment::Model>, StoreError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?)
}

/// One slice of a payment to store.
#[derive(Debug, Clone)]
pub struct NewAllocation {
    pub installment_id: i64,
    pub installment_number: i32,
    pub component: String,
    pub amount: i64,
}

/// Stores a payment's allocations in one statement.
pub async fn insert_allocations<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    payment: PaymentId,
    rows: Vec<NewAllocation>,
) -> Result<(), StoreError> {
    let rows = rows.into_iter().map(|a| (payment, a)).collect();
    insert_allocations_many(db, tenant, rows).await
}

pub async fn allocations<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    payment: PaymentId,
) -> Result<Vec<payment_allocation::Model>, StoreError> {
    Ok(payment_allocation::Entity::find()
        .filter(payment_allocation::Column::TenantId.eq(tenant.get()))
        .filter(payment_allocation::Column::PaymentId.eq(payment.get()))
        .order_by_asc(payment_allocation::Column::Id)
        .all(db)
        .await?)
}

/// Allocations of several payments (e.g. all of one loan's), for checks and statements.
pub async fn allocations_of<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    payments: &[i64],
) -> Result<Vec<payment_allocation::Model>, StoreError> {
    let mut out = Vec::new();
    for chunk in payments.chunks(500) {
        out.extend(
            payment_allocation::Entity::find()
                .filter(payment_allocation::Column::TenantId.eq(tenant.get()))
                .filter(payment_allocation::Column::PaymentId.is_in(chunk.iter().copied()))
                .order_by_asc(payment_allocation::Column::Id)
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

#[derive(Debug, Clone)]
pub struct NewReversal {
    pub payment_id: PaymentId,
    pub loan_id: LoanId,
    pub amount: i64,
    pub reversed_on: NaiveDate,
    pub reason: String,
    pub reversed_by: Actor,
}

/// Records a reversal and marks its payment reversed. A second reversal of the same payment fails with a
/// unique violation.
pub async fn insert_reversal<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    new: NewReversal,
    now: DateTime<Utc>,
) -> Result<payment_reversal::Model, StoreError> {
    let row = payment_reversal::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        payment_id: Set(new.payment_id.get()),
        loan_id: Set(new.loan_id.get()),
        amount: Set(new.amount),
        reversed_on: Set(new.reversed_on),
        reason: Set(new.reason),
        reversed_by_kind: Set(Some(new.reversed_by.kind.as_str().to_string())),
        reversed_by_id: Set(new.reversed_by.id),
        reversed_by_label: Set(Some(new.reversed_by.stored().label)),
        created_at: Set(micros(now)),
    };
    let done = payment_reversal::Entity::insert(row.clone())
        .exec(db)
        .await?;
    payment::Entity::update_many()
        .col_expr(payment::Column::Reversed, true.into())
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::Id.eq(new.payment_id.get()))
        .exec(db)
        .await?;
    payment_reversal::Entity::find_by_id(done.last_insert_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::Corrupt("a reversal vanished after insert".into()))
}

pub async fn reversal_of<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    payment: PaymentId,
) -> Result<Option<payment_reversal::Model>, StoreError> {
    Ok(payment_reversal::Entity::find()
        .filter(payment_reversal::Column::TenantId.eq(tenant.get()))
        .filter(payment_reversal::Column::PaymentId.eq(payment.get()))
        .one(db)
        .await?)
}

/// The reversals of several payments, in one query.
pub async fn reversals_of<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    payments: &[i64],
) -> Result<Vec<payment_reversal::Model>, StoreError> {
    if payments.is_empty() {
        return Ok(Vec::new());
    }
    Ok(payment_reversal::Entity::find()
        .filter(super::tenant_is(payment_reversal::Column::TenantId, tenant))
        .filter(payment_reversal::Column::PaymentId.is_in(payments.iter().copied()))
        .all(db)
        .await?)
}

/// How to narrow a list of payments.
#[derive(Debug, Clone, Default)]
pub struct PaymentQuery {
    pub loan: Option<LoanId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_reversed: bool,
    /// Registered by this actor (kind as stored, id): a cashier's payments.
    pub registered_by: Option<(String, i64)>,
    /// Of this method as stored (`cash`…).
    pub method: Option<String>,
    pub offset: u64,
    pub limit: u64,
}

/// The payments a query names, without paging.
fn matching(tenant: TenantId, query: &PaymentQuery) -> sea_orm::Select<payment::Entity> {
    let mut select = payment::Entity::find().filter(payment::Column::TenantId.eq(tenant.get()));
    if let Some(loan) = query.loan {
        select = select.filter(payment::Column::LoanId.eq(loan.get()));
    }
    if let Some(from) = query.from {
        select = select.filter(payment::Column::PaidOn.gte(from));
    }
    if let Some(to) = query.to {
        select = select.filter(payment::Column::PaidOn.lte(to));
    }
    if !query.include_reversed {
        select = select.filter(payment::Column::Reversed.eq(false));
    }
    if let Some((kind, id)) = &query.registered_by {
        select = select
            .filter(payment::Column::RegisteredByKind.eq(kind.as_str()))
            .filter(payment::Column::RegisteredById.eq(*id));
    }
    if let Some(method) = &query.method {
        select = select.filter(payment::Column::Method.eq(method.as_str()));
    }
    select
}

/// One page of the tenant's payments, newest first, and how many match in all.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    query: &PaymentQuery,
) -> Result<(Vec<payment::Model>, u64), StoreError> {
    let select = matching(tenant, query);
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(payment::Column::PaidOn)
        .order_by_desc(payment::Column::Id)
        .offset(query.offset)
        .limit(query.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// Payments not reversed among those a query names (paging aside), per method: how many and how much
/// (centavos), in one statement — the cash count of a day (corte de caja).
pub async fn applied_by_method<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    query: &PaymentQuery,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    use sea_orm::sea_query::{Alias, Expr, Func};
    let b = db.get_database_backend();
    let count: Expr = Func::cast_as(
        Func::count(Expr::col(payment::Column::Id)),
        Alias::new(if b == sea_orm::DbBackend::MySql {
            "SIGNED"
        } else {
            "BIGINT"
        }),
    )
    .into();
    let rows: Vec<(String, i64, i64)> = matching(tenant, query)
        .filter(payment::Column::Reversed.eq(false))
        .select_only()
        .column(payment::Column::Method)
        .column_as(count, "payments")
        .column_as(
            super::portfolio::summed(b, Expr::col(payment::Column::Amount)),
            "amount",
        )
        .group_by(payment::Column::Method)
        .order_by_asc(payment::Column::Method)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows)
}

/// Where a payment stands among its loan's payments (1 for the first): a loan's payments are
/// registered one at a time under the loan's row lock, so their ids grow in the order they were made
/// and a payment's place never changes (none is ever deleted).
pub async fn place_in_loan<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
    payment: PaymentId,
) -> Result<u64, StoreError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::LoanId.eq(loan.get()))
        .filter(payment::Column::Id.lte(payment.get()))
        .count(db)
        .await?)
}

/// Every payment of one loan, oldest first.
pub async fn of_loan<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
) -> Result<Vec<payment::Model>, StoreError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::LoanId.eq(loan.get()))
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?)
}

/// `n` fresh payment ids, for a batch that must know them before inserting (its allocations, audit
/// entries and events refer to them). PostgreSQL takes them from the column's sequence; SQLite, where
/// this runs inside the single writer's transaction, continues after the largest id. MySQL has no
/// batch path.
pub async fn reserve_ids<C: ConnectionTrait>(db: &C, n: usize) -> Result<Vec<i64>, StoreError> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    match backend {
        DbBackend::Postgres => {
            let sql = "SELECT nextval(pg_get_serial_sequence('payment', 'id')) AS id FROM generate_series(1, $1)";
            let rows = db
                .query_all_raw(Statement::from_sql_and_values(
                    backend,
                    sql,
                    [(n as i64).into()],
                ))
                .await?;
            Ok(rows
                .iter()
                .map(|r| r.try_get::<i64>("", "id"))
                .collect::<Result<_, _>>()?)
        }
        DbBackend::Sqlite => {
            let sql = "SELECT COALESCE(MAX(id), 0) AS id FROM payment";
            let row = db
                .query_one_raw(Statement::from_string(backend, sql))
                .await?;
            let last = row
                .map(|r| r.try_get::<i64>("", "id"))
                .transpose()?
                .unwrap_or(0);
            Ok((1..=n as i64).map(|k| last + k).collect())
        }
        _ => Err(StoreError::Corrupt(
            "payment batches are not supported on this backend".into(),
        )),
    }
}

fn payment_model(
    tenant: TenantId,
    id: sea_orm::ActiveValue<i64>,
    new: NewPayment,
    created_at: DateTime<Utc>,
) -> payment::ActiveModel {
    payment::ActiveModel {
        id,
        tenant_id: Set(tenant.get()),
        loan_id: Set(new.loan_id.get()),
        amount: Set(new.amount),
        paid_on: Set(new.paid_on),
        method: Set(new.method),
        reference: Set(new.reference),
        idempotency_key: Set(new.idempotency_key),
        request_hash: Set(new.request_hash),
        registered_by_kind: Set(Some(new.registered_by.kind.as_str().to_string())),
        registered_by_id: Set(new.registered_by.id),
        registered_by_label: Set(Some(new.registered_by.stored().label)),
        created_at: Set(created_at),
        reversed: Set(false),
    }
}

/// Inserts payments with ids from [`reserve_ids`] in one statement.
pub async fn insert_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    rows: Vec<(PaymentId, NewPayment)>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let now = micros(now);
    let models = rows
        .into_iter()
        .map(|(id, new)| payment_model(tenant, Set(id.get()), new, now));
    payment::Entity::insert_many(models)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts the allocations of several payments in one statement.
pub async fn insert_allocations_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    rows: Vec<(PaymentId, NewAllocation)>,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let models = rows
        .into_iter()
        .map(|(payment, a)| payment_allocation::ActiveModel {
            id: NotSet,
            tenant_id: Set(tenant.get()),
            payment_id: Set(payment.get()),
            installment_id: Set(a.installment_id),
            installment_number: Set(a.installment_number),
            component: Set(a.component),
            amount: Set(a.amount),
        });
    payment_allocation::Entity::insert_many(models)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
