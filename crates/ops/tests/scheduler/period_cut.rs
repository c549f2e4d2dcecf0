//! The `period_cut` job through the scheduler, with the real cut (`credinet_lending::cuts`): when it
//! fires, which date it cuts, catching up and missing. The cut's own rules are tested in `lending`.

use super::common::{at, count_rows, migrated};
use chrono::{Duration, NaiveDate};
use credinet_core::currency::Currency;
use credinet_core::events::EventKind;
use credinet_core::ids::TenantId;
use credinet_core::lending::delinquency::DelinquencyBucket;
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::slug::TenantSlug;
use credinet_core::tenant_settings::TenantSettings;
use credinet_core::zone::Zone;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::cuts::{self, CutStatus};
use credinet_lending::loans::{self, LoanDetail, LoanInput};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::products::{self, ProductInput};
use credinet_ops::jobs::PeriodCut;
use credinet_ops::{CutTime, Registry, Scheduler};
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use credinet_store::repo::events;
use credinet_store::repo::job_runs::{self, JobRun, RunStatus, RunTrigger};
use credinet_store::repo::tenants::{self, NewTenant, Tenant};
use credinet_store::sea_orm::{ConnectionTrait, Statement};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store, each_backend};

each_backend!(
    the_mexico_city_cut_fires_at_0605_utc_and_a_payment_at_2359_the_day_before_is_on_time,
    a_missed_cut_is_caught_up_once_within_grace_and_recorded_as_missed_beyond_it,
    a_tenant_whose_row_does_not_parse_is_skipped_and_the_others_are_cut,
);

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The job as `jobs::standard` registers it with the default settings: 00:05 local, 72 h of grace.
fn period_cut_scheduler(store: &Store) -> Scheduler {
    let job = PeriodCut::new(CutTime::DEFAULT, Duration::hours(72));
    Scheduler::new(store.clone(), Registry::new().with(job))
}

async fn mexico_city_tenant(store: &Store, slug: &str) -> Tenant {
    let new = NewTenant {
        slug: TenantSlug::parse(slug).unwrap(),
        legal_name: format!("Financiera {slug} SA de CV"),
        zone: Zone::mexico_city(),
        currency: Currency::MXN,
        settings: TenantSettings::default(), // cuts on the 8th and the 23rd
    };
    tenants::create(store.db(), new, store.now()).await.unwrap()
}

fn person(id: i64, label: &str) -> Requester {
    Requester {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(id),
            label: label.into(),
        },
        origin: Origin::default(),
    }
}

/// 12,000.00 over 12 biweekly installments, flat 5 % a period, late fee 150.00 + IVA: disbursed on `on`,
/// its first installment (1,696.00) due on the following 7th or 22nd.
async fn loan(store: &Store, tenant: TenantId, on: NaiveDate) -> LoanDetail {
    let (maker, checker) = (person(1, "cajero@caja.mx"), person(2, "gerente@caja.mx"));
    let terms = ProductTerms::new(
        Periodicity::BiweeklyCut,
        12,
        InterestMethod::Flat,
        Rate::parse("0.05").unwrap(),
    )
    .unwrap()
    .with_late_fee(Money::from_centavos(15_000))
    .unwrap();
    let product = products::create(
        store,
        tenant,
        ProductInput {
            name: "quincenal".into(),
            limits: ProductLimits::defaults_for(terms.term_periods()),
            terms,
            active: true,
        },
        &maker,
    )
    .await
    .unwrap();
    let client = clients::create(
        store,
        tenant,
        ClientInput {
            full_name: "Ana Pérez López".into(),
            phone: "55 1234 5678".into(),
            ..ClientInput::default()
        },
        &maker,
    )
    .await
    .unwrap()
    .client;
    let input = LoanInput {
        client: client.id,
        product: product.id,
        principal: Money::from_centavos(1_200_000),
        term: None,
    };
    let draft = loans::create_draft(store, tenant, input, &maker)
        .await
        .unwrap();
    loans::submit(store, tenant, draft.id, &maker)
        .await
        .unwrap();
    loans::approve(store, tenant, draft.id, &checker)
        .await
        .unwrap();
    loans::disburse(store, tenant, draft.id, Some(on), &checker)
        .await
        .unwrap()
}

