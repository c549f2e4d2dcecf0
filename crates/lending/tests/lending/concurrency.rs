//! Payments at once through the services. Every payment carries an idempotency key, so when a burst
//! larger than the connection pool finds the database overloaded on a busy machine (the store's
//! `is_overloaded`), the test retries as a client would and the payment still lands exactly once: the
//! tests check correctness under contention, never the machine's speed.

use crate::common::*;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::ids::LoanId;
use credinet_core::ids::TenantId;
use credinet_core::lending::terms::InterestMethod;
use credinet_lending::LendingError;
use credinet_lending::loans::{self, LoanDetail};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod, PaymentReceipt};
use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use std::time::Instant;

each_backend!(
    fifty_payments_at_once_on_one_loan_all_land_and_keep_the_invariants,
    a_thousand_payments_at_once_on_random_loans_all_land_and_keep_the_invariants,
);

fn pay(loan: LoanId, centavos: i64, n: usize) -> PaymentInput {
    PaymentInput {
        loan,
        amount: m(centavos),
        paid_on: Some(d(2026, 2, 1)),
        method: PaymentMethod::Cash,
        reference: Some(format!("r{n}")),
        idempotency_key: Some(IdempotencyKey::parse(&format!("k{n}")).unwrap()),
    }
}

/// Registers a payment, retrying (with its key) while the database is too busy to give a connection.
async fn register_retrying(
    store: &Store,
    tenant: TenantId,
    input: PaymentInput,
) -> Result<PaymentReceipt, LendingError> {
    for _ in 0..60 {
        match payments::register(store, tenant, input.clone(), &maker()).await {
            Err(LendingError::Store(e)) if e.is_overloaded() => {
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
            answer => return answer,
        }
    }
    payments::register(store, tenant, input, &maker()).await
}

async fn fifty_payments_at_once_on_one_loan_all_land_and_keep_the_invariants(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 12, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    let id = loan.loan.id;
    let started = Instant::now();
    let tasks: Vec<_> = (0..50)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(
                async move { register_retrying(&store, t, pay(id, 1_234 + n as i64, n)).await },
            )
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("every payment lands, none fails");
    }
    eprintln!(
        "{}: 50 concurrent payments on one loan in {:?}",
        db.backend,
        started.elapsed()
    );
    let expected: i64 = (0..50).map(|n| 1_234 + n).sum();
    let after = loans::get(&store, t, id).await.unwrap();
    assert_eq!(
        after.total_paid,
        m(expected),
        "{}: no lost update",
        db.backend
    );
    assert_invariants(&store, t, id).await;
}

async fn a_thousand_payments_at_once_on_random_loans_all_land_and_keep_the_invariants(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 12, "0.05")).await;
    let mut loans_made: Vec<LoanDetail> = Vec::new();
    for _ in 0..40 {
        loans_made.push(disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await);
    }
    let ids: Vec<LoanId> = loans_made.iter().map(|l| l.loan.id).collect();
    // A fixed pseudo-random spread of loans and amounts, so a failure can be replayed.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut plan = Vec::new();
    for n in 0..1000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        plan.push((
            ids[(state % ids.len() as u64) as usize],
            100 + (state >> 40) as i64 % 5_000,
            n,
        ));
    }
    let started = Instant::now();
    let tasks: Vec<_> = plan
        .iter()
        .map(|&(loan, amount, n)| {
            let store = store.clone();
            tokio::spawn(async move { register_retrying(&store, t, pay(loan, amount, n)).await })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("every payment lands, none fails");
    }
    let elapsed = started.elapsed();
    eprintln!(
        "{}: 1000 concurrent payments on 40 loans in {elapsed:?} ({:.0}/s)",
        db.backend,
        1000.0 / elapsed.as_secs_f64()
    );
    for id in ids {
        let expected: i64 = plan.iter().filter(|p| p.0 == id).map(|p| p.1).sum();
        assert_eq!(
            loans::get(&store, t, id).await.unwrap().total_paid,
            m(expected)
        );
        assert_invariants(&store, t, id).await;
    }
}
