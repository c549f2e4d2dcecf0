//! What a load is checked for before anything is written: loans that agree with their installments, and
//! ids that belong to the tenant.

use super::{BulkInstallment, BulkLoan, ClientRef, Portfolio};
use crate::{StoreError, WriteTx};
use credinet_core::ids::TenantId;
use credinet_core::lending::allocation::Component;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use std::collections::HashMap;

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
        if !l.payments.is_empty()
            && let Err(why) = payments_agree(l)
        {
            return invalid(why);
        }
    }
    Ok(())
}

/// A loan's payments must be what its installments say was paid: each payment positive, dated from
/// the disbursement on and spread in full; per installment and component, the allocations add up to the
/// paid column.
fn payments_agree(l: &BulkLoan) -> Result<(), String> {
    let mut allocated: HashMap<(i32, Component), i64> = HashMap::new();
    let mut total = 0;
    for (n, p) in l.payments.iter().enumerate() {
        if p.amount <= 0 {
            return Err(format!("payment {n} is not a positive amount"));
        }
        if p.paid_on < l.disbursed_on {
            return Err(format!(
                "payment {n} is dated {} before the disbursement on {}",
                p.paid_on, l.disbursed_on
            ));
        }
        let spread: i64 = p.allocations.iter().map(|a| a.amount).sum();
        if spread != p.amount || p.allocations.iter().any(|a| a.amount <= 0) {
            return Err(format!(
                "payment {n} of {} is allocated {spread}, or in a non-positive slice",
                p.amount
            ));
        }
        for a in &p.allocations {
            *allocated.entry((a.installment, a.component)).or_default() += a.amount;
        }
        total += p.amount;
    }
    if total != l.total_paid {
        return Err(format!(
            "its payments add up to {total}, not its total_paid {}",
            l.total_paid
        ));
    }
    for i in &l.installments {
        for (component, paid) in [
            (Component::Principal, i.paid.principal),
            (Component::Interest, i.paid.interest),
            (Component::InterestIva, i.paid.interest_iva),
            (Component::LateFee, i.paid.late_fee),
            (Component::LateFeeIva, i.paid.late_fee_iva),
        ] {
            let got = allocated.remove(&(i.number, component)).unwrap_or(0);
            if got != paid {
                return Err(format!(
                    "installment {} has {paid} of {component:?} paid but {got} allocated",
                    i.number
                ));
            }
        }
    }
    match allocated.keys().next() {
        Some((number, _)) => Err(format!(
            "an allocation names installment {number}, which it does not have"
        )),
        None => Ok(()),
    }
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
