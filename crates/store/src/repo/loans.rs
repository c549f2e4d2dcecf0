//! Loans of a tenant and their installments.

use super::{micros, tenant_is};
use crate::StoreError;
use crate::entities::{installment, loan};
use chrono::{DateTime, Utc};
use credinet_core::ids::{ClientId, LoanId, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A new draft loan.
#[derive(Debug, Clone)]
pub struct NewLoan {
    pub number: String,
    pub client_id: i64,
    pub product_id: i64,
    pub principal: i64,
    /// JSON snapshot of the product terms.
    pub terms: String,
}

pub async fn insert_draft<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    new: NewLoan,
    now: DateTime<Utc>,
) -> Result<loan::Model, StoreError> {
    let now = micros(now);
    Ok(loan::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        number: Set(new.number),
        client_id: Set(new.client_id),
        product_id: Set(new.product_id),
        principal: Set(new.principal),
        terms: Set(Some(new.terms)),
        status: Set("draft".into()),
        version: Set(1),
        submitted_by_kind: Set(None),
        submitted_by_id: Set(None),
        submitted_by_label: Set(None),
        approved_by_kind: Set(None),
        approved_by_id: Set(None),
        approved_by_label: Set(None),
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
        submitted_at: Set(None),
        approved_at: Set(None),
        rejected_at: Set(None),
        disbursed_at: Set(None),
        paid_at: Set(None),
        written_off_at: Set(None),
        disbursed_on: Set(None),
        opening_commission: Set(None),
        commission_iva: Set(None),
        net_disbursed: Set(None),
        cat: Set(None),
        total_due: Set(0),
        total_paid: Set(0),
        outstanding: Set(0),
    }
    .insert(db)
    .await?)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: LoanId,
) -> Result<Option<loan::Model>, StoreError> {
    Ok(loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Id.eq(id.get()))
        .one(db)
        .await?)
}

/// The loan row locked for the rest of the transaction (`FOR UPDATE` on PostgreSQL and MySQL; on SQLite
/// the `BEGIN IMMEDIATE` of [`Store::write`](crate::Store::write) already holds the only write lock).
/// Every read-modify-write of a loan's balances starts here, so concurrent writers queue on this row and
/// always take locks in the same order: loan first, then its installments.
pub async fn get_locked<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: LoanId,
) -> Result<Option<loan::Model>, StoreError> {
    Ok(loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Id.eq(id.get()))
        .lock_exclusive()
        .one(db)
        .await?)
}

pub async fn by_number<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    number: &str,
) -> Result<Option<loan::Model>, StoreError> {
    Ok(loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Number.eq(number.trim()))
        .one(db)
        .await?)
}

/// Writes every column of `row` (a lifecycle transition), bumping its version. The row must belong to
/// `tenant`; a row of another tenant is not touched and reported as not found.
pub async fn save<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    mut row: loan::Model,
    now: DateTime<Utc>,
) -> Result<loan::Model, StoreError> {
    if row.tenant_id != tenant.get() {
        return Err(StoreError::NotFound(format!("loan {}", row.id)));
    }
    row.version += 1;
    row.updated_at = micros(now);
    let mut active = row.clone().into_active_model().reset_all();
    active.id = sea_orm::ActiveValue::Unchanged(row.id);
    let done = loan::Entity::update_many()
        .set(active)
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    if done.rows_affected == 0 {
        return Err(StoreError::NotFound(format!("loan {}", row.id)));
    }
    Ok(row)
}

/// The cached balances after a payment or reversal: one statement on the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balances {
    pub total_paid: i64,
    pub outstanding: i64,
}

pub async fn set_balances<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: LoanId,
    balances: Balances,
    status: &str,
    paid_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    loan::Entity::update_many()
        .col_expr(loan::Column::TotalPaid, balances.total_paid.into())
        .col_expr(loan::Column::Outstanding, balances.outstanding.into())
        .col_expr(loan::Column::Status, status.into())
        .col_expr(loan::Column::PaidAt, paid_at.map(micros).into())
        .col_expr(
            loan::Column::Version,
            Expr::col(loan::Column::Version).add(1),
        )
        .col_expr(loan::Column::UpdatedAt, micros(now).into())
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Id.eq(id.get()))
        .exec(db)
        .await?;
    Ok(())
}

