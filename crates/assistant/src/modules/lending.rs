//! The lending module: balance, next payment, payment history, latest statement and how to pay, for the
//! verified client's active loans, read from what the lending services keep (SPEC §3, §5).

use crate::AssistantError;
use crate::outcome::{LoanBalance, Outcome, PaymentLine};
use crate::router::Intent;
use crate::tenant_config::TenantAssistant;
use chrono::NaiveDate;
use credinet_core::ids::{ClientId, TenantId};
use credinet_core::money::Money;
use credinet_lending::PageRequest;
use credinet_lending::loans::{self, LoanDetail};
use credinet_lending::payments::{self, PaymentFilter};
use credinet_store::{Store, WriteTx};

/// A borrower rarely has more than a few loans at once; more than this are not listed in a chat.
const MAX_LOANS: u64 = 10;
const HISTORY_LINES: u64 = 5;

/// `tx` is the message's transaction: the loans and schedules, read on every balance question, are read
/// on it (see [`loans::active_of_client`]).
pub async fn answer(
    store: &Store,
    tx: &WriteTx,
    tenant: TenantId,
    client: ClientId,
    intent: Intent,
    today: NaiveDate,
    config: &TenantAssistant,
) -> Result<Outcome, AssistantError> {
    let active = loans::active_of_client(tx, tenant, client, MAX_LOANS).await?;
    if active.is_empty() {
        return Ok(Outcome::NoLoans);
    }
    Ok(match intent {
        Intent::NextPayment => next_payment(&active, today),
        Intent::PaymentHistory => history(store, tenant, &active).await?,
        Intent::Statement => statement(store, tenant, &active).await?,
        Intent::HowToPay => Outcome::HowToPay {
            references: active.iter().map(|d| d.loan.number.clone()).collect(),
            instructions: config.payment_instructions.clone(),
        },
        _ => balance(&active, today),
    })
}

/// What is owed on installments whose due date has passed.
fn overdue(detail: &LoanDetail, today: NaiveDate) -> Money {
    Money::checked_sum(
        detail
            .installments
            .iter()
            .filter(|i| i.due_date < today)
            .map(|i| i.outstanding),
    )
    .unwrap_or(Money::ZERO)
}

fn balance(active: &[LoanDetail], today: NaiveDate) -> Outcome {
    let loans: Vec<LoanBalance> = active
        .iter()
        .map(|d| LoanBalance {
            number: d.loan.number.clone(),
            outstanding: d.loan.outstanding.centavos(),
            overdue: overdue(d, today).centavos(),
        })
        .collect();
    let total = Money::checked_sum(active.iter().map(|d| d.loan.outstanding))
        .unwrap_or(Money::ZERO)
        .centavos();
    Outcome::Balance { loans, total }
}

/// The earliest installment still owed across the active loans; overdue ones come first by date.
fn next_payment(active: &[LoanDetail], today: NaiveDate) -> Outcome {
    let next = active
        .iter()
        .flat_map(|d| d.installments.iter().map(move |i| (d, i)))
        .filter(|(_, i)| i.outstanding > Money::ZERO)
        .min_by_key(|(d, i)| (i.due_date, d.loan.id.get()));
    match next {
        Some((d, i)) => Outcome::NextPayment {
            loan: d.loan.number.clone(),
            due_date: i.due_date.to_string(),
            amount: i.outstanding.centavos(),
            overdue: overdue(d, today).centavos(),
        },
        None => Outcome::NothingDue,
    }
}

async fn history(
    store: &Store,
    tenant: TenantId,
    active: &[LoanDetail],
) -> Result<Outcome, AssistantError> {
    let mut lines = Vec::new();
    for d in active {
        let filter = PaymentFilter {
            loan: Some(d.loan.id),
            ..PaymentFilter::default()
        };
        let page = payments::list(
            store,
            tenant,
            &filter,
            PageRequest {
                offset: 0,
                limit: HISTORY_LINES,
            },
        )
        .await?;
        lines.extend(page.items.into_iter().map(|p| {
            (
                p.paid_on,
                p.id.get(),
                PaymentLine {
                    loan: d.loan.number.clone(),
                    paid_on: p.paid_on.to_string(),
                    amount: p.amount.centavos(),
                },
            )
        }));
    }
    lines.sort_by_key(|l| std::cmp::Reverse((l.0, l.1)));
    Ok(Outcome::PaymentHistory {
        payments: lines
            .into_iter()
            .take(HISTORY_LINES as usize)
            .map(|(_, _, line)| line)
            .collect(),
    })
}

/// The latest cut's statement of the first active loan that has one.
async fn statement(
    store: &Store,
    tenant: TenantId,
    active: &[LoanDetail],
) -> Result<Outcome, AssistantError> {
    for d in active {
        let statements = credinet_lending::cuts::statements_of_loan(store, tenant, d.loan.id)
            .await
            .map_err(|e| AssistantError::Cut(e.to_string()))?;
        if let Some(latest) = statements.last() {
            let line = &latest.line;
            return Ok(Outcome::Statement {
                loan: d.loan.number.clone(),
                cut_date: latest.cut_date.to_string(),
                opening: line.opening.centavos(),
                charges: line.charges().unwrap_or(Money::ZERO).centavos(),
                payments: line.payments.centavos(),
                closing: line.closing.centavos(),
                overdue: line.overdue.centavos(),
                next_due_date: line.next_due_date.map(|d| d.to_string()),
                next_due_amount: line.next_due_amount.centavos(),
            });
        }
    }
    Ok(Outcome::NoStatement)
}
