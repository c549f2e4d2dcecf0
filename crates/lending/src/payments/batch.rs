//! Group commit for payments. Payments that arrive together are written together: one transaction locks
//! their loans (in id order), reads all their installments in one query, allocates each payment in
//! memory in arrival order exactly as [`register`](super::register) would, and writes every payment,
//! allocation, installment, loan balance, audit entry and event together (one statement per table; on
//! PostgreSQL one statement in all, see `credinet_store::repo::payment_batch`). Each payment
//! keeps its own answer: one refused (above the payoff, a loan not disbursed) is answered with its error and
//! left out; the others commit. Per payment that is a fraction of a statement instead of about ten, which
//! is what lets a two-core server take thousands of payments a second (`docs/benchmarks.md`).
//!
//! Payments with an idempotency key, and every payment on MySQL/MariaDB (no way to reserve ids before
//! inserting), take the one-by-one path, whose replay and race handling the tests pin down.

use super::{
    AllocationLine, Payment, PaymentInput, PaymentReceipt, actor_info, allocate_on,
    audit_snapshots, booking_date, check_loan, event_payload, lines_of, normalize, register,
    settle, touched,
};
use crate::LendingError;
use crate::loans::{self, Loan, balance};
use crate::support::{self, actor_ref, enum_text};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{LoanId, PaymentId, TenantId};
use credinet_core::lending::allocation::{self, Allocation, InstallmentBalance};
use credinet_core::money::Money;
use credinet_store::Store;
use credinet_store::entities::installment;
use credinet_store::repo::audit::{Record, Requester};
use credinet_store::repo::events::NewEvent;
use credinet_store::repo::loans::{self as loan_repo, LoanBalances};
use credinet_store::repo::payment_batch::{self, BatchWrites};
use credinet_store::repo::payments::{self as repo, NewAllocation, NewPayment};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, mpsc, oneshot};

/// The most payments written in one transaction.
const MAX_BATCH: usize = 64;

/// Where the web edge sends payments. Cheap to clone.
#[derive(Clone)]
pub struct PaymentQueue {
    store: Store,
    sender: Option<mpsc::Sender<Job>>,
}

struct Job {
    tenant: TenantId,
    input: PaymentInput,
    by: Requester,
    reply: oneshot::Sender<Result<PaymentReceipt, LendingError>>,
}

impl PaymentQueue {
    /// Starts the writer task on the current runtime (not on MySQL, where payments go one by one).
    pub fn spawn(store: Store) -> PaymentQueue {
        if !store.capabilities().batched_payments {
            return PaymentQueue {
                store,
                sender: None,
            };
        }
        let (sender, receiver) = mpsc::channel::<Job>(4 * MAX_BATCH);
        let receiver = Arc::new(Mutex::new(receiver));
        for _ in 0..store.capabilities().payment_writers {
            let (worker, receiver) = (store.clone(), receiver.clone());
            tokio::spawn(async move {
                // A batch is whatever queued while the previous one was being written: no waiting, so a
                // lone payment is written at once and a burst shares transactions.
                while let Some(jobs) = next_batch(&receiver).await {
                    write_jobs(&worker, jobs).await;
                }
            });
        }
        PaymentQueue {
            store,
            sender: Some(sender),
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
        let Some(sender) = self
            .sender
            .as_ref()
            .filter(|_| input.idempotency_key.is_none())
        else {
            return register(&self.store, tenant, input, by).await;
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            tenant,
            input,
            by: by.clone(),
            reply,
        };
        if let Err(mpsc::error::SendError(job)) = sender.send(job).await {
            return register(&self.store, job.tenant, job.input, &job.by).await;
        }
        answer.await.unwrap_or_else(|_| {
            Err(LendingError::Store(support::corrupt(
                "the payment writer stopped".into(),
            )))
        })
    }
}

/// The next batch: the first job waiting and whatever queued behind it, up to [`MAX_BATCH`].
async fn next_batch(receiver: &Mutex<mpsc::Receiver<Job>>) -> Option<Vec<Job>> {
    let mut receiver = receiver.lock().await;
    let first = receiver.recv().await?;
    let mut jobs = vec![first];
    while jobs.len() < MAX_BATCH {
        match receiver.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => break,
        }
    }
    Some(jobs)
}

