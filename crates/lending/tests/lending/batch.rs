//! Group commit: payments written together answer exactly as if written one by one.

use crate::common::*;
use credinet_core::ids::LoanId;
use credinet_core::lending::terms::InterestMethod;
use credinet_core::money::Money;
use credinet_lending::LendingError;
use credinet_lending::loans::{self, LoanStatus};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod, register_batch};
use credinet_store::each_backend;
use credinet_store::entities::{audit_entry, domain_event};
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use credinet_store::testing::TestDb;

each_backend!(a_batch_answers_each_payment_as_if_it_were_alone);

fn pay(loan: LoanId, centavos: i64) -> (PaymentInput, credinet_store::repo::audit::Requester) {
    let input = PaymentInput {
        loan,
        amount: m(centavos),
        paid_on: Some(d(2026, 1, 20)),
        method: PaymentMethod::Transfer,
        reference: Some(format!("lote-{centavos}")),
        idempotency_key: None,
    };
    (input, maker())
}

async fn a_batch_answers_each_payment_as_if_it_were_alone(db: TestDb) {
    let store = store(&db).await;
    let tenant = tenant(&store, "caja").await;
    let flat = product(
        &store,
        tenant,
        "Fijo 6",
        terms(InterestMethod::Flat, 6, "0.05"),
    )
    .await;
    let a = disbursed_loan(&store, tenant, &flat, m(1_000_000), d(2026, 1, 10))
        .await
        .loan;
    let b = disbursed_loan(&store, tenant, &flat, m(1_000_000), d(2026, 1, 10))
        .await
        .loan;
    let payoff = b.outstanding.centavos(); // 13,480.00

    let mut bad_date = pay(a.id, 100);
    bad_date.0.paid_on = Some(d(2025, 12, 31));
    let requests = vec![
        pay(a.id, 100_000),             // 0: accepted
        pay(a.id, payoff),              // 1: above what A still owes after request 0
        pay(b.id, payoff),              // 2: pays B off
        pay(b.id, 100),                 // 3: B is paid now: refused
        pay(LoanId::new(999_999), 100), // 4: no such loan
        pay(a.id, -5),                  // 5: not a positive amount
        bad_date,                       // 6: before the disbursement
        pay(a.id, 50_000),              // 7: accepted, after request 0
    ];
    let results = register_batch(&store, tenant, requests).await;
    assert_eq!(results.len(), 8);
    let receipt0 = results[0]
        .as_ref()
        .expect("the first payment of A is accepted");
    assert_eq!(receipt0.loan_outstanding, m(payoff - 100_000));
    match &results[1] {
        Err(LendingError::AbovePayoff { payoff: owed, .. }) => {
            assert_eq!(*owed, m(payoff - 100_000))
        }
        other => panic!("above payoff expected, got {other:?}"),
    }
    let receipt2 = results[2].as_ref().expect("B is paid off");
    assert_eq!(
        (receipt2.loan_status, receipt2.loan_outstanding),
        (LoanStatus::Paid, Money::ZERO)
    );
    assert!(
        matches!(results[3], Err(LendingError::Conflict(_))),
        "{:?}",
        results[3]
    );
    assert!(
        matches!(results[4], Err(LendingError::NotFound("loan"))),
        "{:?}",
        results[4]
    );
    assert!(
        matches!(results[5], Err(LendingError::Invalid(_))),
        "{:?}",
        results[5]
    );
    assert!(
        matches!(results[6], Err(LendingError::Invalid(_))),
        "{:?}",
        results[6]
    );
    let receipt7 = results[7]
        .as_ref()
        .expect("the second payment of A is accepted");
    assert_eq!(
        receipt7.loan_outstanding,
        m(payoff - 150_000),
        "allocated after the first one"
    );
    assert!(
        receipt0.payment.id < receipt7.payment.id,
        "ids follow arrival order"
    );

    let a_now = loans::get(&store, tenant, a.id).await.unwrap();
    let b_now = loans::get(&store, tenant, b.id).await.unwrap();
    assert_eq!(
        (a_now.total_paid, a_now.outstanding),
        (m(150_000), m(payoff - 150_000))
    );
    assert_eq!(b_now.status, LoanStatus::Paid);
    assert_invariants(&store, tenant, a.id).await;
    assert_invariants(&store, tenant, b.id).await;

    // A receipt read back equals the one the batch answered.
    let stored = payments::get(&store, tenant, receipt7.payment.id)
        .await
        .unwrap();
    assert_eq!(stored.allocations, receipt7.allocations);
    assert_eq!(stored.payment.amount, m(50_000));

    let count = |action: &'static str| {
        audit_entry::Entity::find()
            .filter(audit_entry::Column::TenantId.eq(tenant.get()))
            .filter(audit_entry::Column::Action.eq(action))
            .count(store.db())
    };
    assert_eq!(
        count("payment_registered").await.unwrap(),
        3,
        "one audit entry per accepted payment"
    );
    assert_eq!(
        count("loan_paid").await.unwrap(),
        1,
        "B's transition to paid is audited"
    );
    let events = domain_event::Entity::find()
        .filter(domain_event::Column::TenantId.eq(tenant.get()))
        .filter(domain_event::Column::Kind.eq("payment_registered"))
        .count(store.db())
        .await
        .unwrap();
    assert_eq!(events, 3, "one event per accepted payment");

    // A later payment through the one-by-one path continues the ids without a clash.
    let alone = payments::register(&store, tenant, pay(a.id, 1_000).0, &maker())
        .await
        .unwrap();
    assert!(alone.payment.id > receipt7.payment.id);
}