async fn period_cut_runs(store: &Store, tenant: TenantId) -> Vec<JobRun> {
    job_runs::recent(store.db(), PeriodCut::NAME, Some(tenant), 100)
        .await
        .unwrap()
}

async fn the_mexico_city_cut_fires_at_0605_utc_and_a_payment_at_2359_the_day_before_is_on_time(
    db: TestDb,
) {
    // Noon of Dec 20th, 2025 in Mexico City (UTC−6 all year since 2022).
    let clock = ManualClock::starting_at(at(2025, 12, 20, 18, 0));
    let store = migrated(&db, &clock).await;
    let caja = mexico_city_tenant(&store, "caja-puntual").await;
    let detail = loan(&store, caja.id, d(2025, 12, 20)).await;
    assert_eq!(detail.installments[0].due_date, d(2026, 1, 7));
    let scheduler = period_cut_scheduler(&store);
    // The cut of Dec 23rd comes before the loan's first installment.
    clock.set(at(2025, 12, 23, 6, 5));
    assert_eq!(scheduler.tick().await.unwrap().ran, 1);

    // 23:59 on Jan 7th in Mexico City is 05:59 UTC on Jan 8th: the borrower pays the installment due
    // that day, on time.
    clock.set(at(2026, 1, 8, 5, 59));
    let paid = payments::register(
        &store,
        caja.id,
        PaymentInput {
            loan: detail.loan.id,
            amount: Money::from_centavos(169_600),
            paid_on: None,
            method: PaymentMethod::Transfer,
            reference: None,
            idempotency_key: None,
        },
        &person(1, "cajero@caja.mx"),
    )
    .await
    .unwrap();
    assert_eq!(paid.payment.paid_on, d(2026, 1, 7));

    // 00:00 UTC on the 8th (18:00 local on the 7th) is when a zoneless cron would have cut: nothing.
    clock.set(at(2026, 1, 8, 0, 5));
    assert!(scheduler.tick().await.unwrap().is_empty());
    clock.set(at(2026, 1, 8, 6, 4));
    assert!(scheduler.tick().await.unwrap().is_empty(), "00:04 local");
    let latest = cuts::latest(&store, caja.id).await.unwrap().unwrap();
    assert_eq!(latest.cut_date, d(2025, 12, 23), "no cut of Jan 8th yet");

    clock.set(at(2026, 1, 8, 6, 5));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.failed, report.missed), (1, 0, 0));
    let cut = cuts::get(&store, caja.id, d(2026, 1, 8))
        .await
        .unwrap()
        .expect("the cut of Jan 8th exists");
    assert_eq!(cut.status, CutStatus::Done);
    assert_eq!(cut.loans_done, 1);
    assert_eq!(cut.period_start, d(2025, 12, 23));
    let statements = cuts::statements_of_loan(&store, caja.id, detail.loan.id)
        .await
        .unwrap();
    let statement = statements.iter().find(|s| s.cut_id == cut.id).unwrap();
    let line = &statement.line;
    assert_eq!(line.payments, Money::from_centavos(169_600));
    assert_eq!(line.days_past_due, 0);
    assert_eq!(line.bucket, DelinquencyBucket::Current);
    assert_eq!(line.late_fee, Money::ZERO);
    assert_eq!(line.overdue, Money::ZERO);

    // Recorded once, with the cut's summary, and announced with it.
    clock.set(at(2026, 1, 8, 6, 6));
    assert!(scheduler.tick().await.unwrap().is_empty(), "it ran once");
    let recorded = period_cut_runs(&store, caja.id).await;
    assert_eq!(recorded.len(), 2, "Dec 23rd and Jan 8th");
    assert_eq!(recorded[0].status, RunStatus::Succeeded);
    assert_eq!(recorded[0].scheduled_for, at(2026, 1, 8, 6, 5));
    let summary = recorded[0].summary.clone().unwrap();
    assert_eq!(summary["cut_date"], "2026-01-08");
    assert_eq!(summary["loans"], 1);
    assert_eq!(
        summary["summary"],
        serde_json::to_value(cut.summary.unwrap()).unwrap()
    );
    let announced = events::list(store.db(), caja.id, Some(EventKind::SchedulerExecuted), 10)
        .await
        .unwrap();
    assert_eq!(announced.len(), 2);
    // Newest first.
    let payload: serde_json::Value = serde_json::from_str(&announced[0].payload).unwrap();
    assert_eq!(payload["job"], "period_cut");
    assert_eq!(payload["due_local"], "2026-01-08 00:05 (UTC\u{2212}06:00)");
    assert_eq!(payload["summary"], summary);
}

