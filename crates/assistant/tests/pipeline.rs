//! The pipeline on every backend, without HTTP: a borrower's conversation from greeting to balance
//! through verification and a handoff, loan data kept from an unverified sender, a redelivered message
//! answered once, three wrong birth dates locking the session with a `verification_locked` event, and a
//! PIN set by staff verifying in place of the birth date.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use credinet_assistant::client_pin;
use credinet_assistant::message::{Channel, Content, Inbound, Sender};
use credinet_assistant::orchestrator::SECRET_IN_TRANSCRIPT;
use credinet_assistant::{Assistant, AssistantSettings, Handled};
use credinet_core::events::EventKind;
use credinet_core::ids::TenantId;
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::phone::Phone;
use credinet_core::pin::Pin;
use credinet_core::rate::Rate;
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::loans::{self, LoanDetail, LoanInput};
use credinet_lending::products::{self, ProductInput};
use credinet_store::repo::assistant as repo;
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use credinet_store::repo::events;
use credinet_store::repo::tenants::{self, NewTenant, Tenant};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend, migrations};

const PHONE: &str = "55 1234 5678";

struct World {
    assistant: Assistant,
    clock: ManualClock,
    tenant: Tenant,
    loan: LoanDetail,
}

fn staff(id: i64) -> Requester {
    Requester {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(id),
            label: format!("staff{id}@demo.mx"),
        },
        origin: Origin::default(),
    }
}

/// A tenant, a client born 12 May 1985 with phone 55 1234 5678, and a disbursed loan of $10,000.
async fn world(db: &TestDb) -> World {
    let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 12, 3, 18, 0, 0).unwrap());
    let store = Store::connect(&db.url)
        .await
        .expect("connect")
        .with_clock(clock.clone());
    migrations::run(&store).await.expect("migrate");
    let tenant = tenants::create(
        store.db(),
        NewTenant {
            slug: TenantSlug::parse("caja-sol").unwrap(),
            legal_name: "Caja Sol".into(),
            zone: Zone::mexico_city(),
            currency: credinet_core::currency::Currency::MXN,
            settings: credinet_core::tenant_settings::TenantSettings::default(),
        },
        store.now(),
    )
    .await
    .unwrap();
    let loan = disbursed_loan(&store, tenant.id, "Ana Pérez López", PHONE).await;
    World {
        assistant: Assistant::new(store, AssistantSettings::default()),
        clock,
        tenant,
        loan,
    }
}

async fn disbursed_loan(store: &Store, tenant: TenantId, name: &str, phone: &str) -> LoanDetail {
    let terms = ProductTerms::new(
        Periodicity::BiweeklyCut,
        6,
        InterestMethod::Flat,
        Rate::parse("0.05").unwrap(),
    )
    .unwrap();
    let product = products::create(
        store,
        tenant,
        ProductInput {
            name: format!("Quincenal {name}"),
            limits: ProductLimits::defaults_for(terms.term_periods()),
            terms,
            active: true,
        },
        &staff(1),
    )
    .await
    .unwrap();
    let client = clients::create(
        store,
        tenant,
        ClientInput {
            full_name: name.into(),
            phone: phone.into(),
            birth_date: NaiveDate::from_ymd_opt(1985, 5, 12),
            ..ClientInput::default()
        },
        &staff(1),
    )
    .await
    .unwrap()
    .client;
    let draft = loans::create_draft(
        store,
        tenant,
        LoanInput {
            client: client.id,
            product: product.id,
            principal: Money::from_centavos(1_000_000),
            term: None,
        },
        &staff(1),
    )
    .await
    .unwrap();
    loans::submit(store, tenant, draft.id, &staff(1))
        .await
        .unwrap();
    loans::approve(store, tenant, draft.id, &staff(2))
        .await
        .unwrap();
    loans::disburse(
        store,
        tenant,
        draft.id,
        NaiveDate::from_ymd_opt(2026, 11, 20),
        &staff(2),
    )
    .await
    .unwrap()
}

fn whatsapp(from: &str, text: &str, id: Option<&str>) -> Inbound {
    Inbound {
        channel: Channel::CloudApi,
        sender: Sender::Phone(Phone::from_whatsapp_id(from).unwrap()),
        content: Content::Text(text.into()),
        message_id: id.map(str::to_string),
        in_group: false,
        is_test: false,
    }
}

impl World {
    async fn say(&self, from: &str, text: &str) -> Handled {
        self.assistant
            .handle(&self.tenant, false, &whatsapp(from, text, None))
            .await
            .unwrap_or_else(|e| panic!("«{text}» failed: {e}"))
    }

