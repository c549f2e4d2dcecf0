//! Clients, tenants and lists across the services: duplicate warnings, isolation between tenants,
//! filters, pages and CSV, and the demo portfolio.

use crate::common::*;
use credinet_core::idempotency::IdempotencyKey;
use credinet_core::lending::terms::InterestMethod;
use credinet_lending::clients::{self, ClientFilter, ClientInput, ClientWarning};
use credinet_lending::loans::{self, LoanFilter, LoanStatus};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::{LendingError, PageRequest, csv, demo, events};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    duplicate_phones_and_curps_and_bad_rfc_check_digits_warn_but_do_not_refuse,
    another_tenant_cannot_read_or_change_a_tenants_clients_loans_or_payments,
    lists_filter_and_paginate_and_export_as_csv,
    the_demo_portfolio_is_seeded_once_and_keeps_the_invariants,
);

async fn duplicate_phones_and_curps_and_bad_rfc_check_digits_warn_but_do_not_refuse(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let input = ClientInput {
        full_name: "María Hernández Núñez".into(),
        phone: "+52 55 1234 5678".into(),
        curp: Some("HENM850714MDFRXR05".into()),
        ..ClientInput::default()
    };
    let first = clients::create(&store, t, input.clone(), &maker()).await;
    // The CURP above may not carry the right check digit: build a valid one from the core instead.
    let curp = match first {
        Ok(saved) => saved.client.curp.unwrap().as_str().to_string(),
        Err(_) => {
            let mut chars: Vec<char> = "HENM850714MDFRXR0".chars().collect();
            chars.push(credinet_core::curp::check_digit(&chars).unwrap());
            let curp: String = chars.into_iter().collect();
            clients::create(
                &store,
                t,
                ClientInput {
                    curp: Some(curp.clone()),
                    ..input.clone()
                },
                &maker(),
            )
            .await
            .unwrap();
            curp
        }
    };
    let second = clients::create(
        &store,
        t,
        ClientInput {
            full_name: "María H. Núñez".into(),
            phone: "5215512345678".into(),
            curp: Some(curp.to_lowercase()),
            rfc: Some("HENM850714AB1".into()),
            ..ClientInput::default()
        },
        &maker(),
    )
    .await
    .unwrap();
    let kinds: Vec<&str> = second
        .warnings
        .iter()
        .map(|w| match w {
            ClientWarning::DuplicatePhone { .. } => "phone",
            ClientWarning::DuplicateCurp { .. } => "curp",
            ClientWarning::RfcCheckDigit { .. } => "rfc",
            ClientWarning::BirthDateDiffersFromCurp { .. } => "birth",
        })
        .collect();
    assert!(kinds.contains(&"phone"), "{kinds:?}");
    assert!(kinds.contains(&"curp"), "{kinds:?}");
    assert_eq!(second.client.phone.as_str(), "+525512345678");
    assert_eq!(
        second.client.birth_date,
        Some(d(1985, 7, 14)),
        "from the CURP"
    );
    let bad = clients::create(
        &store,
        t,
        ClientInput {
            full_name: "Sin teléfono".into(),
            phone: "123".into(),
            ..ClientInput::default()
        },
        &maker(),
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, LendingError::Refused(_)), "{bad}");
}

