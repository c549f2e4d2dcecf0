//! Sign-in with lockout, on the three databases: the failures of an account are counted and an attempt
//! admitted in one step, so parallel guesses cannot pass the limit.

use chrono::{Duration, TimeZone, Utc};
use credinet_accounts::login::{self, Attempt, LoginOutcome, LoginPolicy};
use credinet_accounts::{AccountSettings, Accounts, TenantInput, UserInput};
use credinet_core::role::Role;
use credinet_store::repo::audit::{Origin, Requester};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, StoreSettings, each_backend};

const RIGHT: &str = "contraseña-segura-1";

async fn account(db: &TestDb) -> Store {
    let store = Store::open(&StoreSettings {
        database_url: db.url.clone(),
        migrate_on_start: true,
        ..StoreSettings::default()
    })
    .await
    .expect("the test database opens and migrates");
    let accounts = Accounts::new(&store);
    let tenant = accounts
        .create_tenant(
            TenantInput {
                slug: "caja-candado".into(),
                legal_name: "Caja Candado".into(),
                time_zone: "America/Mexico_City".into(),
            },
            &Requester::cli(),
        )
        .await
        .unwrap();
    let user = UserInput {
        email: "gerente@caja.mx".into(),
        full_name: "Gerardo Gerente".into(),
        role: Role::Manager,
        password: RIGHT.into(),
    };
    accounts
        .create_user(tenant.id, user, &Requester::cli())
        .await
        .unwrap();
    store
}

fn policy() -> LoginPolicy {
    AccountSettings::default().login_policy()
}

async fn try_password(store: &Store, password: &str) -> LoginOutcome {
    let attempt = Attempt {
        tenant_slug: "caja-candado",
        email: "gerente@caja.mx",
        password,
        origin: Origin {
            ip: Some("203.0.113.7".into()),
            user_agent: None,
        },
    };
    login::login(store, &policy(), attempt).await.unwrap()
}

fn kind(outcome: &LoginOutcome) -> &'static str {
    match outcome {
        LoginOutcome::SignedIn { .. } => "signed in",
        LoginOutcome::Refused => "refused",
        LoginOutcome::Locked { .. } => "locked",
    }
}

each_backend!(
    parallel_wrong_passwords_get_no_more_tries_than_the_lockout_allows,
    a_right_password_after_a_few_failures_signs_in,
    attempts_while_locked_write_nothing,
    a_session_in_steady_use_still_ends_a_week_after_sign_in,
);

async fn parallel_wrong_passwords_get_no_more_tries_than_the_lockout_allows(db: TestDb) {
    let store = account(&db).await;
    let guesses: Vec<_> = (0..40)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(
                async move { kind(&try_password(&store, &format!("adivinanza-{n}")).await) },
            )
        })
        .collect();
    let mut outcomes = Vec::new();
    for guess in guesses {
        outcomes.push(guess.await.unwrap());
    }
    let refused = outcomes.iter().filter(|o| **o == "refused").count();
    let locked = outcomes.iter().filter(|o| **o == "locked").count();
    let limit = policy().lockout_max_failures as usize;
    assert_eq!(
        (refused, locked),
        (limit, 40 - limit),
        "only {limit} passwords may be checked: {outcomes:?}"
    );
    assert_eq!(
        kind(&try_password(&store, RIGHT).await),
        "locked",
        "the right password after the burst is not even checked"
    );
}

/// Login attempt rows, and audit entries of failed sign-ins, of the account's tenant.
async fn written(store: &Store) -> (u64, u64) {
    use credinet_store::entities::{audit_entry, login_attempt};
    use credinet_store::sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let attempts = login_attempt::Entity::find()
        .count(store.db())
        .await
        .unwrap();
    let audited = audit_entry::Entity::find()
        .filter(audit_entry::Column::Action.eq("user_login_failed"))
        .count(store.db())
        .await
        .unwrap();
    (attempts, audited)
}

async fn attempts_while_locked_write_nothing(db: TestDb) {
    let store = account(&db).await;
    let limit = policy().lockout_max_failures;
    for n in 0..limit {
        assert_eq!(
            kind(&try_password(&store, &format!("adivinanza-{n}")).await),
            "refused"
        );
    }
    let at_the_lock = written(&store).await;
    assert_eq!(
        at_the_lock,
        (u64::from(limit), u64::from(limit)),
        "each failure up to the limit is recorded and audited"
    );
    for n in 0..20 {
        assert_eq!(
            kind(&try_password(&store, &format!("otra-{n}")).await),
            "locked"
        );
    }
    assert_eq!(kind(&try_password(&store, RIGHT).await), "locked");
    assert_eq!(
        written(&store).await,
        at_the_lock,
        "attempts while locked write no row and no audit entry"
    );
}

async fn a_right_password_after_a_few_failures_signs_in(db: TestDb) {
    let store = account(&db).await;
    for n in 0..policy().lockout_max_failures - 1 {
        let outcome = try_password(&store, &format!("adivinanza-{n}")).await;
        assert_eq!(kind(&outcome), "refused");
    }
    assert_eq!(kind(&try_password(&store, RIGHT).await), "signed in");
    // A success starts the count again.
    assert_eq!(
        kind(&try_password(&store, "otra-adivinanza").await),
        "refused"
    );
    assert_eq!(kind(&try_password(&store, RIGHT).await), "signed in");
}

async fn a_session_in_steady_use_still_ends_a_week_after_sign_in(db: TestDb) {
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap());
    let store = account(&db).await.with_clock(clock.clone());
    let settings = AccountSettings::default();
    let LoginOutcome::SignedIn { session_token, .. } = try_password(&store, RIGHT).await else {
        panic!("the right password signs in");
    };
    let accounts = Accounts::new(&store);
    // Used every six hours: never idle for long (12 h), so only the absolute lifetime can end it.
    let mut used = Duration::zero();
    while used + Duration::hours(6) < settings.session_max_age() {
        clock.advance(Duration::hours(6));
        used += Duration::hours(6);
        let still = accounts.signed_in(&session_token, &settings).await.unwrap();
        assert!(still.is_some(), "still signed in after {used}");
    }
    clock.advance(settings.session_max_age() - used + Duration::minutes(1));
    assert!(
        accounts
            .signed_in(&session_token, &settings)
            .await
            .unwrap()
            .is_none(),
        "a week after signing in the session is over"
    );
}
