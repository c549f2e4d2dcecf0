//! Disbursement: the schedule is computed with the core once, stored, and never recomputed.

use super::{
    LoanDetail, LoanStatus, check_transition, installment_to_domain, record_transition, to_domain,
};
use crate::Refusal;
use crate::refusal::DateOf;
use crate::{LendingError, holidays};
use chrono::NaiveDate;
use credinet_core::date_window;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::schedule::build_schedule;
use credinet_store::Store;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans::{self as repo, NewInstallment};
use credinet_store::repo::tenants;

/// Disburses an approved loan on `on` (default: today in the tenant's zone), computing and storing its
/// schedule with the tenant's cut days (settings `cut_days`, default 8 and 23).
pub async fn disburse(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    on: Option<NaiveDate>,
    by: &Requester,
) -> Result<LoanDetail, LendingError> {
    let now = store.now();
    let owner = tenants::by_id(store.db(), tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?;
    let today = owner.zone.local_date(now);
    let on = on.unwrap_or(today);
    if on > today {
        return Err(Refusal::DisbursedInFuture { on, today }.into());
    }
    date_window::business_date(on, today).map_err(|range| Refusal::DateOutOfRange {
        what: DateOf::Disbursement,
        range,
    })?;
    let cut_days = owner.settings.cut_days.clone();
    let tx = store.write().await?;
    let mut row = repo::get_locked(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    let before = to_domain(row.clone())?;
    check_transition(before.status, LoanStatus::Disbursed)?;
    let schedule = build_schedule(&before.terms, before.principal, on, &cut_days)
        .map_err(Refusal::Schedule)?;
    let rows: Vec<NewInstallment> = schedule
        .installments
        .iter()
        .map(|i| {
            Ok(NewInstallment {
                number: crate::support::storable_number(i.number)?,
                due_date: i.due_date,
                principal: i.principal.centavos(),
                interest: i.interest.centavos(),
                interest_iva: i.iva.centavos(),
            })
        })
        .collect::<Result<_, LendingError>>()?;
    repo::insert_installments(&tx, tenant, id, &rows).await?;
    if let Some(last) = schedule.installments.last() {
        holidays::ensure_years(&tx, tenant, on, last.due_date).await?;
    }
    row.status = LoanStatus::Disbursed.as_str().to_string();
    row.disbursed_at = Some(now);
    row.disbursed_on = Some(on);
    row.opening_commission = Some(schedule.opening_commission.centavos());
    row.commission_iva = Some(schedule.commission_iva.centavos());
    row.net_disbursed = Some(schedule.net_disbursed.centavos());
    row.cat = Some(schedule.cat.to_string());
    row.total_due = schedule.total_to_pay.centavos();
    row.total_paid = 0;
    row.outstanding = schedule.total_to_pay.centavos();
    let after = to_domain(repo::save(&tx, tenant, row, now).await?)?;
    record_transition(&tx, tenant, by, &before, &after, now).await?;
    let installments = repo::installments(&tx, tenant, id)
        .await?
        .into_iter()
        .map(installment_to_domain)
        .collect::<Result<_, _>>()?;
    tx.commit().await?;
    Ok(LoanDetail {
        loan: after,
        installments,
    })
}