async fn another_tenant_cannot_read_or_change_a_tenants_clients_loans_or_payments(db: TestDb) {
    let store = store(&db).await;
    let a = tenant(&store, "a").await;
    let b = tenant(&store, "b").await;
    let p = product(&store, a, "flat", terms(InterestMethod::Flat, 2, "0.05")).await;
    let detail = disbursed_loan(&store, a, &p, m(100_000), d(2026, 10, 1)).await;
    let loan = detail.loan.id;
    let pay = |tenant, key: &str| {
        let store = store.clone();
        let key = IdempotencyKey::parse(key).unwrap();
        async move {
            payments::register(
                &store,
                tenant,
                PaymentInput {
                    loan,
                    amount: m(1_000),
                    paid_on: None,
                    method: PaymentMethod::Cash,
                    reference: None,
                    idempotency_key: Some(key),
                },
                &maker(),
            )
            .await
        }
    };
    let paid = pay(a, "k1").await.unwrap();
    let not_found = |r: Result<_, LendingError>| matches!(r, Err(LendingError::NotFound(_)));
    assert!(not_found(
        clients::get(&store, b, detail.loan.client_id)
            .await
            .map(|_| ())
    ));
    assert!(not_found(loans::get(&store, b, loan).await.map(|_| ())));
    assert!(not_found(loans::detail(&store, b, loan).await.map(|_| ())));
    assert!(not_found(
        loans::approve(&store, b, loan, &checker())
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        loans::write_off(&store, b, loan, "x", &checker())
            .await
            .map(|_| ())
    ));
    assert!(not_found(pay(b, "k1").await.map(|_| ())));
    assert!(not_found(
        payments::get(&store, b, paid.payment.id).await.map(|_| ())
    ));
    assert!(not_found(
        payments::reverse(&store, b, paid.payment.id, "x", &checker())
            .await
            .map(|_| ())
    ));
    assert!(not_found(
        clients::update(
            &store,
            b,
            detail.loan.client_id,
            ClientInput {
                full_name: "Robado".into(),
                phone: "5512345678".into(),
                ..ClientInput::default()
            },
            &maker()
        )
        .await
        .map(|_| ())
    ));
    // Lists of tenant B are empty; tenant A's data is untouched.
    let filter = ClientFilter::default();
    assert_eq!(
        clients::list(&store, b, &filter, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let lf = LoanFilter::default();
    assert_eq!(
        loans::list(&store, b, &lf, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    let pf = payments::PaymentFilter::default();
    assert_eq!(
        payments::list(&store, b, &pf, PageRequest::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert!(events::list(&store, b, None, 10).await.unwrap().is_empty());
    assert_invariants(&store, a, loan).await;
    assert_eq!(
        loans::get(&store, a, loan).await.unwrap().total_paid,
        m(1_000)
    );
}

async fn lists_filter_and_paginate_and_export_as_csv(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    for (name, phone) in [
        ("Ana Pérez", "5511110000"),
        ("Beatriz Ruiz, \"Betty\"", "5522220000"),
        ("Carlos Pérez", "3333330000"),
    ] {
        clients::create(
            &store,
            t,
            ClientInput {
                full_name: name.into(),
                phone: phone.into(),
                ..ClientInput::default()
            },
            &maker(),
        )
        .await
        .unwrap();
    }
    let search = |s: &str| ClientFilter {
        search: Some(s.into()),
    };
    let by_name = clients::list(&store, t, &search("pérez"), PageRequest::default())
        .await
        .unwrap();
    let names: Vec<&str> = by_name.items.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(names, ["Ana Pérez", "Carlos Pérez"], "{}", db.backend);
    let by_phone = clients::list(&store, t, &search("2222"), PageRequest::default())
        .await
        .unwrap();
    assert_eq!(by_phone.total, 1);
    let second_page = clients::list(
        &store,
        t,
        &ClientFilter::default(),
        PageRequest::number(2, 2),
    )
    .await
    .unwrap();
    assert_eq!((second_page.total, second_page.items.len()), (3, 1));
    let all = clients::list(&store, t, &ClientFilter::default(), PageRequest::default())
        .await
        .unwrap();
    let csv = csv::clients_csv(&all.items);
    assert!(csv.starts_with("id,full_name,phone,"));
    assert!(csv.contains("\"Beatriz Ruiz, \"\"Betty\"\"\""), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), 4);

    let p = product(&store, t, "flat", terms(InterestMethod::Flat, 2, "0.05")).await;
    let detail = disbursed_loan(&store, t, &p, m(100_000), d(2026, 10, 1)).await;
    for (amount, on) in [(1_000, d(2026, 10, 5)), (2_000, d(2026, 10, 15))] {
        payments::register(
            &store,
            t,
            PaymentInput {
                loan: detail.loan.id,
                amount: m(amount),
                paid_on: Some(on),
                method: PaymentMethod::Transfer,
                reference: Some("=cmd".into()),
                idempotency_key: None,
            },
            &maker(),
        )
        .await
        .unwrap();
    }
    let filter = payments::PaymentFilter {
        loan: Some(detail.loan.id),
        from: Some(d(2026, 10, 10)),
        to: Some(d(2026, 10, 31)),
        include_reversed: false,
        ..Default::default()
    };
    let page = payments::list(&store, t, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].amount, m(2_000));
    assert!(csv::payments_csv(&page.items).contains(",'=cmd,"));
    let active = LoanFilter {
        statuses: vec![LoanStatus::Disbursed],
        client: None,
    };
    let loans_page = loans::list(&store, t, &active, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(loans_page.total, 1);
    assert_eq!(loans_page.items[0].client_name, "Ana Pérez López");
    assert!(csv::loans_csv(&loans_page.items).contains(",disbursed,1000.00,"));
}

async fn the_demo_portfolio_is_seeded_once_and_keeps_the_invariants(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "demo").await;
    let started = std::time::Instant::now();
    let report = demo::seed(&store, t, &maker(), &checker()).await.unwrap();
    eprintln!(
        "{}: demo portfolio {report:?} in {:?}",
        db.backend,
        started.elapsed()
    );
    assert!(!report.skipped);
    assert_eq!((report.clients, report.loans), (250, 300));
    assert!(report.payments > 300, "{report:?}");
    let again = demo::seed(&store, t, &maker(), &checker()).await.unwrap();
    assert!(again.skipped);
    let mut seen = std::collections::HashSet::new();
    let all = loans::list(
        &store,
        t,
        &LoanFilter::default(),
        PageRequest::number(1, 500),
    )
    .await
    .unwrap();
    for item in &all.items {
        seen.insert(item.loan.status);
        if item.loan.disbursed_on.is_some() {
            assert_invariants(&store, t, item.loan.id).await;
        }
    }
    assert_eq!(
        seen.len(),
        LoanStatus::ALL.len(),
        "every state present: {seen:?}"
    );
}