async fn a_missed_cut_is_caught_up_once_within_grace_and_recorded_as_missed_beyond_it(db: TestDb) {
    let clock = ManualClock::starting_at(at(2025, 12, 20, 18, 0));
    let store = migrated(&db, &clock).await;
    let caja = mexico_city_tenant(&store, "caja-dormida").await;
    loan(&store, caja.id, d(2025, 12, 20)).await;
    let scheduler = period_cut_scheduler(&store);
    clock.set(at(2026, 1, 8, 6, 5));
    assert_eq!(scheduler.tick().await.unwrap().ran, 1);

    // Down from after the cut of the 8th until two days after the 23rd (within 72 h): the cut of the
    // 23rd runs once, at start-up.
    clock.set(at(2026, 1, 25, 6, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.missed), (1, 0));
    clock.advance(Duration::minutes(1));
    assert!(scheduler.tick().await.unwrap().is_empty());
    let cut = cuts::get(&store, caja.id, d(2026, 1, 23))
        .await
        .unwrap()
        .expect("the cut of Jan 23rd was caught up");
    assert_eq!(cut.status, CutStatus::Done);
    let runs = period_cut_runs(&store, caja.id).await;
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].scheduled_for, at(2026, 1, 23, 6, 5));
    assert_eq!(runs[0].status, RunStatus::Succeeded);

    // Down again until four days after Feb 8th, past the grace window: the cut of the 8th is recorded
    // as missed and not run.
    clock.set(at(2026, 2, 12, 7, 0));
    let report = scheduler.tick().await.unwrap();
    assert_eq!((report.ran, report.missed), (0, 1));
    assert!(scheduler.tick().await.unwrap().is_empty());
    assert!(
        cuts::get(&store, caja.id, d(2026, 2, 8))
            .await
            .unwrap()
            .is_none()
    );
    let runs = period_cut_runs(&store, caja.id).await;
    assert_eq!(runs.len(), 3);
    assert_eq!(runs[0].status, RunStatus::Missed);
    assert_eq!(runs[0].scheduled_for, at(2026, 2, 8, 6, 5));
    assert_eq!(runs[0].started_at, None);
    assert_eq!(count_rows(&store, "period_cut").await, 2);

    // A person back-fills it by hand: the run does the latest cut day, Feb 8th.
    let manual = scheduler
        .run_now("period_cut", Some("caja-dormida"))
        .await
        .unwrap();
    assert_eq!(manual.status, RunStatus::Succeeded);
    assert_eq!(manual.trigger, RunTrigger::Manual);
    assert_eq!(manual.summary.unwrap()["cut_date"], "2026-02-08");
    assert_eq!(count_rows(&store, "period_cut").await, 3);
}

async fn a_tenant_whose_row_does_not_parse_is_skipped_and_the_others_are_cut(db: TestDb) {
    let clock = ManualClock::starting_at(at(2026, 1, 1, 18, 0));
    let store = migrated(&db, &clock).await;
    let broken = mexico_city_tenant(&store, "caja-rota").await;
    let sound = mexico_city_tenant(&store, "caja-sana").await;
    // A zone this build does not know (written by hand, or by a build with a newer zone database).
    store
        .db()
        .execute_raw(Statement::from_string(
            store.backend(),
            format!(
                "UPDATE tenant SET time_zone = 'Mars/Olympus_Mons' WHERE id = {}",
                broken.id
            ),
        ))
        .await
        .unwrap();
    let scheduler = period_cut_scheduler(&store);
    clock.set(at(2026, 1, 8, 6, 5));
    let report = scheduler.tick().await.expect("the tick goes on");
    assert_eq!((report.ran, report.failed), (1, 0));
    assert!(
        cuts::get(&store, sound.id, d(2026, 1, 8))
            .await
            .unwrap()
            .is_some()
    );
    assert!(period_cut_runs(&store, broken.id).await.is_empty());
}