    /// The single reply to `text`.
    async fn ask(&self, from: &str, text: &str) -> String {
        let handled = self.say(from, text).await;
        assert_eq!(
            handled.replies.len(),
            1,
            "one reply to «{text}»: {handled:?}"
        );
        handled.replies[0].text.clone()
    }
}

/// Written here rather than with the crate's `long_date`, so the test pins the format down itself.
fn fecha(d: NaiveDate) -> String {
    let month = credinet_assistant::months::MONTHS[d.month0() as usize];
    format!("{} de {month} de {}", d.day(), d.year())
}

async fn greeting_verify_balance_next_payment_agent_release_balance(db: TestDb) {
    let w = world(&db).await;
    // WhatsApp writes the Mexican mobile as 521…: the same number as the client's +52 55 1234 5678.
    let me = "5215512345678";
    let menu = w.ask(me, "Hola buenas tardes").await;
    assert!(
        menu.contains("Caja Sol") && menu.contains("1. Saldo"),
        "{menu}"
    );

    let ask = w.ask(me, "1").await;
    assert!(ask.contains("verificar tu identidad"), "{ask}");
    assert!(
        !ask.contains('$'),
        "no loan data before verification: {ask}"
    );
    let ask = w.ask(me, "+52 1 55 1234 5678").await;
    assert!(ask.contains("fecha de"), "{ask}");
    let verified = w.ask(me, "12 de mayo de 1985").await;
    assert!(verified.contains("Ana"), "{verified}");

    let outstanding = w.loan.loan.outstanding;
    let balance = w.ask(me, "cuanto debo?").await;
    assert_eq!(
        balance,
        format!(
            "Tu saldo del préstamo {} es {}.",
            w.loan.loan.number, outstanding
        )
    );
    let first = &w.loan.installments[0];
    let next = w.ask(me, "2").await;
    assert_eq!(
        next,
        format!(
            "Tu próximo pago del préstamo {} es de {} con fecha límite {}.",
            w.loan.loan.number,
            first.outstanding,
            fecha(first.due_date)
        )
    );

    let handoff = w.ask(me, "quiero hablar con un asesor").await;
    assert!(handoff.contains("asesor"), "{handoff}");
    let silent = w.say(me, "hola? sigue ahí?").await;
    assert!(
        silent.replies.is_empty(),
        "the bot is silent during a handoff"
    );
    assert!(
        w.assistant
            .release_handoff(w.tenant.id, silent.session_id, &staff(3))
            .await
            .unwrap()
    );
    let again = w.ask(me, "saldo").await;
    assert_eq!(
        balance, again,
        "after release the bot answers the same balance"
    );

    // Every message is in the transcript with its stages and each reply with its template version.
    let transcript = repo::transcript(
        w.assistant.store().db(),
        w.tenant.id,
        silent.session_id,
        100,
    )
    .await
    .unwrap();
    assert_eq!(transcript.len(), 17, "9 in, 8 out");
    let reply = transcript.last().unwrap();
    assert_eq!(
        (reply.template.as_deref(), reply.template_version),
        (Some("balance"), Some(0))
    );
    let inbound = &transcript[transcript.len() - 2];
    let stages = repo::stages_of(w.assistant.store().db(), w.tenant.id, inbound.id)
        .await
        .unwrap();
    let names: Vec<&str> = stages.iter().map(|s| s.stage.as_str()).collect();
    assert_eq!(
        names,
        ["orchestrator", "router", "dispatcher", "module", "redactor"]
    );
}

async fn an_unverified_sender_never_gets_loan_data(db: TestDb) {
    let w = world(&db).await;
    let stranger = "5215599998888";
    for text in [
        "saldo",
        "2",
        "historial de pagos",
        "como pago",
        "estado de cuenta",
    ] {
        let reply = w.ask(stranger, text).await;
        assert!(
            !reply.contains('$') && !reply.contains(&w.loan.loan.number),
            "«{text}» → {reply}"
        );
    }
    // Knowing the client's phone is not enough: the birth date is asked and a wrong one refused.
    let stranger = "5215577776666";
    w.ask(stranger, "saldo").await;
    w.ask(stranger, "5512345678").await;
    let refused = w.ask(stranger, "01/01/1990").await;
    assert!(refused.contains("no coinciden"), "{refused}");
    let reply = w.ask(stranger, "saldo").await;
    assert!(!reply.contains('$'), "{reply}");
}

