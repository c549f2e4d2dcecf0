//! `/notificaciones` as an admin meets it: channels without their secrets, rules, the outbox with its
//! dead letters put back by a button, and a test message whose outcome the page shows. Admins only.

use super::{staff_browser, submit};
use crate::helpers::{Lender, TestApp, hidden_csrf};
use chrono::{Duration, Utc};
use credinet_core::role::Role;
use credinet_notify::{ChannelConfig, Notifier, NotifySettings, Owner, admin};
use credinet_store::repo::notify::messages;
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend};

each_backend!(an_admin_sees_the_outbox_retries_a_dead_letter_and_tests_a_channel);

const SECRET: &str = "s3creto-del-webhook-no-se-muestra";

async fn an_admin_sees_the_outbox_retries_a_dead_letter_and_tests_a_channel(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let l = app.lender("caja-este").await;
    let owner = Owner::Tenant(l.tenant.id);
    let DeadLetter {
        store,
        channel,
        message,
    } = a_dead_letter(&app, &l).await;

    let admin_browser = staff_browser(&app, &l, Role::Admin).await;
    let page = app
        .visit(&admin_browser, "/notificaciones")
        .await
        .assert_status(200);
    let logged = format!("el detalle está en el registro del servidor (mensaje {message})");
    for shown in [
        "contabilidad",
        "webhook",
        "loan_disbursed",
        "<td>Préstamo desembolsado</td>",
        "Sin entregar",
        // The service's English error is in the server's log, by message id, not on the page.
        logged.as_str(),
        "Reintentar",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown:?} on the page:\n{}",
            page.body
        );
    }
    assert!(
        !page.body.contains(SECRET),
        "the channel's secret is never shown"
    );
    let token = hidden_csrf(&page.body);

    let retry = format!("/notificaciones/mensajes/{message}/reintentar");
    let after = submit(&app, &admin_browser, &retry, &[("csrf_token", &token)])
        .await
        .assert_status(200);
    assert!(after.body.contains("Pendiente"), "{}", after.body);
    let pending = messages::list(store.db(), owner, Some("pending"), 10)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1, "the dead letter is back in the queue");
    assert_eq!(pending[0].attempts, 0);

    let test = format!("/notificaciones/canales/{channel}/probar");
    let tested = submit(&app, &admin_browser, &test, &[("csrf_token", &token)])
        .await
        .assert_status(200);
    assert!(tested.body.contains("Mensaje de prueba"), "{}", tested.body);
    assert!(
        tested.body.contains("Falló"),
        "nobody listens there: {}",
        tested.body
    );
    assert!(!tested.body.contains(SECRET));

    // Another tenant's message id reads as missing; a cashier may not see the page.
    let other = app.lender("caja-oeste").await;
    let other_admin = staff_browser(&app, &other, Role::Admin).await;
    let other_token = hidden_csrf(&app.visit(&other_admin, "/notificaciones").await.body);
    submit(&app, &other_admin, &retry, &[("csrf_token", &other_token)])
        .await
        .assert_status(404);
    let cashier = staff_browser(&app, &l, Role::Cashier).await;
    app.visit(&cashier, "/notificaciones")
        .await
        .assert_status(403);
}

/// A lender's webhook channel «contabilidad» nobody answers, with a rule for disbursements, and the
/// message of one disbursement given up after one attempt.
pub struct DeadLetter {
    /// The store the notifier ran on (its clock moved ahead).
    pub store: Store,
    pub channel: i64,
    pub message: i64,
}

pub async fn a_dead_letter(app: &TestApp, l: &Lender) -> DeadLetter {
    let owner = Owner::Tenant(l.tenant.id);
    // A webhook nobody answers, and a notifier that gives up after one attempt: the lender's own
    // events (a loan approved and disbursed) end as dead letters.
    let clock = ManualClock::starting_at(Utc::now());
    let store = Store::connect(&app.database_url)
        .await
        .unwrap()
        .with_clock(clock.clone());
    let channel = admin::add_channel(
        &store,
        owner,
        "contabilidad",
        &ChannelConfig::Webhook {
            url: "http://127.0.0.1:9/avisos".into(),
            secret: SECRET.into(),
        },
    )
    .await
    .unwrap();
    admin::add_rule(&store, owner, "loan_disbursed", channel.id)
        .await
        .unwrap();
    app.disbursed_loan(l, l.flat, "3000.00").await;
    let settings = NotifySettings {
        max_attempts: 1,
        ..NotifySettings::default()
    };
    let notifier = Notifier::new(store.clone(), settings).unwrap();
    for _ in 0..3 {
        clock.advance(Duration::minutes(1));
        notifier.run_once().await.unwrap();
    }
    let dead = messages::list(store.db(), owner, Some("dead"), 10)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1, "one dead letter");
    DeadLetter {
        store,
        channel: channel.id,
        message: dead[0].id,
    }
}
