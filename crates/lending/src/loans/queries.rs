//! Reading loans: one, by number, with its schedule, a page of them.

use super::{
    Loan, LoanDetail, LoanFilter, LoanListItem, LoanStatus, installment_to_domain, to_domain,
};
use crate::{LendingError, Page, PageRequest, clients};
use credinet_core::ids::{ClientId, LoanId, TenantId};
use credinet_store::Store;
use credinet_store::repo::clients as client_repo;
use credinet_store::repo::loans::{self as repo, LoanQuery};
use credinet_store::sea_orm::ConnectionTrait;

pub async fn get(store: &Store, tenant: TenantId, id: LoanId) -> Result<Loan, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    to_domain(row)
}

/// A loan by its human number (what a borrower or a cashier types).
pub async fn by_number(
    store: &Store,
    tenant: TenantId,
    number: &str,
) -> Result<Loan, LendingError> {
    let row = repo::by_number(store.db(), tenant, number)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    to_domain(row)
}

/// A loan with its installments.
pub async fn detail(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
) -> Result<LoanDetail, LendingError> {
    let loan = get(store, tenant, id).await?;
    let installments = repo::installments(store.db(), tenant, id)
        .await?
        .into_iter()
        .map(installment_to_domain)
        .collect::<Result<_, _>>()?;
    Ok(LoanDetail { loan, installments })
}

/// The client's disbursed loans with their schedules, oldest first, at most `limit`, in two queries on
/// `db`. The assistant reads them on its message's transaction: the answer sees what that transaction
/// sees, and a message never holds one pooled connection while it waits for a second (under load that
/// wait starved PostgreSQL's pool: every connection held by a transaction waiting for another).
pub async fn active_of_client<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    client: ClientId,
    limit: u64,
) -> Result<Vec<LoanDetail>, LendingError> {
    let rows =
        repo::of_client(db, tenant, client, &[LoanStatus::Disbursed.as_str()], limit).await?;
    let ids: Vec<LoanId> = rows.iter().map(|r| LoanId::new(r.id)).collect();
    let mut installments = repo::installments_of(db, tenant, &ids).await?;
    let mut details = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.id;
        let (mine, rest): (Vec<_>, Vec<_>) =
            installments.into_iter().partition(|i| i.loan_id == id);
        installments = rest;
        details.push(LoanDetail {
            loan: to_domain(row)?,
            installments: mine
                .into_iter()
                .map(installment_to_domain)
                .collect::<Result<_, _>>()?,
        });
    }
    Ok(details)
}

/// One page of the tenant's loans, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &LoanFilter,
    page: PageRequest,
) -> Result<Page<LoanListItem>, LendingError> {
    let page = page.clamped();
    let query = LoanQuery {
        statuses: filter
            .statuses
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        client: filter.client,
        offset: page.offset,
        limit: page.limit,
    };
    let (rows, total) = repo::list(store.db(), tenant, &query).await?;
    Ok(Page {
        items: with_client_names(store, tenant, rows).await?,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

/// The ids of the tenant's loans in `status`, newest first.
pub async fn ids_with_status(
    store: &Store,
    tenant: TenantId,
    status: LoanStatus,
) -> Result<Vec<LoanId>, LendingError> {
    Ok(repo::ids_with_status(store.db(), tenant, status.as_str())
        .await?
        .into_iter()
        .map(LoanId::new)
        .collect())
}

/// The loans `ids` names (a page of a list ordered outside SQL), in the order of `ids`; an id of
/// another tenant or of no loan is left out.
pub async fn list_items(
    store: &Store,
    tenant: TenantId,
    ids: &[LoanId],
) -> Result<Vec<LoanListItem>, LendingError> {
    let raw: Vec<i64> = ids.iter().map(|id| id.get()).collect();
    let mut rows = repo::by_ids(store.db(), tenant, &raw).await?;
    rows.sort_by_key(|r| raw.iter().position(|id| *id == r.id));
    with_client_names(store, tenant, rows).await
}

/// Rows with their clients' names, one query for the names.
async fn with_client_names(
    store: &Store,
    tenant: TenantId,
    rows: Vec<credinet_store::entities::loan::Model>,
) -> Result<Vec<LoanListItem>, LendingError> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.client_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: std::collections::HashMap<i64, String> =
        client_repo::by_ids(store.db(), tenant, &ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c.full_name))
            .collect();
    rows.into_iter()
        .map(|row| {
            let client_name = names.get(&row.client_id).cloned().unwrap_or_default();
            to_domain(row).map(|loan| LoanListItem { loan, client_name })
        })
        .collect()
}

/// The client of a loan, for screens that show both.
pub async fn client_of(
    store: &Store,
    tenant: TenantId,
    loan: &Loan,
) -> Result<clients::Client, LendingError> {
    clients::get(store, tenant, loan.client_id).await
}
