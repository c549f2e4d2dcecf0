//! Maker–checker by person, not by credential (SPEC §3): an API key stands for the user who created it.

use crate::common::*;
use credinet_core::ids::{LoanId, TenantId, UserId};
use credinet_core::lending::terms::InterestMethod;
use credinet_core::role::Role;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::loans::{self, LoanInput, LoanStatus};
use credinet_lending::{LendingError, Refusal};
use credinet_store::Store;
use credinet_store::each_backend;
use credinet_store::repo::api_keys::{self, NewApiKey};
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use credinet_store::testing::TestDb;

each_backend!(
    a_manager_cannot_approve_their_own_submission_with_a_key_they_created,
    an_admin_cannot_approve_their_own_submission_with_a_second_key_of_theirs,
    keys_of_different_people_and_keys_of_nobody_still_check_each_other,
);

/// Manager Marta (user 10) submits; Ana (user 20) is the admin; Gerardo (user 30) another manager.
const MARTA: i64 = 10;
const ANA: i64 = 20;
const GERARDO: i64 = 30;

async fn key(store: &Store, tenant: TenantId, name: &str, created_by: Option<i64>) -> Requester {
    let key = api_keys::create(
        store.db(),
        tenant,
        NewApiKey {
            name,
            prefix: "cn_prueba",
            key_hash: &format!("{name:0>64}"),
            role: Role::Manager,
            created_by: created_by.map(UserId::new),
        },
        store.now(),
    )
    .await
    .unwrap();
    Requester {
        actor: Actor {
            kind: ActorKind::ApiKey,
            id: Some(key.id.get()),
            label: format!("api:{name}"),
        },
        origin: Origin::default(),
    }
}

/// Draft number `n` of the test, created and submitted by `by`, with a product and a client of its own.
async fn submitted_by(store: &Store, tenant: TenantId, by: &Requester, n: u32) -> LoanId {
    let p = product(
        store,
        tenant,
        &format!("flat-{n}"),
        terms(InterestMethod::Flat, 2, "0.05"),
    )
    .await;
    let client = clients::create(
        store,
        tenant,
        ClientInput {
            full_name: format!("Luis Gómez {n}"),
            phone: format!("55123456{n:02}"),
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
    let loan = loans::create_draft(store, tenant, input, by).await.unwrap();
    loans::submit(store, tenant, loan.id, by).await.unwrap();
    loan.id
}

async fn assert_refused(store: &Store, tenant: TenantId, loan: LoanId, by: &Requester, why: &str) {
    match loans::approve(store, tenant, loan, by).await {
        Err(LendingError::Refused(Refusal::OwnApplication)) => {}
        other => panic!("{why}: expected a maker–checker refusal, got {other:?}"),
    }
    let still = loans::get(store, tenant, loan).await.unwrap();
    assert_eq!(still.status, LoanStatus::Submitted, "{why}");
}

async fn a_manager_cannot_approve_their_own_submission_with_a_key_they_created(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let martas_key = key(&store, t, "marta", Some(MARTA)).await;
    let loan = submitted_by(&store, t, &user(MARTA, "marta@caja.mx"), 1).await;
    assert_refused(&store, t, loan, &martas_key, "Marta's key is Marta").await;
    let approved = loans::approve(&store, t, loan, &user(GERARDO, "gerardo@caja.mx"))
        .await
        .unwrap();
    assert_eq!(approved.status, LoanStatus::Approved);

    // And the other way round: submitted with her key, approved by her session.
    let loan = submitted_by(&store, t, &martas_key, 2).await;
    assert_refused(
        &store,
        t,
        loan,
        &user(MARTA, "marta@caja.mx"),
        "Marta is Marta's key",
    )
    .await;
}

async fn an_admin_cannot_approve_their_own_submission_with_a_second_key_of_theirs(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    let first = key(&store, t, "ana-uno", Some(ANA)).await;
    let second = key(&store, t, "ana-dos", Some(ANA)).await;
    let loan = submitted_by(&store, t, &first, 3).await;
    assert_refused(&store, t, loan, &second, "both keys are Ana's").await;
    assert_refused(&store, t, loan, &user(ANA, "ana@caja.mx"), "Ana herself").await;
    let gerardos = key(&store, t, "gerardo", Some(GERARDO)).await;
    let approved = loans::approve(&store, t, loan, &gerardos).await.unwrap();
    assert_eq!(approved.status, LoanStatus::Approved);
}

async fn keys_of_different_people_and_keys_of_nobody_still_check_each_other(db: TestDb) {
    let store = store(&db).await;
    let t = tenant(&store, "a").await;
    // Keys made with the CLI have nobody behind them: each is its own checker.
    let cli_one = key(&store, t, "cli-uno", None).await;
    let cli_two = key(&store, t, "cli-dos", None).await;
    let loan = submitted_by(&store, t, &cli_one, 4).await;
    assert_refused(&store, t, loan, &cli_one, "the same key").await;
    let approved = loans::approve(&store, t, loan, &cli_two).await.unwrap();
    assert_eq!(approved.status, LoanStatus::Approved);
}
