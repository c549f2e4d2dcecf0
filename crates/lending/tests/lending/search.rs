//! Client search as a cashier types it (issue 22, defect 6): any case, with or without accents, a phone in
//! any form, a loan number — the same answer on SQLite, PostgreSQL and MariaDB.

use crate::common::*;
use credinet_core::lending::terms::InterestMethod;
use credinet_lending::PageRequest;
use credinet_lending::clients::{self, ClientFilter, ClientInput};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;

each_backend!(
    a_search_ignores_case_and_accents_and_reads_phones_in_any_form_and_loan_numbers,
    a_renamed_client_is_found_by_the_new_name_only,
);

async fn found(
    store: &credinet_store::Store,
    t: credinet_core::ids::TenantId,
    text: &str,
) -> Vec<String> {
    let filter = ClientFilter {
        search: Some(text.into()),
    };
    clients::list(store, t, &filter, PageRequest::default())
        .await
        .unwrap_or_else(|e| panic!("searching «{text}»: {e}"))
        .items
        .into_iter()
        .map(|c| c.full_name)
        .collect()
}

async fn a_search_ignores_case_and_accents_and_reads_phones_in_any_form_and_loan_numbers(
    db: TestDb,
) {
    let store = store(&db).await;
    let t = tenant(&store, "busqueda").await;
    for (name, phone) in [
        ("Leticia Álvarez Morales", "55 2345 6789"),
        ("José Hernández Peña", "33 1111 2222"),
        ("Jose Hernandez Pena", "81 3333 4444"),
        ("Ana Pérez López", "55 9999 0000"),
    ] {
        let input = ClientInput {
            full_name: name.into(),
            phone: phone.into(),
            ..ClientInput::default()
        };
        clients::create(&store, t, input, &maker()).await.unwrap();
    }
    let both = ["José Hernández Peña", "Jose Hernandez Pena"];
    let cases: [(&str, &[&str]); 10] = [
        ("alvarez", &["Leticia Álvarez Morales"]),
        ("ÁLVAREZ", &["Leticia Álvarez Morales"]),
        ("leticia  alvarez", &["Leticia Álvarez Morales"]),
        ("hernandez", &both),
        ("Hernández", &both),
        ("peña", &both),
        // The WhatsApp form of a Mexican mobile, +52 with spaces, and a part of the digits.
        ("5215523456789", &["Leticia Álvarez Morales"]),
        ("+52 55 2345 6789", &["Leticia Álvarez Morales"]),
        ("(55) 2345-6789", &["Leticia Álvarez Morales"]),
        ("3333", &["Jose Hernandez Pena"]),
    ];
    for (text, expected) in cases {
        let mut names = found(&store, t, text).await;
        names.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(names, expected, "«{text}» on {}", db.backend);
    }

    // A loan number, with or without its zeros, finds the client who holds the loan.
    let product = product(&store, t, "Semanal", terms(InterestMethod::Flat, 4, "0.05")).await;
    let loan = disbursed_loan(&store, t, &product, m(500_000), d(2026, 3, 2)).await;
    let short = loan.loan.number.trim_start_matches('0').to_string();
    for text in [
        loan.loan.number.as_str(),
        short.as_str(),
        &format!("#{short}"),
    ] {
        assert!(
            found(&store, t, text)
                .await
                .contains(&"Ana Pérez López".to_string()),
            "loan number «{text}» on {}",
            db.backend
        );
    }

    // Another tenant's clients are never found.
    let other = tenant(&store, "otra").await;
    assert!(found(&store, other, "alvarez").await.is_empty());
}

async fn a_renamed_client_is_found_by_the_new_name_only(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "renombre").await;
    let input = ClientInput {
        full_name: "Martha Ñúñez".into(),
        phone: "55 1212 3434".into(),
        ..ClientInput::default()
    };
    let client = clients::create(&store, t, input.clone(), &maker())
        .await
        .unwrap()
        .client;
    assert_eq!(found(&store, t, "nunez").await, ["Martha Ñúñez"]);
    let renamed = ClientInput {
        full_name: "Martha Óvalle".into(),
        ..input
    };
    clients::update(&store, t, client.id, renamed, &maker())
        .await
        .unwrap();
    assert!(found(&store, t, "nunez").await.is_empty(), "{}", db.backend);
    assert_eq!(found(&store, t, "ovalle").await, ["Martha Óvalle"]);
}
