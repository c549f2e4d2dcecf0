//! What active loans still owe on installments already due, read set-based for the arrears the loans
//! list and the dashboard show between cuts (the rule itself is `core::lending::delinquency`).

use super::installment_sums::{col, of_loans, owed};
use super::portfolio::summed;
use crate::StoreError;
use crate::entities::installment;
use chrono::NaiveDate;
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use sea_orm::{ConnectionTrait, QueryResult};

/// One installment of a disbursed loan with something still owed (centavos).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwedInstallment {
    pub loan_id: i64,
    pub due_date: NaiveDate,
    pub owed: i64,
}

/// Installments of the tenant's disbursed loans, joined on the loan of the same tenant.
fn of_active_loans(tenant: TenantId) -> SelectStatement {
    of_loans(tenant, &["disbursed"])
}

/// The installments of disbursed loans still owed whose *nominal* due date is before `before`, by loan
/// and due date; only of `loans` when given. A weekend or holiday can only move a due date later, so
/// every installment the cut's rule finds overdue on `before` is among these.
pub async fn owed_due_before<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    before: NaiveDate,
    loans: Option<&[i64]>,
) -> Result<Vec<OwedInstallment>, StoreError> {
    if loans.is_some_and(|l| l.is_empty()) {
        return Ok(Vec::new());
    }
    let mut select = of_active_loans(tenant)
        .expr_as(col(installment::Column::LoanId), Alias::new("loan_id"))
        .expr_as(col(installment::Column::DueDate), Alias::new("due_date"))
        .expr_as(owed(), Alias::new("owed"))
        .and_where(col(installment::Column::DueDate).lt(before))
        .and_where(owed().gt(0))
        .order_by(
            (installment::Entity, installment::Column::LoanId),
            Order::Asc,
        )
        .order_by(
            (installment::Entity, installment::Column::DueDate),
            Order::Asc,
        )
        .to_owned();
    if let Some(loans) = loans {
        select.and_where(col(installment::Column::LoanId).is_in(loans.iter().copied()));
    }
    let rows: Vec<QueryResult> = db.query_all(&select).await?;
    rows.iter()
        .map(|r| {
            Ok(OwedInstallment {
                loan_id: r.try_get("", "loan_id")?,
                due_date: r.try_get("", "due_date")?,
                owed: r.try_get("", "owed")?,
            })
        })
        .collect::<Result<_, sea_orm::DbErr>>()
        .map_err(StoreError::from)
}

/// The principal still owed per disbursed loan that has something owed due before `before` (the loans
/// that can be late), and the principal still owed over every disbursed loan: what PAR divides.
pub async fn principal_owed<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    before: NaiveDate,
) -> Result<(Vec<(i64, i64)>, i64), StoreError> {
    let b = db.get_database_backend();
    let principal =
        || col(installment::Column::Principal).sub(col(installment::Column::PaidPrincipal));
    let late = Query::select()
        .column(installment::Column::LoanId)
        .from(installment::Entity)
        .and_where(Expr::col(installment::Column::TenantId).eq(tenant.get()))
        .and_where(Expr::col(installment::Column::DueDate).lt(before))
        .and_where(owed().gt(0))
        .to_owned();
    let per_loan = of_active_loans(tenant)
        .expr_as(col(installment::Column::LoanId), Alias::new("loan_id"))
        .expr_as(summed(b, principal()), Alias::new("principal"))
        .and_where(col(installment::Column::LoanId).in_subquery(late))
        .group_by_col((installment::Entity, installment::Column::LoanId))
        .to_owned();
    let rows: Vec<QueryResult> = db.query_all(&per_loan).await?;
    let per_loan = rows
        .iter()
        .map(|r| Ok((r.try_get("", "loan_id")?, r.try_get("", "principal")?)))
        .collect::<Result<Vec<(i64, i64)>, sea_orm::DbErr>>()?;
    let total = of_active_loans(tenant)
        .expr_as(summed(b, principal()), Alias::new("principal"))
        .to_owned();
    let total: i64 = match db.query_one(&total).await? {
        Some(row) => row.try_get("", "principal")?,
        None => 0,
    };
    Ok((per_loan, total))
}
