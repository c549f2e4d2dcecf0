use crate::common::*;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::lending::allocation::Component;
use credinet_core::lending::terms::InterestMethod;
use credinet_core::money::Money;
use credinet_lending::loans::{self, LoanStatus};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::{LendingError, Refusal};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    a_payment_is_allocated_oldest_installment_first_iva_then_interest_then_principal,
    a_payment_above_payoff_is_refused_with_the_payoff,
    a_retry_with_the_same_key_returns_the_first_payment_and_creates_nothing,
    the_same_key_with_a_different_body_is_refused,
    concurrent_requests_with_the_same_key_create_one_payment,
    a_reversal_restores_the_balances_exactly_and_cannot_be_repeated,
);

fn input(loan: credinet_core::ids::LoanId, amount: Money, key: Option<&str>) -> PaymentInput {
    PaymentInput {
        loan,
        amount,
        paid_on: Some(d(2026, 1, 20)),
        method: PaymentMethod::Cash,
        reference: None,
        idempotency_key: key.map(|k| IdempotencyKey::parse(k).unwrap()),
    }
}

async fn a_payment_is_allocated_oldest_installment_first_iva_then_interest_then_principal(
    db: TestDb,
) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 6, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    // Installment 1 is 2,246.67 (IVA 80.00, interest 500.00, principal 1,666.67); pay 2,300.00.
    let r = payments::register(&store, t, input(loan.loan.id, m(230_000), None), &maker())
        .await
        .unwrap();
    let lines: Vec<(u32, Component, i64)> = r
        .allocations
        .iter()
        .map(|a| (a.installment_number, a.component, a.amount.centavos()))
        .collect();
    assert_eq!(
        lines,
        [
            (1, Component::InterestIva, 8_000),
            (1, Component::Interest, 50_000),
            (1, Component::Principal, 166_667),
            (2, Component::InterestIva, 5_333),
        ]
    );
    assert_eq!(r.loan_outstanding, m(1_348_000 - 230_000));
    let detail = loans::detail(&store, t, loan.loan.id).await.unwrap();
    assert_eq!(detail.installments[0].outstanding, m(0));
    assert_eq!(detail.installments[1].paid.interest_iva, m(5_333));
    assert_invariants(&store, t, loan.loan.id).await;
}

async fn a_payment_above_payoff_is_refused_with_the_payoff(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 6, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    let err = payments::register(&store, t, input(loan.loan.id, m(1_348_001), None), &maker())
        .await
        .unwrap_err();
    match &err {
        LendingError::AbovePayoff { payoff, amount } => {
            assert_eq!((*payoff, *amount), (m(1_348_000), m(1_348_001)));
        }
        other => panic!("expected AbovePayoff, got {other}"),
    }
    assert!(err.to_string().contains("$13,480.00"), "{err}");
    let after = loans::get(&store, t, loan.loan.id).await.unwrap();
    assert_eq!(after.total_paid, m(0), "nothing was written");
}

async fn a_retry_with_the_same_key_returns_the_first_payment_and_creates_nothing(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 6, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    let first = payments::register(
        &store,
        t,
        input(loan.loan.id, m(50_000), Some("abc")),
        &maker(),
    )
    .await
    .unwrap();
    let again = payments::register(
        &store,
        t,
        input(loan.loan.id, m(50_000), Some("abc")),
        &maker(),
    )
    .await
    .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.payment, first.payment);
    assert_eq!(again.allocations, first.allocations);
    let after = loans::get(&store, t, loan.loan.id).await.unwrap();
    assert_eq!(after.total_paid, m(50_000), "one payment only");
    assert_invariants(&store, t, loan.loan.id).await;
}

async fn the_same_key_with_a_different_body_is_refused(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 6, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    payments::register(
        &store,
        t,
        input(loan.loan.id, m(50_000), Some("abc")),
        &maker(),
    )
    .await
    .unwrap();
    let err = payments::register(
        &store,
        t,
        input(loan.loan.id, m(60_000), Some("abc")),
        &maker(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, LendingError::IdempotencyMismatch), "{err}");
    // Another tenant may use the same key: keys are per tenant.
    let other = tenant(&store, "b").await;
    let p2 = product(
        &store,
        other,
        "flat",
        terms(InterestMethod::Flat, 6, "0.05"),
    )
    .await;
    let loan2 = disbursed_loan(&store, other, &p2, m(1_000_000), d(2026, 1, 10)).await;
    payments::register(
        &store,
        other,
        input(loan2.loan.id, m(50_000), Some("abc")),
        &maker(),
    )
    .await
    .unwrap();
}

async fn concurrent_requests_with_the_same_key_create_one_payment(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 6, "0.05")).await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            let id = loan.loan.id;
            tokio::spawn(async move {
                payments::register(&store, t, input(id, m(10_000), Some("same")), &maker()).await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap().payment.id);
    }
    ids.dedup();
    assert_eq!(
        ids.len(),
        1,
        "{}: every request got the same payment",
        db.backend
    );
    assert_eq!(
        loans::get(&store, t, loan.loan.id)
            .await
            .unwrap()
            .total_paid,
        m(10_000)
    );
    assert_invariants(&store, t, loan.loan.id).await;
}

async fn a_reversal_restores_the_balances_exactly_and_cannot_be_repeated(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(
        &store,
        t,
        "declining",
        terms(InterestMethod::Declining, 12, "0.03"),
    )
    .await;
    let loan = disbursed_loan(&store, t, &p, m(1_000_000), d(2026, 1, 10)).await;
    let id = loan.loan.id;
    payments::register(&store, t, input(id, m(100_000), None), &maker())
        .await
        .unwrap();
    let before = loans::detail(&store, t, id).await.unwrap();
    let second = payments::register(&store, t, input(id, m(250_000), None), &maker())
        .await
        .unwrap();
    let rev = payments::reverse(
        &store,
        t,
        second.payment.id,
        "Depósito duplicado",
        &checker(),
    )
    .await
    .unwrap();
    assert_eq!(rev.amount, m(250_000));
    let after = loans::detail(&store, t, id).await.unwrap();
    assert_eq!(
        after.installments, before.installments,
        "installments as before"
    );
    assert_eq!(
        (
            after.loan.total_paid,
            after.loan.outstanding,
            after.loan.status
        ),
        (
            before.loan.total_paid,
            before.loan.outstanding,
            LoanStatus::Disbursed
        )
    );
    let err = payments::reverse(&store, t, second.payment.id, "otra vez", &checker())
        .await
        .unwrap_err();
    assert!(
        matches!(err, LendingError::Refused(Refusal::AlreadyReversed(_))),
        "{err}"
    );
    assert!(
        payments::get(&store, t, second.payment.id)
            .await
            .unwrap()
            .payment
            .reversed
    );
    assert_invariants(&store, t, id).await;
}
