//! Payments and reversals (SPEC §3). A payment is one write transaction of a handful of statements:
//! lock the loan row, read its installments, allocate with the core (oldest installment first, the
//! product's component order), insert the payment and its allocations, update only the installments it
//! touched and the loan's cached balances, audit entry and event. Payments are never edited or deleted;
//! a reversal undoes exactly the allocations of one payment.

mod batch;

pub use batch::{PaymentQueue, register_batch, register_together};

use crate::loans::{self, ActorInfo, LoanStatus, balance};
use crate::support::{actor_ref, audit, enum_text, event, optional_text, parse_enum};
use crate::{LendingError, Page, PageRequest, support};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{InstallmentId, LoanId, PaymentId, ReversalId, TenantId};
use credinet_core::lending::allocation::{
    self, Allocation, AllocationError, Component, InstallmentBalance,
};
use credinet_core::money::Money;
use credinet_store::entities::{installment, payment, payment_allocation};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans::{self as loan_repo, Balances, Paid};
use credinet_store::repo::payments::{
    self as repo, NewAllocation, NewPayment, NewReversal, PaymentQuery,
};
use credinet_store::{Store, StoreError};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Cash,
    Transfer,
    Card,
    Other,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Card => "card",
            PaymentMethod::Other => "other",
        }
    }
    pub fn parse(raw: &str) -> Option<PaymentMethod> {
        [
            PaymentMethod::Cash,
            PaymentMethod::Transfer,
            PaymentMethod::Card,
            PaymentMethod::Other,
        ]
        .into_iter()
        .find(|m| m.as_str() == raw.trim())
    }
}

/// A payment to register.
#[derive(Debug, Clone)]
pub struct PaymentInput {
    pub loan: LoanId,
    pub amount: Money,
    /// Local date in the tenant's zone; today there when `None`.
    pub paid_on: Option<NaiveDate>,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// A retried request with the same key and body returns the first payment and creates nothing.
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub id: PaymentId,
    pub loan_id: LoanId,
    pub amount: Money,
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub idempotency_key: Option<String>,
    pub registered_by: Option<ActorInfo>,
    pub created_at: DateTime<Utc>,
    pub reversed: bool,
}

/// One slice of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AllocationLine {
    pub installment_id: InstallmentId,
    pub installment_number: u32,
    pub component: Component,
    pub amount: Money,
}

/// A registered payment, how it was spread, and the loan after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentReceipt {
    pub payment: Payment,
    pub allocations: Vec<AllocationLine>,
    pub loan_number: String,
    /// The loan's balance and status right after this call (for a replay: now).
    pub loan_outstanding: Money,
    pub loan_status: LoanStatus,
    /// True when this call was a retry that created nothing.
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reversal {
    pub id: ReversalId,
    pub payment_id: PaymentId,
    pub loan_id: LoanId,
    pub amount: Money,
    pub reversed_on: NaiveDate,
    pub reason: String,
    pub reversed_by: Option<ActorInfo>,
    pub created_at: DateTime<Utc>,
    pub loan_outstanding: Money,
    pub loan_status: LoanStatus,
}