async fn a_redelivered_message_is_answered_once(db: TestDb) {
    let w = world(&db).await;
    let message = whatsapp(
        "5215512345678",
        "hola",
        Some("wamid.HBgNNTIxNTUxMjM0NTY3OBUCABIYFjNFQjA"),
    );
    let first = w
        .assistant
        .handle(&w.tenant, false, &message)
        .await
        .unwrap();
    assert_eq!(first.replies.len(), 1);
    let again = w
        .assistant
        .handle(&w.tenant, false, &message)
        .await
        .unwrap();
    assert!(again.duplicate && again.replies.is_empty(), "{again:?}");
    let transcript = repo::transcript(w.assistant.store().db(), w.tenant.id, first.session_id, 10)
        .await
        .unwrap();
    assert_eq!(transcript.len(), 2, "one message in, one reply");
}

async fn three_wrong_birth_dates_lock_the_session_and_tell_staff(db: TestDb) {
    let w = world(&db).await;
    let me = "5215512345678";
    w.ask(me, "saldo").await;
    for attempt in 1..=3 {
        w.ask(me, "5512345678").await;
        let reply = w.ask(me, &format!("0{attempt}/01/1990")).await;
        if attempt < 3 {
            assert!(reply.contains("no coinciden"), "{reply}");
        } else {
            assert!(reply.contains("bloqueamos"), "{reply}");
        }
    }
    let locked = events::list(
        w.assistant.store().db(),
        w.tenant.id,
        Some(EventKind::VerificationLocked),
        10,
    )
    .await
    .unwrap();
    assert_eq!(locked.len(), 1, "one verification_locked event");

    // Locked: even the right birth date is not checked; loan data stays hidden.
    let reply = w.ask(me, "saldo").await;
    assert!(reply.contains("bloqueamos"), "{reply}");
    // Once the lock has passed the right secret verifies.
    w.clock.advance(Duration::minutes(31));
    w.ask(me, "saldo").await;
    w.ask(me, "5512345678").await;
    let verified = w.ask(me, "12/05/1985").await;
    assert!(verified.contains("Ana"), "{verified}");
}

async fn an_idle_session_verifies_again_and_only_as_its_client(db: TestDb) {
    let w = world(&db).await;
    let other = disbursed_loan(
        w.assistant.store(),
        w.tenant.id,
        "Beto Ruiz",
        "55 8765 4321",
    )
    .await;
    let me = "5215512345678";
    w.ask(me, "saldo").await;
    w.ask(me, "5512345678").await;
    w.ask(me, "12/05/1985").await;
    w.clock.advance(Duration::minutes(31));
    let ask = w.ask(me, "saldo").await;
    assert!(ask.contains("verificar"), "after 30 idle minutes: {ask}");
    // Bound to Ana: Beto's loan number and birth date do not verify this session.
    w.ask(me, &other.loan.number).await;
    let refused = w.ask(me, "12/05/1985").await;
    assert!(refused.contains("no coinciden"), "{refused}");
}

async fn a_pin_set_by_staff_verifies_and_a_wrong_pin_counts_a_failure(db: TestDb) {
    let w = world(&db).await;
    let store = w.assistant.store();
    let client = w.loan.loan.client_id;
    let pin = Pin::parse("4821").unwrap();
    client_pin::set(store, w.tenant.id, client, Some(pin), &staff(1))
        .await
        .unwrap();
    let stored = credinet_lending::clients::pin_hash(store, w.tenant.id, client)
        .await
        .unwrap()
        .expect("a PIN hash is stored");
    assert!(
        stored.starts_with("$argon2id$") && !stored.contains("4821"),
        "only the Argon2 hash is kept"
    );

    let me = "5215512345678";
    w.ask(me, "saldo").await;
    w.ask(me, "5512345678").await;
    let wrong = w.ask(me, "4822").await;
    assert!(
        wrong.contains("no coinciden") && wrong.contains("quedan 2 intentos"),
        "a wrong PIN counts one failure: {wrong}"
    );
    w.ask(me, "5512345678").await;
    let verified = w.ask(me, "4821").await;
    assert!(
        verified.contains("Ana"),
        "the right PIN verifies: {verified}"
    );
    let balance = w.ask(me, "saldo").await;
    assert!(balance.contains(&w.loan.loan.number), "{balance}");

    // The secrets typed are not in the transcript staff read.
    let session = repo::sessions_of_client(store.db(), w.tenant.id, client.get())
        .await
        .unwrap();
    assert_eq!(session.len(), 1, "the session is bound to Ana");
    let transcript = repo::transcript(store.db(), w.tenant.id, session[0].id, 100)
        .await
        .unwrap();
    assert!(
        transcript
            .iter()
            .all(|m| !m.body.contains("4821") && !m.body.contains("4822")),
        "{transcript:?}"
    );
    let secrets = transcript
        .iter()
        .filter(|m| m.body == SECRET_IN_TRANSCRIPT)
        .count();
    assert_eq!(secrets, 2, "both secrets recorded as given, not as typed");

    // Cleared: the old PIN no longer verifies (the birth date still does).
    client_pin::set(store, w.tenant.id, client, None, &staff(1))
        .await
        .unwrap();
    let other = "5215512349999";
    w.ask(other, "saldo").await;
    w.ask(other, "5512345678").await;
    let refused = w.ask(other, "4821").await;
    assert!(refused.contains("no coinciden"), "{refused}");
}

