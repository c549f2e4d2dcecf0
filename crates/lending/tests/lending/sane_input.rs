//! Input a person can type but no lender means (issue 22, defect 7): a disbursement in 1582, a payment
//! in 1999, a birth date tomorrow, a declining loan whose installments round to 0.00.

use crate::common::*;
use credinet_core::lending::schedule::ScheduleError;
use credinet_core::lending::terms::InterestMethod;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::loans::{self, LoanInput};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::{DateOf, LendingError, Refusal};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    dates_outside_their_window_are_refused,
    a_declining_loan_whose_installments_round_to_zero_is_refused_like_flat,
);

fn refused_date(result: Result<impl std::fmt::Debug, LendingError>) -> Option<DateOf> {
    match result {
        Err(LendingError::Refused(Refusal::DateOutOfRange { what, .. })) => Some(what),
        other => panic!("expected a date refusal, got {other:?}"),
    }
}

async fn dates_outside_their_window_are_refused(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "fechas").await;
    let today = chrono::Utc::now().date_naive();

    let born_tomorrow = ClientInput {
        full_name: "Rosa Díaz".into(),
        phone: "55 4444 1111".into(),
        birth_date: today.succ_opt(),
        ..ClientInput::default()
    };
    // Tomorrow in UTC may still be today in Mexico City: two days ahead is the future everywhere.
    let born_later = ClientInput {
        birth_date: today.checked_add_days(chrono::Days::new(2)),
        ..born_tomorrow.clone()
    };
    assert_eq!(
        refused_date(clients::create(&store, t, born_later, &maker()).await),
        Some(DateOf::Birth)
    );
    let born_1850 = ClientInput {
        birth_date: Some(d(1850, 1, 1)),
        ..born_tomorrow.clone()
    };
    assert_eq!(
        refused_date(clients::create(&store, t, born_1850, &maker()).await),
        Some(DateOf::Birth)
    );

    let product = product(
        &store,
        t,
        "Quincenal",
        terms(InterestMethod::Flat, 6, "0.05"),
    )
    .await;
    let client = clients::create(
        &store,
        t,
        ClientInput {
            birth_date: Some(d(1985, 5, 12)),
            ..born_tomorrow
        },
        &maker(),
    )
    .await
    .expect("a birth date in the past is fine")
    .client;
    let input = LoanInput {
        client: client.id,
        product: product.id,
        principal: m(500_000),
        term: None,
    };
    let loan = loans::create_draft(&store, t, input, &maker())
        .await
        .unwrap();
    loans::submit(&store, t, loan.id, &maker()).await.unwrap();
    loans::approve(&store, t, loan.id, &checker())
        .await
        .unwrap();
    for year in [1, 1582, 1999] {
        assert_eq!(
            refused_date(
                loans::disburse(&store, t, loan.id, Some(d(year, 6, 1)), &checker()).await
            ),
            Some(DateOf::Disbursement),
            "year {year} on {}",
            db.backend
        );
    }
    loans::disburse(&store, t, loan.id, Some(d(2026, 1, 10)), &checker())
        .await
        .expect("a sane date");
    let loan = loans::get(&store, t, loan.id).await.unwrap();
    assert_eq!(loan.disbursed_on, Some(d(2026, 1, 10)), "{}", db.backend);

    let early = PaymentInput {
        loan: loan.id,
        amount: m(10_000),
        paid_on: Some(d(1999, 12, 31)),
        method: PaymentMethod::Cash,
        reference: None,
        idempotency_key: None,
    };
    let refused = payments::register(&store, t, early, &maker()).await;
    // The loan was disbursed in 2026, so a payment in 1999 is refused either way; the window speaks first.
    assert!(
        matches!(
            refused,
            Err(LendingError::Refused(
                Refusal::DateOutOfRange {
                    what: DateOf::Payment,
                    ..
                } | Refusal::PaidBeforeDisbursement { .. }
            ))
        ),
        "{refused:?}"
    );
}

async fn a_declining_loan_whose_installments_round_to_zero_is_refused_like_flat(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "diminuto").await;
    let client = clients::create(
        &store,
        t,
        ClientInput {
            full_name: "Pedro Ruiz".into(),
            phone: "55 4444 2222".into(),
            ..ClientInput::default()
        },
        &maker(),
    )
    .await
    .unwrap()
    .client;
    for method in [InterestMethod::Flat, InterestMethod::Declining] {
        let name = format!("Largo {method:?}");
        let product = product(&store, t, &name, terms(method, 150, "0.001")).await;
        let input = LoanInput {
            client: client.id,
            product: product.id,
            principal: m(100),
            term: None,
        };
        let refused = loans::create_draft(&store, t, input, &maker()).await;
        assert!(
            matches!(
                refused,
                Err(LendingError::Refused(Refusal::Schedule(
                    ScheduleError::PrincipalTooSmall { periods: 150, .. }
                )))
            ),
            "{method:?} on {}: {refused:?}",
            db.backend
        );
    }
}
