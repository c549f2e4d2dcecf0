//! Group commit for payments. Payments that arrive together are written together: one transaction locks
//! their loans (in id order), reads all their installments in one query, plans each payment in arrival
//! order with the same plan as [`register`](super::register) (`plan.rs`), and writes every payment,
//! allocation, installment, loan balance, audit entry and event together (one statement per table; on
//! PostgreSQL one statement in all, see `credinet_store::repo::payment_batch`). Each payment
//! keeps its own answer: one refused (above the payoff, a loan not disbursed) is answered with its error and
//! left out; the others commit. Per payment that is a fraction of a statement instead of about ten, which
//! is what lets a two-core server take thousands of payments a second (`docs/benchmarks.md`).
//!
//! Payments with an idempotency key, and every payment on MySQL/MariaDB (no way to reserve ids before
//! inserting), take the one-by-one path, whose replay and race handling the tests pin down.

use super::plan::{LoanState, PlannedPayment, Request};
use super::{PaymentInput, PaymentReceipt, register};
use crate::support;
use crate::{LendingError, loans};
use chrono::{DateTime, Utc};
use credinet_core::ids::{LoanId, TenantId};
use credinet_store::group_commit::{GroupCommit, NotWritten};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans as loan_repo;
use credinet_store::repo::payment_batch::{self, BatchWrites};
use credinet_store::repo::payments as repo;
use credinet_store::{Store, WriteTx};
use std::collections::{BTreeMap, HashMap};

/// The most payments written in one transaction.
const MAX_BATCH: usize = 64;

/// Where the web edge sends payments. Cheap to clone.
#[derive(Clone)]
pub struct PaymentQueue {
    store: Store,
    group: Option<GroupCommit<Job, Result<PaymentReceipt, LendingError>>>,
}

struct Job {
    tenant: TenantId,
    input: PaymentInput,
    by: Requester,
}

impl PaymentQueue {
    /// Starts the writer tasks on the current runtime (not on MySQL, where payments go one by one).
    pub fn spawn(store: Store) -> PaymentQueue {
        if !store.capabilities().batched_payments {
            return PaymentQueue { store, group: None };
        }
        let writer = store.clone();
        let group = GroupCommit::spawn(
            store.capabilities().payment_writers,
            MAX_BATCH,
            move |jobs: Vec<Job>| {
                let store = writer.clone();
                async move { write_jobs(&store, jobs).await }
            },
        );
        PaymentQueue {
            store,
            group: Some(group),
        }
    }

    /// Registers a payment: batched with whatever else is arriving, or alone when it carries an
    /// idempotency key. The answer is the same as [`register`]'s.
    pub async fn register(
        &self,
        tenant: TenantId,
        input: PaymentInput,
        by: &Requester,
    ) -> Result<PaymentReceipt, LendingError> {
        let Some(group) = self
            .group
            .as_ref()
            .filter(|_| input.idempotency_key.is_none())
        else {
            return register(&self.store, tenant, input, by).await;
        };
        let job = Job {
            tenant,
            input,
            by: by.clone(),
        };
        match group.submit(job).await {
            Ok(answer) => answer,
            Err(NotWritten::Closed(job)) => {
                register(&self.store, job.tenant, job.input, &job.by).await
            }
            Err(NotWritten::Lost) => Err(LendingError::Store(support::corrupt(
                "the payment writer stopped".into(),
            ))),
        }
    }
}

/// Writes a batch of jobs, tenant by tenant, and answers each in the order they came.
async fn write_jobs(store: &Store, jobs: Vec<Job>) -> Vec<Result<PaymentReceipt, LendingError>> {
    let count = jobs.len();
    let mut by_tenant: Vec<(TenantId, Vec<(usize, Job)>)> = Vec::new();
    for (index, job) in jobs.into_iter().enumerate() {
        match by_tenant.iter_mut().find(|(t, _)| *t == job.tenant) {
            Some((_, list)) => list.push((index, job)),
            None => by_tenant.push((job.tenant, vec![(index, job)])),
        }
    }
    let mut answers: Vec<Option<Result<PaymentReceipt, LendingError>>> =
        (0..count).map(|_| None).collect();
    for (tenant, jobs) in by_tenant {
        let (indices, requests): (Vec<usize>, Vec<_>) =
            jobs.into_iter().map(|(i, j)| (i, (j.input, j.by))).unzip();
        let results = register_batch(store, tenant, requests).await;
        for (index, result) in indices.into_iter().zip(results) {
            answers[index] = Some(result);
        }
    }
    answers
        .into_iter()
        .map(|a| {
            a.unwrap_or_else(|| {
                Err(LendingError::Store(support::corrupt(
                    "a queued payment got no answer".into(),
                )))
            })
        })
        .collect()
}

/// Registers several payments of one tenant together; the answers are in the order of the requests.
/// Nothing is written when the batch as a whole fails (a database error): then each payment is tried
/// alone, so one problem never fails the others.
pub async fn register_batch(
    store: &Store,
    tenant: TenantId,
    requests: Vec<(PaymentInput, Requester)>,
) -> Vec<Result<PaymentReceipt, LendingError>> {
    if !can_write_together(store, &requests) {
        return one_by_one(store, tenant, requests).await;
    }
    match register_together(store, tenant, &requests).await {
        Ok(results) => results,
        Err(e) => one_by_one_after(store, tenant, requests, e).await,
    }
}

