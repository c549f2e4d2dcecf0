use crate::common::*;
use credinet_core::lending::schedule::build_schedule;
use credinet_core::lending::terms::{CutDays, InterestMethod};
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::loans::{self, LoanFilter, LoanInput, LoanStatus};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::{LendingError, PageRequest, Refusal, events};
use credinet_store::each_backend;
use credinet_store::repo::audit::Requester;
use credinet_store::testing::TestDb;
use rust_decimal::Decimal;

each_backend!(
    the_worked_examples_are_stored_to_the_centavo,
    a_loan_goes_from_draft_to_paid_with_an_audit_entry_and_an_event_per_step,
    the_submitter_cannot_approve_their_own_loan,
    transitions_outside_the_lifecycle_are_refused,
);

async fn the_worked_examples_are_stored_to_the_centavo(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    for (name, terms, principal) in [
        (
            "flat 6",
            terms(InterestMethod::Flat, 6, "0.05"),
            m(1_000_000),
        ),
        (
            "declining 12",
            terms(InterestMethod::Declining, 12, "0.03"),
            m(1_000_000),
        ),
    ] {
        let p = product(&store, t, name, terms.clone()).await;
        let detail = disbursed_loan(&store, t, &p, principal, d(2026, 1, 10)).await;
        let expected =
            build_schedule(&terms, principal, d(2026, 1, 10), &CutDays::default()).unwrap();
        let stored: Vec<_> = detail
            .installments
            .iter()
            .map(|i| {
                (
                    i.number,
                    i.due_date,
                    i.due.principal,
                    i.due.interest,
                    i.due.interest_iva,
                    i.total_due,
                )
            })
            .collect();
        let core: Vec<_> = expected
            .installments
            .iter()
            .map(|i| {
                (
                    i.number,
                    i.due_date,
                    i.principal,
                    i.interest,
                    i.iva,
                    i.total,
                )
            })
            .collect();
        assert_eq!(stored, core, "{name} on {}", db.backend);
        assert_eq!(detail.loan.total_due, expected.total_to_pay, "{name}");
        assert_eq!(detail.loan.outstanding, expected.total_to_pay, "{name}");
        assert_eq!(detail.loan.cat, Some(expected.cat), "{name}");
        assert_eq!(detail.loan.net_disbursed, Some(expected.net_disbursed));
        // Read back from the database, not from the disbursement's answer.
        let again = loans::detail(&store, t, detail.loan.id).await.unwrap();
        assert_eq!(again, detail, "{name} reads back as written");
    }
    // Spot checks of SPEC's hand calculations: 2,246.67 × 5 + 2,246.65; CAT 541.7 % and 103.3 %.
    let page = loans::list(&store, t, &LoanFilter::default(), PageRequest::default())
        .await
        .unwrap();
    let cats: Vec<Option<Decimal>> = page.items.iter().map(|i| i.loan.cat).collect();
    assert_eq!(
        cats,
        vec![Some(Decimal::new(1033, 1)), Some(Decimal::new(5417, 1))]
    );
    let flat = page.items.last().unwrap().loan.id;
    let flat = loans::detail(&store, t, flat).await.unwrap();
    assert_eq!(flat.loan.total_due, m(1_348_000));
    assert_eq!(flat.installments[0].due_date, d(2026, 1, 22));
    assert_eq!(flat.installments[5].total_due, m(224_665));
}