/// Writes queued jobs, tenant by tenant, and answers each.
async fn write_jobs(store: &Store, jobs: Vec<Job>) {
    let mut by_tenant: Vec<(TenantId, Vec<Job>)> = Vec::new();
    for job in jobs {
        match by_tenant.iter_mut().find(|(t, _)| *t == job.tenant) {
            Some((_, list)) => list.push(job),
            None => by_tenant.push((job.tenant, vec![job])),
        }
    }
    for (tenant, jobs) in by_tenant {
        let (requests, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| ((j.input, j.by), j.reply)).unzip();
        let results = register_batch(store, tenant, requests).await;
        for (reply, result) in replies.into_iter().zip(results) {
            let _ = reply.send(result);
        }
    }
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
    let prepared: Vec<Result<Prepared, LendingError>> = requests
        .iter()
        .map(|(input, by)| {
            let (input, hash) = normalize(input.clone())?;
            let paid_on = booking_date(&input, today)?;
            Ok(Prepared {
                input,
                hash,
                paid_on,
                by: by.clone(),
            })
        })
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

struct Prepared {
    input: PaymentInput,
    hash: String,
    paid_on: NaiveDate,
    by: Requester,
}

/// A loan as the batch goes: its state after the payments accepted so far.
struct LoanState {
    loan: Loan,
    rows: Vec<installment::Model>,
    balances: Vec<InstallmentBalance>,
    allocations: Vec<Allocation>,
}

/// An accepted payment, before it has an id.
struct Accepted {
    request: usize,
    prepared: Prepared,
    before: Loan,
    after: Loan,
    lines: Vec<AllocationLine>,
}

async fn write_batch(
    store: &Store,
    tenant: TenantId,
    prepared: Vec<Result<Prepared, LendingError>>,
    now: DateTime<Utc>,
) -> Result<Vec<Result<PaymentReceipt, LendingError>>, LendingError> {
    let mut loan_ids: Vec<LoanId> = prepared.iter().flatten().map(|p| p.input.loan).collect();
    loan_ids.sort_unstable();
    loan_ids.dedup();
    let tx = store.write().await?;
    let loan_rows = loan_repo::get_locked_many(&tx, tenant, &loan_ids).await?;
    let mut installments = loan_repo::installments_of(&tx, tenant, &loan_ids).await?;
    let mut states: HashMap<LoanId, LoanState> = HashMap::new();
    for row in loan_rows {
        let loan = loans::to_domain(row)?;
        let rows: Vec<installment::Model> = installments
            .extract_if(.., |i| i.loan_id == loan.id.get())
            .collect();
        let balances = rows.iter().map(balance).collect::<Result<_, _>>()?;
        states.insert(
            loan.id,
            LoanState {
                loan,
                rows,
                balances,
                allocations: Vec::new(),
            },
        );
    }

    // Allocate in arrival order, each payment against the balances the earlier ones left.
    let mut results: Vec<Result<(), LendingError>> = Vec::with_capacity(prepared.len());
    let mut accepted: Vec<Accepted> = Vec::new();
    for (request, p) in prepared.into_iter().enumerate() {
        let p = match p {
            Ok(p) => p,
            Err(e) => {
                results.push(Err(e));
                continue;
            }
        };
        let Some(state) = states.get_mut(&p.input.loan) else {
            results.push(Err(LendingError::NotFound("loan")));
            continue;
        };
        let allocations = match check_loan(&state.loan, p.paid_on)
            .and_then(|()| allocate_on(&state.balances, p.input.amount, &state.loan))
        {
            Ok(a) => a,
            Err(e) => {
                results.push(Err(e));
                continue;
            }
        };
        allocation::apply(&mut state.balances, &allocations)
            .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;
        let lines = lines_of(&state.rows, &allocations)?;
        let (after_balances, status, paid_at) = settle(&state.loan, &state.balances, now)?;
        let before = state.loan.clone();
        state.loan = Loan {
            status,
            paid_at,
            outstanding: Money::from_centavos(after_balances.outstanding),
            total_paid: Money::from_centavos(after_balances.total_paid),
            ..state.loan.clone()
        };
        state.allocations.extend(allocations);
        accepted.push(Accepted {
            request,
            prepared: p,
            before,
            after: state.loan.clone(),
            lines,
        });
        results.push(Ok(()));
    }
    let mut receipts = if accepted.is_empty() {
        tx.rollback().await?;
        HashMap::new()
    } else {
        let receipts = write_accepted(&tx, tenant, &accepted, &states, now).await?;
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

/// Writes the accepted payments of a batch, one statement per table, and returns their receipts by
/// request index.
async fn write_accepted(
    tx: &credinet_store::WriteTx,
    tenant: TenantId,
    accepted: &[Accepted],
    states: &HashMap<LoanId, LoanState>,
    now: DateTime<Utc>,
) -> Result<HashMap<usize, PaymentReceipt>, LendingError> {
    let ids = repo::reserve_ids(tx, accepted.len()).await?;
    let mut payments = Vec::with_capacity(accepted.len());
    let mut allocation_rows = Vec::new();
    let mut records = Vec::with_capacity(accepted.len());
    let mut new_events = Vec::with_capacity(accepted.len());
    let mut receipts: HashMap<usize, PaymentReceipt> = HashMap::new();
    for (a, id) in accepted.iter().zip(ids) {
        let id = PaymentId::new(id);
        let p = &a.prepared;
        payments.push((
            id,
            NewPayment {
                loan_id: p.input.loan,
                amount: p.input.amount.centavos(),
                paid_on: p.paid_on,
                method: p.input.method.as_str().to_string(),
                reference: p.input.reference.clone(),
                idempotency_key: None,
                request_hash: p.hash.clone(),
                registered_by: actor_ref(&p.by.actor),
            },
        ));
        allocation_rows.extend(a.lines.iter().map(|l| {
            (
                id,
                NewAllocation {
                    installment_id: l.installment_id.get(),
                    installment_number: i32::try_from(l.installment_number).unwrap_or(i32::MAX),
                    component: enum_text(&l.component),
                    amount: l.amount.centavos(),
                },
            )
        }));
        let payment = Payment {
            id,
            loan_id: p.input.loan,
            amount: p.input.amount,
            paid_on: p.paid_on,
            method: p.input.method,
            reference: p.input.reference.clone(),
            idempotency_key: None,
            registered_by: Some(actor_info(&p.by)),
            created_at: now,
            reversed: false,
        };
        let balances_after = loan_repo::Balances {
            total_paid: a.after.total_paid.centavos(),
            outstanding: a.after.outstanding.centavos(),
        };
        let (before, after) = audit_snapshots(
            &a.before,
            &payment,
            &a.lines,
            balances_after,
            a.after.status,
        );
        records.push(Record {
            actor: p.by.actor.clone(),
            origin: p.by.origin.clone(),
            action: EventKind::PaymentRegistered.as_str(),
            entity: "payment",
            entity_id: Some(id.to_string()),
            before: Some(before),
            after: Some(after),
        });
        new_events.push(NewEvent {
            kind: EventKind::PaymentRegistered,
            entity: "payment",
            entity_id: Some(id.to_string()),
            payload: event_payload(&a.before, &payment, a.after.outstanding, &p.by),
        });
        receipts.insert(
            a.request,
            PaymentReceipt {
                payment,
                allocations: a.lines.clone(),
                loan_number: a.before.number.clone(),
                loan_outstanding: a.after.outstanding,
                loan_status: a.after.status,
                replayed: false,
            },
        );
    }

    let mut paid = Vec::new();
    let mut balances = Vec::new();
    for state in states.values().filter(|s| !s.allocations.is_empty()) {
        paid.extend(touched(&state.rows, &state.balances, &state.allocations));
        balances.push(LoanBalances {
            id: state.loan.id,
            balances: loan_repo::Balances {
                total_paid: state.loan.total_paid.centavos(),
                outstanding: state.loan.outstanding.centavos(),
            },
            status: state.loan.status.as_str().to_string(),
            paid_at: state.loan.paid_at,
        });
    }
    payment_batch::write(
        tx,
        tenant,
        BatchWrites {
            payments,
            allocations: allocation_rows,
            installments: paid,
            loans: balances,
            audit: records,
            events: new_events,
        },
        now,
    )
    .await?;
    for a in accepted
        .iter()
        .filter(|a| a.after.status != a.before.status)
    {
        loans::record_transition(tx, tenant, &a.prepared.by, &a.before, &a.after, now).await?;
    }
    Ok(receipts)
}