/// How to narrow a list of loans.
#[derive(Debug, Clone, Default)]
pub struct LoanQuery {
    pub statuses: Vec<String>,
    pub client: Option<ClientId>,
    pub offset: u64,
    pub limit: u64,
}

/// One page of the tenant's loans, newest first, and how many match in all.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    query: &LoanQuery,
) -> Result<(Vec<loan::Model>, u64), StoreError> {
    let mut select = loan::Entity::find().filter(loan::Column::TenantId.eq(tenant.get()));
    if !query.statuses.is_empty() {
        select = select.filter(loan::Column::Status.is_in(query.statuses.iter().cloned()));
    }
    if let Some(client) = query.client {
        select = select.filter(loan::Column::ClientId.eq(client.get()));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(loan::Column::Id)
        .offset(query.offset)
        .limit(query.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The ids of the tenant's loans in `status`, newest first: what a list sorted or filtered by something
/// computed outside SQL (arrears) pages through.
pub async fn ids_with_status<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    status: &str,
) -> Result<Vec<i64>, StoreError> {
    Ok(loan::Entity::find()
        .select_only()
        .column(loan::Column::Id)
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::Status.eq(status))
        .order_by_desc(loan::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Loans of the tenant by id (one page of a list: a few dozen), in no particular order.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<loan::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(loan::Entity::find()
        .filter(tenant_is(loan::Column::TenantId, tenant))
        .filter(loan::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// A client's loans in `statuses`, oldest first, at most `limit`: one query, no count (the assistant's
/// answer about a borrower's own loans).
pub async fn of_client<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    client: ClientId,
    statuses: &[&str],
    limit: u64,
) -> Result<Vec<loan::Model>, StoreError> {
    Ok(loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .filter(loan::Column::ClientId.eq(client.get()))
        .filter(loan::Column::Status.is_in(statuses.iter().copied()))
        .order_by_asc(loan::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

pub async fn count<C: ConnectionTrait>(db: &C, tenant: TenantId) -> Result<u64, StoreError> {
    Ok(loan::Entity::find()
        .filter(loan::Column::TenantId.eq(tenant.get()))
        .count(db)
        .await?)
}

/// One scheduled installment to store.
#[derive(Debug, Clone, Copy)]
pub struct NewInstallment {
    pub number: i32,
    pub due_date: chrono::NaiveDate,
    pub principal: i64,
    pub interest: i64,
    pub interest_iva: i64,
}

/// Stores a loan's schedule in batches (one statement per 500 rows).
pub async fn insert_installments<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
    rows: &[NewInstallment],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(500) {
        let models = chunk.iter().map(|r| installment::ActiveModel {
            id: NotSet,
            tenant_id: Set(tenant.get()),
            loan_id: Set(loan.get()),
            number: Set(r.number),
            due_date: Set(r.due_date),
            principal: Set(r.principal),
            interest: Set(r.interest),
            interest_iva: Set(r.interest_iva),
            late_fee: Set(0),
            late_fee_iva: Set(0),
            paid_principal: Set(0),
            paid_interest: Set(0),
            paid_interest_iva: Set(0),
            paid_late_fee: Set(0),
            paid_late_fee_iva: Set(0),
        });
        installment::Entity::insert_many(models)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// A loan's installments in order.
pub async fn installments<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
) -> Result<Vec<installment::Model>, StoreError> {
    Ok(installment::Entity::find()
        .filter(installment::Column::TenantId.eq(tenant.get()))
        .filter(installment::Column::LoanId.eq(loan.get()))
        .order_by_asc(installment::Column::Number)
        .all(db)
        .await?)
}

/// What has been paid of each component of one installment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paid {
    pub principal: i64,
    pub interest: i64,
    pub interest_iva: i64,
    pub late_fee: i64,
    pub late_fee_iva: i64,
}

/// Sets the paid amounts of the installments a payment or reversal touched (and only those).
pub async fn set_paid<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loan: LoanId,
    changes: &[(i64, Paid)],
) -> Result<(), StoreError> {
    for (id, paid) in changes {
        installment::Entity::update_many()
            .col_expr(installment::Column::PaidPrincipal, paid.principal.into())
            .col_expr(installment::Column::PaidInterest, paid.interest.into())
            .col_expr(
                installment::Column::PaidInterestIva,
                paid.interest_iva.into(),
            )
            .col_expr(installment::Column::PaidLateFee, paid.late_fee.into())
            .col_expr(
                installment::Column::PaidLateFeeIva,
                paid.late_fee_iva.into(),
            )
            .filter(installment::Column::TenantId.eq(tenant.get()))
            .filter(installment::Column::LoanId.eq(loan.get()))
            .filter(installment::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Several loans of the tenant, locked for update, in id order: batches lock in one order, so two
/// batches never deadlock. (On SQLite the writer connection is the lock.)
pub async fn get_locked_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    ids: &[LoanId],
) -> Result<Vec<loan::Model>, StoreError> {
    Ok(loan::Entity::find()
        .filter(tenant_is(loan::Column::TenantId, tenant))
        .filter(loan::Column::Id.is_in(ids.iter().map(|id| id.get())))
        .order_by_asc(loan::Column::Id)
        .lock_exclusive()
        .all(db)
        .await?)
}

/// The installments of several loans, by loan and number.
pub async fn installments_of<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loans: &[LoanId],
) -> Result<Vec<installment::Model>, StoreError> {
    Ok(installment::Entity::find()
        .filter(installment::Column::TenantId.eq(tenant.get()))
        .filter(installment::Column::LoanId.is_in(loans.iter().map(|id| id.get())))
        .order_by_asc(installment::Column::LoanId)
        .order_by_asc(installment::Column::Number)
        .all(db)
        .await?)
}

/// `CASE id WHEN … THEN … END` over `rows`, for one-statement updates of many rows.
fn case_by_id<T: Into<sea_orm::Value> + Clone>(
    column: impl sea_orm::sea_query::IntoColumnRef + Copy,
    rows: impl Iterator<Item = (i64, T)>,
) -> Expr {
    let mut case = sea_orm::sea_query::CaseStatement::new();
    for (id, value) in rows {
        case = case.case(Expr::col(column).eq(id), Expr::val(value));
    }
    case.into()
}

/// Sets the paid amounts of many installments (of any loans of the tenant) in one statement.
pub async fn set_paid_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    changes: &[(i64, Paid)],
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let id = installment::Column::Id;
    let each = |f: fn(&Paid) -> i64| case_by_id(id, changes.iter().map(move |(i, p)| (*i, f(p))));
    installment::Entity::update_many()
        .col_expr(installment::Column::PaidPrincipal, each(|p| p.principal))
        .col_expr(installment::Column::PaidInterest, each(|p| p.interest))
        .col_expr(
            installment::Column::PaidInterestIva,
            each(|p| p.interest_iva),
        )
        .col_expr(installment::Column::PaidLateFee, each(|p| p.late_fee))
        .col_expr(
            installment::Column::PaidLateFeeIva,
            each(|p| p.late_fee_iva),
        )
        .filter(tenant_is(installment::Column::TenantId, tenant))
        .filter(installment::Column::Id.is_in(changes.iter().map(|(i, _)| *i)))
        .exec(db)
        .await?;
    Ok(())
}

/// A loan's balances and status after a batch.
#[derive(Debug, Clone)]
pub struct LoanBalances {
    pub id: LoanId,
    pub balances: Balances,
    pub status: String,
    pub paid_at: Option<DateTime<Utc>>,
}

/// Sets the balances and status of many loans in one statement.
pub async fn set_balances_many<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    loans: &[LoanBalances],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    if loans.is_empty() {
        return Ok(());
    }
    let id = loan::Column::Id;
    let rows = || loans.iter().map(|l| (l.id.get(), l));
    loan::Entity::update_many()
        .col_expr(
            loan::Column::TotalPaid,
            case_by_id(id, rows().map(|(i, l)| (i, l.balances.total_paid))),
        )
        .col_expr(
            loan::Column::Outstanding,
            case_by_id(id, rows().map(|(i, l)| (i, l.balances.outstanding))),
        )
        .col_expr(
            loan::Column::Status,
            case_by_id(id, rows().map(|(i, l)| (i, l.status.clone()))),
        )
        .col_expr(
            loan::Column::PaidAt,
            case_by_id(id, rows().map(|(i, l)| (i, l.paid_at.map(micros)))),
        )
        .col_expr(
            loan::Column::Version,
            Expr::col(loan::Column::Version).add(1),
        )
        .col_expr(loan::Column::UpdatedAt, micros(now).into())
        .filter(tenant_is(loan::Column::TenantId, tenant))
        .filter(loan::Column::Id.is_in(loans.iter().map(|l| l.id.get())))
        .exec(db)
        .await?;
    Ok(())
}