/// More conversations at once than the pool has connections: each message's reads run on its own
/// transaction, so none waits for a second connection while holding one. Seen: on PostgreSQL (pool of
/// 16) 16 transactions each waited for a connection to read the loans, and every message failed.
async fn more_conversations_at_once_than_pooled_connections_all_get_their_balance(db: TestDb) {
    let w = world(&db).await;
    let senders: Vec<String> = (0..40).map(|n| format!("52155000{n:05}")).collect();
    for me in &senders {
        w.ask(me, "saldo").await;
        w.ask(me, "5512345678").await;
        w.ask(me, "12/05/1985").await;
    }
    let mut asks = tokio::task::JoinSet::new();
    for me in &senders {
        let (assistant, tenant) = (w.assistant.clone(), w.tenant.clone());
        let message = whatsapp(me, "saldo", None);
        asks.spawn(async move { assistant.handle(&tenant, false, &message).await });
    }
    while let Some(answer) = asks.join_next().await {
        let handled = answer
            .expect("the task ran")
            .expect("the message was handled");
        assert!(
            matches!(handled.replies.as_slice(), [r] if r.text.contains(&w.loan.loan.number)),
            "{handled:?}"
        );
    }
}

/// One conversation's messages arriving together share a batch (ADR 31): a redelivery racing its first
/// delivery is still answered once, and every distinct message is answered and recorded.
async fn one_conversations_messages_at_once_are_each_answered_and_a_racing_redelivery_once(
    db: TestDb,
) {
    let w = world(&db).await;
    let me = "5215512345678";
    let mut asks = tokio::task::JoinSet::new();
    for n in 0..12 {
        let (assistant, tenant) = (w.assistant.clone(), w.tenant.clone());
        // Half are one message delivered six times; half are six different messages.
        let id = if n % 2 == 0 {
            "wamid.SAME".to_string()
        } else {
            format!("wamid.OTHER.{n}")
        };
        let message = whatsapp(me, "saldo", Some(&id));
        asks.spawn(async move { assistant.handle(&tenant, false, &message).await });
    }
    let (mut answered, mut duplicates, mut session) = (0, 0, None);
    while let Some(answer) = asks.join_next().await {
        let handled = answer
            .expect("the task ran")
            .expect("the message was handled");
        if handled.duplicate {
            assert!(handled.replies.is_empty(), "{handled:?}");
            duplicates += 1;
        } else {
            assert_eq!(handled.replies.len(), 1, "{handled:?}");
            answered += 1;
        }
        assert!(
            session.is_none_or(|s| s == handled.session_id),
            "one session"
        );
        session = Some(handled.session_id);
    }
    assert_eq!(
        (answered, duplicates),
        (7, 5),
        "six distinct, one of them six times"
    );
    let transcript = repo::transcript(
        w.assistant.store().db(),
        w.tenant.id,
        session.expect("a session"),
        100,
    )
    .await
    .unwrap();
    assert_eq!(transcript.len(), 14, "seven messages in, seven replies");
}

each_backend!(
    one_conversations_messages_at_once_are_each_answered_and_a_racing_redelivery_once,
    more_conversations_at_once_than_pooled_connections_all_get_their_balance,
    a_pin_set_by_staff_verifies_and_a_wrong_pin_counts_a_failure,
    greeting_verify_balance_next_payment_agent_release_balance,
    an_unverified_sender_never_gets_loan_data,
    a_redelivered_message_is_answered_once,
    three_wrong_birth_dates_lock_the_session_and_tell_staff,
    an_idle_session_verifies_again_and_only_as_its_client,
);