async fn a_loan_goes_from_draft_to_paid_with_an_audit_entry_and_an_event_per_step(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 2, "0.05")).await;
    let detail = disbursed_loan(&store, t, &p, m(100_000), d(2026, 10, 1)).await;
    assert_eq!(detail.loan.status, LoanStatus::Disbursed);
    assert_eq!(detail.loan.submitted_by.as_ref().unwrap().id, Some(1));
    assert_eq!(detail.loan.approved_by.as_ref().unwrap().id, Some(2));
    let payoff = detail.loan.outstanding;
    let receipt = payments::register(
        &store,
        t,
        PaymentInput {
            loan: detail.loan.id,
            amount: payoff,
            paid_on: Some(d(2026, 10, 20)),
            method: PaymentMethod::Cash,
            reference: None,
            idempotency_key: None,
        },
        &maker(),
    )
    .await
    .unwrap();
    assert_eq!(receipt.loan_status, LoanStatus::Paid);
    assert_eq!(receipt.loan_outstanding, m(0));
    let kinds: Vec<String> = events::list(&store, t, None, 100)
        .await
        .unwrap()
        .into_iter()
        .rev()
        .map(|e| e.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            "loan_submitted",
            "loan_approved",
            "loan_disbursed",
            "payment_registered",
            "loan_paid"
        ]
    );
    let actions: Vec<String> = credinet_store::repo::audit::list(store.db(), t, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "client_created",
        "product_created",
        "loan_created",
        "loan_submitted",
        "loan_approved",
        "loan_disbursed",
        "payment_registered",
        "loan_paid",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    // Reversing the last payment puts the loan back to active.
    let rev = payments::reverse(
        &store,
        t,
        receipt.payment.id,
        "Cheque sin fondos",
        &checker(),
    )
    .await
    .unwrap();
    assert_eq!(rev.loan_status, LoanStatus::Disbursed);
    assert_eq!(rev.loan_outstanding, payoff);
    assert_invariants(&store, t, detail.loan.id).await;
    let written = loans::write_off(&store, t, detail.loan.id, "Incobrable", &checker())
        .await
        .unwrap();
    assert_eq!(written.status, LoanStatus::WrittenOff);
    assert_eq!(written.write_off_reason.as_deref(), Some("Incobrable"));
}

async fn the_submitter_cannot_approve_their_own_loan(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 2, "0.05")).await;
    let client = clients::create(
        &store,
        t,
        ClientInput {
            full_name: "Luis Gómez".into(),
            phone: "5512345678".into(),
            ..ClientInput::default()
        },
        &maker(),
    )
    .await
    .unwrap()
    .client;
    let input = LoanInput {
        client: client.id,
        product: p.id,
        principal: m(500_000),
        term: None,
    };
    let loan = loans::create_draft(&store, t, input, &maker())
        .await
        .unwrap();
    loans::submit(&store, t, loan.id, &maker()).await.unwrap();
    let same_person = user(1, "renamed@demo.mx");
    let err = loans::approve(&store, t, loan.id, &same_person)
        .await
        .unwrap_err();
    assert!(
        matches!(err, LendingError::Refused(Refusal::OwnApplication)),
        "{err}"
    );
    // The same id under another kind of actor is another actor (a user 1 is not API key 1).
    let api_key = Requester {
        actor: credinet_store::repo::audit::Actor {
            kind: credinet_store::repo::audit::ActorKind::ApiKey,
            id: Some(1),
            label: "integración".into(),
        },
        origin: Default::default(),
    };
    let approved = loans::approve(&store, t, loan.id, &api_key).await.unwrap();
    assert_eq!(approved.status, LoanStatus::Approved);
}

async fn transitions_outside_the_lifecycle_are_refused(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 2, "0.05")).await;
    let detail = disbursed_loan(&store, t, &p, m(100_000), d(2026, 10, 1)).await;
    let id = detail.loan.id;
    for err in [
        loans::approve(&store, t, id, &checker()).await.unwrap_err(),
        loans::submit(&store, t, id, &maker()).await.unwrap_err(),
        loans::reject(&store, t, id, "tarde", &checker())
            .await
            .unwrap_err(),
        loans::disburse(&store, t, id, None, &checker())
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(
                err,
                LendingError::InvalidTransition {
                    from: "disbursed",
                    ..
                }
            ),
            "{err}"
        );
    }
    let err = loans::reject(&store, t, id, "  ", &checker())
        .await
        .unwrap_err();
    assert!(
        matches!(err, LendingError::Refused(Refusal::ReasonRequired)),
        "a reason is required: {err}"
    );
    // A loan that is not disbursed takes no payment.
    let client = detail.loan.client_id;
    let draft = loans::create_draft(
        &store,
        t,
        LoanInput {
            client,
            product: p.id,
            principal: m(100_000),
            term: None,
        },
        &maker(),
    )
    .await
    .unwrap();
    let err = payments::register(
        &store,
        t,
        PaymentInput {
            loan: draft.id,
            amount: m(100),
            paid_on: None,
            method: PaymentMethod::Cash,
            reference: None,
            idempotency_key: None,
        },
        &maker(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, LendingError::Refused(Refusal::TakesNoPayments { .. })),
        "{err}"
    );
    assert_eq!(draft.number, "000002", "loan numbers count per tenant");
}
