//! What a load is checked for before anything is written: loans that agree with their installments, and
//! ids that belong to the tenant.

use super::{BulkInstallment, ClientRef, Portfolio};
use crate::{StoreError, WriteTx};
use credinet_core::ids::TenantId;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};

pub(super) fn check(portfolio: &Portfolio) -> Result<(), StoreError> {
    for l in &portfolio.loans {
        let invalid =
            |why: String| Err(StoreError::InvalidLoad(format!("loan {}: {why}", l.number)));
        if let ClientRef::Loaded(i) = l.client
            && i >= portfolio.clients.len()
        {
            return invalid(format!("client {i} is not among the clients loaded"));
        }
        let due: i64 = l.installments.iter().map(BulkInstallment::due).sum();
        let paid: i64 = l.installments.iter().map(|i| i.paid.total()).sum();
        if due != l.total_due || paid != l.total_paid {
            return invalid(format!(
                "total_due {} / total_paid {} are not its installments' {due} / {paid}",
                l.total_due, l.total_paid
            ));
        }
    }
    Ok(())
}

/// Refuses ids of `table` that are not the tenant's: the foreign keys name `id` alone, so without this
/// a loan could point at another tenant's client or product.
pub(super) async fn owned(
    tx: &WriteTx,
    tenant: TenantId,
    table: &'static str,
    ids: impl Iterator<Item = i64>,
) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(500) {
        let select = Query::select()
            .expr_as(Func::count(Expr::col(Alias::new("id"))), Alias::new("n"))
            .from(Alias::new(table))
            .and_where(Expr::col(Alias::new("tenant_id")).eq(tenant.get()))
            .and_where(Expr::col(Alias::new("id")).is_in(chunk.iter().copied()))
            .to_owned();
        let found = match tx.query_one(&select).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        if found != chunk.len() as i64 {
            return Err(StoreError::InvalidLoad(format!(
                "{} of {} {table} ids named by the loans are not the tenant's",
                chunk.len() as i64 - found,
                chunk.len()
            )));
        }
    }
    Ok(())
}