/// Registers several payments of one tenant in one transaction, each with its own answer (in the order
/// of the requests), or fails as a whole and writes nothing. Only on SQLite and PostgreSQL, and only
/// for payments without an idempotency key; [`register_batch`] takes any payments and falls back to
/// one by one.
pub async fn register_together(
    store: &Store,
    tenant: TenantId,
    requests: &[(PaymentInput, Requester)],
) -> Result<Vec<Result<PaymentReceipt, LendingError>>, LendingError> {
    if !can_write_together(store, requests) {
        return Err(LendingError::Invalid(
            "payments are written together only on SQLite and PostgreSQL, and only without an idempotency key".into(),
        ));
    }
    let now = store.now();
    let Some(tenant_row) = store.tenant(tenant).await? else {
        return Ok(requests
            .iter()
            .map(|_| Err(LendingError::NotFound("tenant")))
            .collect());
    };
    let today = tenant_row.zone.local_date(now);
    let prepared: Vec<Result<Request, LendingError>> = requests
        .iter()
        .map(|(input, by)| Request::new(input.clone(), by.clone(), today))
        .collect();
    write_batch(store, tenant, prepared, now).await
}

fn can_write_together(store: &Store, requests: &[(PaymentInput, Requester)]) -> bool {
    store.capabilities().batched_payments
        && requests
            .iter()
            .all(|(input, _)| input.idempotency_key.is_none())
}

async fn one_by_one_after(
    store: &Store,
    tenant: TenantId,
    requests: Vec<(PaymentInput, Requester)>,
    cause: LendingError,
) -> Vec<Result<PaymentReceipt, LendingError>> {
    tracing::warn!(%tenant, error = %cause, payments = requests.len(), "payment batch failed; registering one by one");
    one_by_one(store, tenant, requests).await
}

async fn one_by_one(
    store: &Store,
    tenant: TenantId,
    requests: Vec<(PaymentInput, Requester)>,
) -> Vec<Result<PaymentReceipt, LendingError>> {
    let mut out = Vec::with_capacity(requests.len());
    for (input, by) in requests {
        out.push(register(store, tenant, input, &by).await);
    }
    out
}

/// Locks the batch's loans, plans each payment in arrival order against the balances the earlier ones
/// left, and writes the accepted ones; a refused payment is answered with its error and left out.
async fn write_batch(
    store: &Store,
    tenant: TenantId,
    requests: Vec<Result<Request, LendingError>>,
    now: DateTime<Utc>,
) -> Result<Vec<Result<PaymentReceipt, LendingError>>, LendingError> {
    let mut loan_ids: Vec<LoanId> = requests.iter().flatten().map(|r| r.input.loan).collect();
    loan_ids.sort_unstable();
    loan_ids.dedup();
    let tx = store.write().await?;
    let loan_rows = loan_repo::get_locked_many(&tx, tenant, &loan_ids).await?;
    let mut installments = loan_repo::installments_of(&tx, tenant, &loan_ids).await?;
    // By loan id: the rows of a batch are written in one order, whichever came first.
    let mut states: BTreeMap<LoanId, LoanState> = BTreeMap::new();
    for row in loan_rows {
        let loan = loans::to_domain(row)?;
        let rows = installments
            .extract_if(.., |i| i.loan_id == loan.id.get())
            .collect();
        states.insert(loan.id, LoanState::load(loan, rows)?);
    }

    let mut results: Vec<Result<(), LendingError>> = Vec::with_capacity(requests.len());
    let mut accepted: Vec<(usize, PlannedPayment)> = Vec::new();
    for (index, request) in requests.into_iter().enumerate() {
        let planned = request.and_then(|request| {
            let state = states
                .get_mut(&request.input.loan)
                .ok_or(LendingError::NotFound("loan"))?;
            state.pay(request, now)
        });
        results.push(planned.map(|planned| accepted.push((index, planned))));
    }
    let mut receipts = if accepted.is_empty() {
        tx.rollback().await?;
        HashMap::new()
    } else {
        let receipts = write_accepted(&tx, tenant, accepted, &states, now).await?;
        tx.commit().await?;
        receipts
    };
    Ok(results
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            r.and_then(|()| {
                receipts.remove(&i).ok_or_else(|| {
                    LendingError::Store(support::corrupt(
                        "an accepted payment has no receipt".into(),
                    ))
                })
            })
        })
        .collect())
}

/// Writes the accepted payments of a batch in one call to the store, and returns their receipts by
/// request index. Audit entries and events keep the order of the one-by-one path within each kind: the
/// payments' in arrival order, then the loans' status changes.
async fn write_accepted(
    tx: &WriteTx,
    tenant: TenantId,
    accepted: Vec<(usize, PlannedPayment)>,
    states: &BTreeMap<LoanId, LoanState>,
    now: DateTime<Utc>,
) -> Result<HashMap<usize, PaymentReceipt>, LendingError> {
    let ids = repo::reserve_ids(tx, accepted.len()).await?;
    let mut rows = BatchWrites::default();
    let mut transitions = Vec::new();
    let mut receipts = HashMap::with_capacity(accepted.len());
    for ((index, planned), id) in accepted.into_iter().zip(ids) {
        let id = credinet_core::ids::PaymentId::new(id);
        rows.payments.push((id, planned.row()));
        rows.allocations
            .extend(planned.allocation_rows()?.into_iter().map(|a| (id, a)));
        let records = planned.records(id, now);
        let (record, event) = records.entry;
        rows.audit.push(record);
        rows.events.push(event);
        transitions.extend(records.transition);
        receipts.insert(index, records.receipt);
    }
    let (audit, events): (Vec<_>, Vec<_>) = transitions.into_iter().unzip();
    rows.audit.extend(audit);
    rows.events.extend(events);
    for state in states.values().filter(|s| s.changed()) {
        rows.installments.extend(state.installment_writes());
        rows.loans.push(state.loan_write());
    }
    payment_batch::write(tx, tenant, rows, now).await?;
    Ok(receipts)
}