/// SHA-256 of the request as given (not as resolved: a retry tomorrow without a date is the same request).
fn request_hash(input: &PaymentInput) -> String {
    let canonical = json!([
        input.loan.get(),
        input.amount.centavos(),
        input.paid_on.map(|d| d.to_string()),
        input.method.as_str(),
        input.reference,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Registers a payment. See the module documentation for what it writes; refuses an amount above the
/// payoff (the error carries the payoff), a loan that is not disbursed, a date in the future or before
/// the disbursement.
pub async fn register(
    store: &Store,
    tenant: TenantId,
    input: PaymentInput,
    by: &Requester,
) -> Result<PaymentReceipt, LendingError> {
    let (input, hash) = normalize(input)?;
    let key = input.idempotency_key.clone();
    let now = store.now();
    let today = store
        .tenant(tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?
        .zone
        .local_date(now);
    let paid_on = booking_date(&input, today)?;

    let tx = store.write().await?;
    // Lock first, always: concurrent payments of one loan queue here, and every writer takes the loan
    // before its installments, so they never deadlock.
    let loan_row = loan_repo::get_locked(&tx, tenant, input.loan)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    if let Some(key) = &key
        && let Some(first) = repo::by_idempotency_key(&tx, tenant, key).await?
    {
        tx.rollback().await?;
        return replay(store, tenant, first, &hash).await;
    }
    let loan = loans::to_domain(loan_row)?;
    check_loan(&loan, paid_on)?;
    let rows = loan_repo::installments(&tx, tenant, input.loan).await?;
    let mut balances: Vec<InstallmentBalance> =
        rows.iter().map(balance).collect::<Result<_, _>>()?;
    let allocations = allocate_on(&balances, input.amount, &loan)?;
    allocation::apply(&mut balances, &allocations)
        .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;

    let new = NewPayment {
        loan_id: input.loan,
        amount: input.amount.centavos(),
        paid_on,
        method: input.method.as_str().to_string(),
        reference: input.reference.clone(),
        idempotency_key: key.clone(),
        request_hash: hash.clone(),
        registered_by: actor_ref(&by.actor),
    };
    let payment_id = match repo::insert(&tx, tenant, new, now).await {
        Ok(id) => id,
        // A concurrent request with the same key (for another loan, or one that committed between our
        // read and insert) won: this transaction is void; answer with the first payment.
        Err(e) if e.is_unique_violation() && key.is_some() => {
            tx.rollback().await?;
            let key = key.unwrap_or_default();
            let first = repo::by_idempotency_key(store.db(), tenant, &key)
                .await?
                .ok_or(LendingError::Store(e))?;
            return replay(store, tenant, first, &hash).await;
        }
        Err(e) => return Err(e.into()),
    };
    let lines = lines_of(&rows, &allocations)?;
    repo::insert_allocations(
        &tx,
        tenant,
        payment_id,
        lines
            .iter()
            .map(|l| NewAllocation {
                installment_id: l.installment_id.get(),
                installment_number: i32::try_from(l.installment_number).unwrap_or(i32::MAX),
                component: enum_text(&l.component),
                amount: l.amount.centavos(),
            })
            .collect(),
    )
    .await?;
    loan_repo::set_paid(
        &tx,
        tenant,
        input.loan,
        &touched(&rows, &balances, &allocations),
    )
    .await?;
    let (balances_after, status, paid_at) = settle(&loan, &balances, now)?;
    loan_repo::set_balances(
        &tx,
        tenant,
        input.loan,
        balances_after,
        status.as_str(),
        paid_at,
        now,
    )
    .await?;

    let payment = Payment {
        id: payment_id,
        loan_id: input.loan,
        amount: input.amount,
        paid_on,
        method: input.method,
        reference: input.reference,
        idempotency_key: key,
        registered_by: Some(actor_info(by)),
        created_at: now,
        reversed: false,
    };
    let outstanding = Money::from_centavos(balances_after.outstanding);
    let (before, after) = audit_snapshots(&loan, &payment, &lines, balances_after, status);
    audit(
        &tx,
        tenant,
        by,
        EventKind::PaymentRegistered.as_str(),
        "payment",
        payment_id,
        Some(before),
        Some(after),
        now,
    )
    .await?;
    let payload = event_payload(&loan, &payment, outstanding, by);
    event(
        &tx,
        tenant,
        EventKind::PaymentRegistered,
        "payment",
        payment_id,
        payload,
        now,
    )
    .await?;
    if status != loan.status {
        let paid_loan = loans::Loan {
            status,
            outstanding,
            total_paid: Money::from_centavos(balances_after.total_paid),
            paid_at,
            ..loan.clone()
        };
        loans::record_transition(&tx, tenant, by, &loan, &paid_loan, now).await?;
    }
    tx.commit().await?;
    Ok(PaymentReceipt {
        payment,
        allocations: lines,
        loan_number: loan.number,
        loan_outstanding: outstanding,
        loan_status: status,
        replayed: false,
    })
}

/// Checks and normalizes what was typed; returns the input and the hash that identifies the request
/// for idempotency.
fn normalize(input: PaymentInput) -> Result<(PaymentInput, String), LendingError> {
    if !input.amount.is_positive() {
        return Err(LendingError::Invalid(format!(
            "a payment must be a positive amount, got {}",
            input.amount
        )));
    }
    let reference = optional_text(input.reference.as_deref(), "the reference", 100)?;
    let key = optional_text(input.idempotency_key.as_deref(), "the idempotency key", 100)?;
    let input = PaymentInput {
        reference,
        idempotency_key: key,
        ..input
    };
    let hash = request_hash(&input);
    Ok((input, hash))
}

/// The local date the payment is booked on (today in the tenant's zone unless given); never the future.
fn booking_date(input: &PaymentInput, today: NaiveDate) -> Result<NaiveDate, LendingError> {
    let paid_on = input.paid_on.unwrap_or(today);
    if paid_on > today {
        return Err(LendingError::Invalid(format!(
            "a payment cannot be dated in the future ({paid_on}; today is {today})"
        )));
    }
    Ok(paid_on)
}

/// Only a disbursed (or written-off, for recoveries) loan takes payments, dated from its disbursement on.
fn check_loan(loan: &loans::Loan, paid_on: NaiveDate) -> Result<(), LendingError> {
    if !matches!(loan.status, LoanStatus::Disbursed | LoanStatus::WrittenOff) {
        return Err(LendingError::Conflict(format!(
            "loan {} is {}: only a disbursed loan takes payments",
            loan.number, loan.status
        )));
    }
    if loan.disbursed_on.is_some_and(|d| paid_on < d) {
        return Err(LendingError::Invalid(format!(
            "a payment cannot be dated before the loan was disbursed ({})",
            loan.disbursed_on.map(|d| d.to_string()).unwrap_or_default()
        )));
    }
    Ok(())
}

/// The core's allocation in the product's order, with its refusal above the payoff.
fn allocate_on(
    balances: &[InstallmentBalance],
    amount: Money,
    loan: &loans::Loan,
) -> Result<Vec<Allocation>, LendingError> {
    allocation::allocate(balances, amount, loan.terms.allocation_order()).map_err(|e| match e {
        AllocationError::AbovePayoff { payoff, amount } => {
            LendingError::AbovePayoff { payoff, amount }
        }
        other => LendingError::Invalid(other.to_string()),
    })
}

/// The audit entry's before and after of a payment: the loan's balances around it and where it went.
fn audit_snapshots(
    loan: &loans::Loan,
    payment: &Payment,
    lines: &[AllocationLine],
    after: Balances,
    status: LoanStatus,
) -> (serde_json::Value, serde_json::Value) {
    let before = json!({
        "loan_outstanding": loan.outstanding, "loan_total_paid": loan.total_paid,
        "loan_status": loan.status,
    });
    let after = json!({
        "payment": payment, "allocations": lines,
        "loan_outstanding": Money::from_centavos(after.outstanding),
        "loan_total_paid": Money::from_centavos(after.total_paid), "loan_status": status,
    });
    (before, after)
}

/// What the notifier gets about a registered payment.
fn event_payload(
    loan: &loans::Loan,
    payment: &Payment,
    outstanding: Money,
    by: &Requester,
) -> serde_json::Value {
    json!({
        "payment_id": payment.id, "loan_id": loan.id, "loan_number": loan.number,
        "amount": payment.amount, "paid_on": payment.paid_on, "method": payment.method,
        "loan_outstanding": outstanding, "by": by.actor.label,
    })
}

/// The answer to a retried request: the first payment if the body is the same, a refusal if not.
async fn replay(
    store: &Store,
    tenant: TenantId,
    first: payment::Model,
    hash: &str,
) -> Result<PaymentReceipt, LendingError> {
    if first.request_hash != hash {
        return Err(LendingError::IdempotencyMismatch);
    }
    let mut receipt = receipt(store, tenant, first).await?;
    receipt.replayed = true;
    Ok(receipt)
}

async fn receipt(
    store: &Store,
    tenant: TenantId,
    row: payment::Model,
) -> Result<PaymentReceipt, LendingError> {
    let payment = to_domain(row)?;
    let loan = loans::get(store, tenant, payment.loan_id).await?;
    let allocations = repo::allocations(store.db(), tenant, payment.id)
        .await?
        .into_iter()
        .map(line_to_domain)
        .collect::<Result<_, _>>()?;
    Ok(PaymentReceipt {
        payment,
        allocations,
        loan_number: loan.number,
        loan_outstanding: loan.outstanding,
        loan_status: loan.status,
        replayed: false,
    })
}

/// The loan's balances after a change of its installments, and the status they imply.
fn settle(
    loan: &loans::Loan,
    balances: &[InstallmentBalance],
    now: DateTime<Utc>,
) -> Result<(Balances, LoanStatus, Option<DateTime<Utc>>), LendingError> {
    let outstanding = allocation::payoff(balances)
        .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;
    let total_paid = Money::checked_sum(
        balances
            .iter()
            .map(|b| b.paid().total().unwrap_or(Money::ZERO)),
    )
    .ok_or_else(|| LendingError::Invalid("amounts too large".into()))?;
    let (status, paid_at) = match loan.status {
        LoanStatus::Disbursed if outstanding.is_zero() => (LoanStatus::Paid, Some(now)),
        LoanStatus::Paid if !outstanding.is_zero() => (LoanStatus::Disbursed, None),
        other => (other, loan.paid_at),
    };
    Ok((
        Balances {
            total_paid: total_paid.centavos(),
            outstanding: outstanding.centavos(),
        },
        status,
        paid_at,
    ))
}

/// The installments that allocations touched, with their new paid amounts.
fn touched(
    rows: &[installment::Model],
    balances: &[InstallmentBalance],
    allocations: &[Allocation],
) -> Vec<(i64, Paid)> {
    let mut numbers: Vec<u32> = allocations.iter().map(|a| a.installment).collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
        .into_iter()
        .filter_map(|n| {
            let number = i32::try_from(n).ok()?;
            let row = rows.iter().find(|r| r.number == number)?;
            let b = balances.iter().find(|b| b.number() == n)?;
            let p = b.paid();
            Some((
                row.id,
                Paid {
                    principal: p.principal.centavos(),
                    interest: p.interest.centavos(),
                    interest_iva: p.interest_iva.centavos(),
                    late_fee: p.late_fee.centavos(),
                    late_fee_iva: p.late_fee_iva.centavos(),
                },
            ))
        })
        .collect()
}

fn lines_of(
    rows: &[installment::Model],
    allocations: &[Allocation],
) -> Result<Vec<AllocationLine>, LendingError> {
    allocations
        .iter()
        .map(|a| {
            let row = rows
                .iter()
                .find(|r| i32::try_from(a.installment).is_ok_and(|n| n == r.number))
                .ok_or_else(|| {
                    LendingError::Store(support::corrupt(format!(
                        "installment {} vanished",
                        a.installment
                    )))
                })?;
            Ok(AllocationLine {
                installment_id: InstallmentId::new(row.id),
                installment_number: a.installment,
                component: a.component,
                amount: a.amount,
            })
        })
        .collect()
}

/// Reverses a payment: undoes exactly its allocations, marks it reversed, and puts a paid loan back to
/// active. A payment is reversed at most once.
pub async fn reverse(
    store: &Store,
    tenant: TenantId,
    id: PaymentId,
    reason: &str,
    by: &Requester,
) -> Result<Reversal, LendingError> {
    let reason = optional_text(Some(reason), "the reason", 1000)?
        .ok_or_else(|| LendingError::Invalid("a reason is required to reverse a payment".into()))?;
    let now = store.now();
    let today = store
        .tenant(tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?
        .zone
        .local_date(now);
    let tx = store.write().await?;
    let first_read = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    let loan_row = loan_repo::get_locked(&tx, tenant, LoanId::new(first_read.loan_id))
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    // Read again under the loan's lock: a concurrent reversal may have committed meanwhile.
    let row = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    if row.reversed {
        return Err(LendingError::Conflict(format!(
            "payment {id} was already reversed"
        )));
    }
    let loan = loans::to_domain(loan_row)?;
    let stored = repo::allocations(&tx, tenant, id).await?;
    let allocations: Vec<Allocation> = stored
        .iter()
        .map(|a| {
            Ok(Allocation {
                installment: u32::try_from(a.installment_number).unwrap_or(0),
                component: parse_enum(&a.component, "component")?,
                amount: Money::from_centavos(a.amount),
            })
        })
        .collect::<Result<_, LendingError>>()?;
    let rows = loan_repo::installments(&tx, tenant, loan.id).await?;
    let mut balances: Vec<InstallmentBalance> =
        rows.iter().map(balance).collect::<Result<_, _>>()?;
    allocation::reverse(&mut balances, &allocations)
        .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;
    let new = NewReversal {
        payment_id: id,
        loan_id: loan.id,
        amount: row.amount,
        reversed_on: today,
        reason: reason.clone(),
        reversed_by: actor_ref(&by.actor),
    };
    let reversal = match repo::insert_reversal(&tx, tenant, new, now).await {
        Ok(r) => r,
        Err(e) if e.is_unique_violation() => {
            return Err(LendingError::Conflict(format!(
                "payment {id} was already reversed"
            )));
        }
        Err(e) => return Err(e.into()),
    };
    loan_repo::set_paid(
        &tx,
        tenant,
        loan.id,
        &touched(&rows, &balances, &allocations),
    )
    .await?;
    let (balances_after, status, paid_at) = settle(&loan, &balances, now)?;
    loan_repo::set_balances(
        &tx,
        tenant,
        loan.id,
        balances_after,
        status.as_str(),
        paid_at,
        now,
    )
    .await?;
    let outstanding = Money::from_centavos(balances_after.outstanding);
    let payment = to_domain(row)?;
    let before = json!({
        "payment": payment, "loan_outstanding": loan.outstanding, "loan_status": loan.status,
    });
    let after = json!({
        "reversed": true, "reason": reason, "reversed_on": today,
        "loan_outstanding": outstanding, "loan_status": status,
    });
    audit(
        &tx,
        tenant,
        by,
        EventKind::PaymentReversed.as_str(),
        "payment",
        id,
        Some(before),
        Some(after),
        now,
    )
    .await?;
    let payload = json!({
        "payment_id": id, "loan_id": loan.id, "loan_number": loan.number,
        "amount": payment.amount, "reason": reason, "loan_outstanding": outstanding,
        "by": by.actor.label,
    });
    event(
        &tx,
        tenant,
        EventKind::PaymentReversed,
        "payment",
        id,
        payload,
        now,
    )
    .await?;
    if status != loan.status {
        let reopened = loans::Loan {
            status,
            outstanding,
            total_paid: Money::from_centavos(balances_after.total_paid),
            paid_at,
            ..loan.clone()
        };
        loans::record_transition(&tx, tenant, by, &loan, &reopened, now).await?;
    }
    tx.commit().await?;
    Ok(Reversal {
        id: ReversalId::new(reversal.id),
        payment_id: id,
        loan_id: loan.id,
        amount: payment.amount,
        reversed_on: reversal.reversed_on,
        reason: reversal.reason,
        reversed_by: ActorInfo::from_columns(
            reversal.reversed_by_kind,
            reversal.reversed_by_id,
            reversal.reversed_by_label,
        ),
        created_at: reversal.created_at,
        loan_outstanding: outstanding,
        loan_status: status,
    })
}

/// A payment with its allocations and the loan's current balance.
pub async fn get(
    store: &Store,
    tenant: TenantId,
    id: PaymentId,
) -> Result<PaymentReceipt, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("payment"))?;
    receipt(store, tenant, row).await
}

/// Filters of the payment list.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    pub loan: Option<LoanId>,
    /// Inclusive local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub include_reversed: bool,
}

/// One page of the tenant's payments, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &PaymentFilter,
    page: PageRequest,
) -> Result<Page<Payment>, LendingError> {
    let page = page.clamped();
    let query = PaymentQuery {
        loan: filter.loan,
        from: filter.from,
        to: filter.to,
        include_reversed: filter.include_reversed,
        offset: page.offset,
        limit: page.limit,
    };
    let (rows, total) = repo::list(store.db(), tenant, &query).await?;
    Ok(Page {
        items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

fn actor_info(by: &Requester) -> ActorInfo {
    let r = actor_ref(&by.actor);
    ActorInfo {
        kind: r.kind,
        id: r.id,
        label: r.label,
    }
}

pub(crate) fn to_domain(row: payment::Model) -> Result<Payment, LendingError> {
    let method = PaymentMethod::parse(&row.method).ok_or_else(|| {
        LendingError::Store(StoreError::Corrupt(format!(
            "payment {}: method '{}'",
            row.id, row.method
        )))
    })?;
    Ok(Payment {
        id: PaymentId::new(row.id),
        loan_id: LoanId::new(row.loan_id),
        amount: Money::from_centavos(row.amount),
        paid_on: row.paid_on,
        method,
        reference: row.reference,
        idempotency_key: row.idempotency_key,
        registered_by: ActorInfo::from_columns(
            row.registered_by_kind,
            row.registered_by_id,
            row.registered_by_label,
        ),
        created_at: row.created_at,
        reversed: row.reversed,
    })
}

/// The allocations of several payments, in one query (the loan page lists them per payment).
pub async fn allocations_of(
    store: &Store,
    tenant: TenantId,
    payments: &[PaymentId],
) -> Result<Vec<(PaymentId, AllocationLine)>, LendingError> {
    let ids: Vec<i64> = payments.iter().map(|p| p.get()).collect();
    repo::allocations_of(store.db(), tenant, &ids)
        .await?
        .into_iter()
        .map(|row| Ok((PaymentId::new(row.payment_id), line_to_domain(row)?)))
        .collect()
}

fn line_to_domain(row: payment_allocation::Model) -> Result<AllocationLine, LendingError> {
    Ok(AllocationLine {
        installment_id: InstallmentId::new(row.installment_id),
        installment_number: u32::try_from(row.installment_number).unwrap_or(0),
        component: parse_enum(&row.component, "component")?,
        amount: Money::from_centavos(row.amount),
    })
}
