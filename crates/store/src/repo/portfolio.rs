//! Aggregates for dashboards and reports: set-based statements, one round trip each, scoped by tenant.

use crate::StoreError;
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use sea_orm::{ConnectionTrait, DbBackend, Statement, Value};

/// Loans of one status: how many, their principal and what is still owed on them (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusTotals {
    pub status: String,
    pub loans: i64,
    pub principal: i64,
    pub outstanding: i64,
}

/// An amount per local date (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayAmount {
    pub day: NaiveDate,
    pub amount: i64,
}

/// `SUM` of a BIGINT column read back as a 64-bit integer: PostgreSQL sums into NUMERIC and MySQL into
/// DECIMAL, so the result is cast back on those backends.
fn sum(backend: DbBackend, expr: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(COALESCE(SUM({expr}), 0) AS BIGINT)"),
        DbBackend::MySql => format!("CAST(COALESCE(SUM({expr}), 0) AS SIGNED)"),
        _ => format!("COALESCE(SUM({expr}), 0)"),
    }
}

/// Placeholders differ per backend: `$1` on PostgreSQL, `?` elsewhere.
fn params(backend: DbBackend, n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| {
            if backend == DbBackend::Postgres {
                format!("${i}")
            } else {
                "?".to_string()
            }
        })
        .collect()
}

pub async fn by_status<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
) -> Result<Vec<StatusTotals>, StoreError> {
    let b = db.get_database_backend();
    let p = params(b, 1);
    let sql = format!(
        "SELECT status, COUNT(*) AS loans, {} AS principal, {} AS outstanding FROM loan WHERE tenant_id = {} \
         GROUP BY status",
        sum(b, "principal"),
        sum(b, "outstanding"),
        p[0]
    );
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            b,
            sql,
            [Value::from(tenant.get())],
        ))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StatusTotals {
                status: r.try_get("", "status")?,
                loans: r.try_get("", "loans")?,
                principal: r.try_get("", "principal")?,
                outstanding: r.try_get("", "outstanding")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// Money collected per local date in `[from, to]`: payments not reversed.
pub async fn collected_by_day<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, StoreError> {
    let b = db.get_database_backend();
    let p = params(b, 3);
    let sql = format!(
        "SELECT paid_on AS day, {} AS amount FROM payment WHERE tenant_id = {} AND paid_on >= {} AND paid_on <= {} \
         AND reversed = {} GROUP BY paid_on ORDER BY paid_on",
        sum(b, "amount"),
        p[0],
        p[1],
        p[2],
        if b == DbBackend::Postgres {
            "FALSE"
        } else {
            "0"
        }
    );
    day_amounts(db, b, sql, tenant, from, to).await
}

/// What fell due per local date in `[from, to]` on loans that are disbursed, paid or written off.
pub async fn due_by_day<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, StoreError> {
    let b = db.get_database_backend();
    let p = params(b, 3);
    let sql = format!(
        "SELECT i.due_date AS day, {} AS amount FROM installment i JOIN loan l ON l.id = i.loan_id AND l.tenant_id = i.tenant_id \
         WHERE i.tenant_id = {} AND i.due_date >= {} AND i.due_date <= {} \
         AND l.status IN ('disbursed', 'paid', 'written_off') GROUP BY i.due_date ORDER BY i.due_date",
        sum(
            b,
            "i.principal + i.interest + i.interest_iva + i.late_fee + i.late_fee_iva"
        ),
        p[0],
        p[1],
        p[2]
    );
    day_amounts(db, b, sql, tenant, from, to).await
}

async fn day_amounts<C: ConnectionTrait>(
    db: &C,
    b: DbBackend,
    sql: String,
    tenant: TenantId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, StoreError> {
    let values = [
        Value::from(tenant.get()),
        Value::from(from),
        Value::from(to),
    ];
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(b, sql, values))
        .await?;
    rows.iter()
        .map(|r| {
            Ok(DayAmount {
                day: r.try_get("", "day")?,
                amount: r.try_get("", "amount")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}
