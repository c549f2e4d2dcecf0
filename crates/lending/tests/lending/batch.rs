//! Group commit: payments written together answer exactly as if written one by one.

use crate::common::*;
use credinet_core::ids::LoanId;
use credinet_core::lending::terms::InterestMethod;
use credinet_core::money::Money;
use credinet_lending::loans::{self, LoanStatus};
use credinet_lending::payments::{
    self, PaymentInput, PaymentMethod, PaymentReceipt, register_batch, register_together,
};
use credinet_lending::{LendingError, RefusalKind};
use credinet_store::each_backend;
use credinet_store::entities::{
    audit_entry, domain_event, installment, loan, payment, payment_allocation,
};
use credinet_store::repo::audit::{self, Origin};
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use credinet_store::testing::TestDb;

each_backend!(a_batch_answers_each_payment_as_if_it_were_alone);
each_backend!(a_batch_stores_the_same_rows_as_the_one_by_one_path);

/// Writes the requests as one batch where the backend can, and fails the test if the batch fell back
/// to one by one (which would answer the same and so hide a broken batch path); where the backend
/// writes payments one by one (MySQL), through the public entry point.
async fn batch(
    store: &credinet_store::Store,
    tenant: credinet_core::ids::TenantId,
    requests: Vec<(PaymentInput, credinet_store::repo::audit::Requester)>,
) -> Vec<Result<PaymentReceipt, LendingError>> {
    if !store.capabilities().batched_payments {
        return register_batch(store, tenant, requests).await;
    }
    register_together(store, tenant, &requests)
        .await
        .expect("the payments are written as one batch")
}

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
    let results = batch(&store, tenant, requests).await;
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
        matches!(results[3], Err(LendingError::Refused(ref r)) if r.kind() == RefusalKind::Conflict),
        "{:?}",
        results[3]
    );
    assert!(
        matches!(results[4], Err(LendingError::NotFound("loan"))),
        "{:?}",
        results[4]
    );
    assert!(
        matches!(results[5], Err(LendingError::Refused(ref r)) if r.kind() == RefusalKind::Invalid),
        "{:?}",
        results[5]
    );
    assert!(
        matches!(results[6], Err(LendingError::Refused(ref r)) if r.kind() == RefusalKind::Invalid),
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

/// Two identical loans, one paid through the one-by-one path and one through a batch: every stored
/// column that does not name its own row (ids, the loan's number) is the same, and the audit chain
/// seals and verifies. On PostgreSQL the batch is one statement of its own, so this pins it to the
/// ordinary path.
async fn a_batch_stores_the_same_rows_as_the_one_by_one_path(db: TestDb) {
    let store = store(&db).await;
    let tenant = tenant(&store, "igual").await;
    let flat = product(
        &store,
        tenant,
        "Fijo 6",
        terms(InterestMethod::Flat, 6, "0.05"),
    )
    .await;
    let alone = disbursed_loan(&store, tenant, &flat, m(1_000_000), d(2026, 1, 10))
        .await
        .loan;
    let batched = disbursed_loan(&store, tenant, &flat, m(1_000_000), d(2026, 1, 10))
        .await
        .loan;
    let mut by = maker();
    by.origin = Origin {
        ip: Some("10.0.0.7".into()),
        user_agent: Some("caja/1.0".into()),
    };
    let input = |loan: LoanId, centavos: i64, reference: Option<&str>| PaymentInput {
        loan,
        amount: m(centavos),
        paid_on: Some(d(2026, 1, 20)),
        method: PaymentMethod::Cash,
        reference: reference.map(String::from),
        idempotency_key: None,
    };
    // The second payment pays the loan off: its status, paid_at and the transition are written too.
    let payoff_after_first = alone.outstanding.centavos() - 300_000;
    for (centavos, reference) in [(300_000, Some("recibo 1")), (payoff_after_first, None)] {
        payments::register(&store, tenant, input(alone.id, centavos, reference), &by)
            .await
            .unwrap();
    }
    let results = batch(
        &store,
        tenant,
        vec![
            (input(batched.id, 300_000, Some("recibo 1")), by.clone()),
            (input(batched.id, payoff_after_first, None), by.clone()),
        ],
    )
    .await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");

    let db = store.db();
    let payments_of = |loan: LoanId| {
        payment::Entity::find()
            .filter(payment::Column::LoanId.eq(loan.get()))
            .order_by_asc(payment::Column::Id)
            .all(db)
    };
    let strip_payment = |p: payment::Model| {
        (
            p.amount,
            p.paid_on,
            p.method,
            p.reference,
            p.idempotency_key,
            p.request_hash.len(), // a digest of the request, which names the loan
            p.registered_by_kind,
            p.registered_by_id,
            p.registered_by_label,
            p.reversed,
        )
    };
    let (pa, pb) = (
        payments_of(alone.id).await.unwrap(),
        payments_of(batched.id).await.unwrap(),
    );
    assert_eq!(pa.len(), 2);
    assert_eq!(
        pa.iter().cloned().map(strip_payment).collect::<Vec<_>>(),
        pb.iter().cloned().map(strip_payment).collect::<Vec<_>>()
    );

    let allocations_of = |payments: &[payment::Model]| {
        let ids: Vec<i64> = payments.iter().map(|p| p.id).collect();
        async move {
            payment_allocation::Entity::find()
                .filter(payment_allocation::Column::PaymentId.is_in(ids))
                .order_by_asc(payment_allocation::Column::Id)
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.installment_number, a.component, a.amount))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(allocations_of(&pa).await, allocations_of(&pb).await);

    let installments_of = |loan: LoanId| async move {
        installment::Entity::find()
            .filter(installment::Column::LoanId.eq(loan.get()))
            .order_by_asc(installment::Column::Number)
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|i| {
                (
                    i.number,
                    i.paid_principal,
                    i.paid_interest,
                    i.paid_interest_iva,
                    i.paid_late_fee,
                    i.paid_late_fee_iva,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        installments_of(alone.id).await,
        installments_of(batched.id).await
    );

    let loan_row = |loan: LoanId| async move {
        let l = loan::Entity::find_by_id(loan.get())
            .one(db)
            .await
            .unwrap()
            .unwrap();
        (l.total_paid, l.outstanding, l.status, l.paid_at.is_some())
    };
    assert_eq!(loan_row(alone.id).await, loan_row(batched.id).await);
    assert_eq!(loan_row(batched.id).await.2, "paid");

    // Audit entries: same actor, origin and snapshots; in the order of the payments.
    let entries_for = |payments: &[payment::Model]| {
        let ids: Vec<String> = payments.iter().map(|p| p.id.to_string()).collect();
        async move {
            audit_entry::Entity::find()
                .filter(audit_entry::Column::TenantId.eq(tenant.get()))
                .filter(audit_entry::Column::Action.eq("payment_registered"))
                .filter(audit_entry::Column::EntityId.is_in(ids))
                .order_by_asc(audit_entry::Column::Id)
                .all(db)
                .await
                .unwrap()
        }
    };
    let (ea, eb) = (entries_for(&pa).await, entries_for(&pb).await);
    assert_eq!(
        eb.iter().map(|e| e.entity_id.clone()).collect::<Vec<_>>(),
        pb.iter()
            .map(|p| Some(p.id.to_string()))
            .collect::<Vec<_>>(),
        "audit entries follow the payments' order"
    );
    let comparable = |e: &audit_entry::Model| {
        let after: serde_json::Value =
            serde_json::from_str(e.after_json.as_deref().unwrap()).unwrap();
        (
            e.actor_kind.clone(),
            e.actor_id,
            e.actor_label.clone(),
            e.entity.clone(),
            e.ip.clone(),
            e.user_agent.clone(),
            e.before_json.clone(),
            after["loan_outstanding"].clone(),
            after["loan_status"].clone(),
            after["payment"]["amount"].clone(),
            after["allocations"].as_array().map(Vec::len),
        )
    };
    assert_eq!(
        ea.iter().map(comparable).collect::<Vec<_>>(),
        eb.iter().map(comparable).collect::<Vec<_>>()
    );

    // Events: the same payloads but for the ids and the loan's number.
    let events_for = |payments: &[payment::Model]| {
        let ids: Vec<String> = payments.iter().map(|p| p.id.to_string()).collect();
        async move {
            domain_event::Entity::find()
                .filter(domain_event::Column::Entity.eq("payment"))
                .filter(domain_event::Column::EntityId.is_in(ids))
                .order_by_asc(domain_event::Column::Id)
                .all(db)
                .await
                .unwrap()
                .into_iter()
                .map(|e| {
                    let mut payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap();
                    for key in ["payment_id", "loan_id", "loan_number"] {
                        payload.as_object_mut().unwrap().remove(key);
                    }
                    (e.kind, e.entity, e.delivered_at, payload)
                })
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(events_for(&pa).await, events_for(&pb).await);

    // Both paths' entries were sealed as their transactions committed.
    let check = audit::verify(store.db(), tenant, store.now())
        .await
        .unwrap();
    assert_eq!(check.first_broken, None);
    assert_eq!(check.stale_unsealed, 0);
    assert_eq!(check.unqueued, 0);
    let pending = audit::verify(store.db(), tenant, store.now() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        pending.stale_unsealed, 0,
        "nothing is left waiting for a sealer"
    );
}

each_backend!(the_batch_writer_stores_every_payment_column_it_is_given);

/// `payment_batch::write` is a store function: whatever a payment row carries is stored, an
/// idempotency key included, although the queue itself only batches payments without one.
async fn the_batch_writer_stores_every_payment_column_it_is_given(db: TestDb) {
    use credinet_core::ids::PaymentId;
    use credinet_store::repo::audit::{Actor, ActorKind};
    use credinet_store::repo::payment_batch::{self, BatchWrites};
    use credinet_store::repo::payments::NewPayment;

    let store = store(&db).await;
    let tenant = tenant(&store, "llave").await;
    let flat = product(
        &store,
        tenant,
        "Fijo 6",
        terms(InterestMethod::Flat, 6, "0.05"),
    )
    .await;
    let loan = disbursed_loan(&store, tenant, &flat, m(1_000_000), d(2026, 1, 10))
        .await
        .loan;
    let tx = store.write().await.unwrap();
    // A fixed id: MySQL has no way to reserve one, and the writer stores what it is given.
    let id = PaymentId::new(900_001);
    let new = NewPayment {
        loan_id: loan.id,
        amount: 1_000,
        paid_on: d(2026, 1, 20),
        method: "cash".into(),
        reference: Some("folio 9".into()),
        idempotency_key: Some("llave-1".into()),
        request_hash: "ab".repeat(32),
        registered_by: Actor {
            kind: ActorKind::User,
            id: Some(1),
            label: "cajero@demo.mx".into(),
        },
    };
    let rows = BatchWrites {
        payments: vec![(id, new)],
        ..Default::default()
    };
    payment_batch::write(&tx, tenant, rows, store.now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let stored = payment::Entity::find_by_id(id.get())
        .one(store.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            stored.tenant_id,
            stored.loan_id,
            stored.amount,
            stored.paid_on,
            stored.reference.as_deref(),
            stored.idempotency_key.as_deref(),
            stored.registered_by_label.as_deref(),
            stored.reversed,
        ),
        (
            tenant.get(),
            loan.id.get(),
            1_000,
            d(2026, 1, 20),
            Some("folio 9"),
            Some("llave-1"),
            Some("cajero@demo.mx"),
            false,
        )
    );
}
