//! The period cut on every backend: the worked example by hand, exactly once, resumable, the statement
//! identity by SQL, the 23:59 payment, and refused dates that write nothing.

use crate::common::*;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use credinet_core::ids::{LoanId, PaymentId, TenantId};
use credinet_core::lending::delinquency::DelinquencyBucket;
use credinet_core::lending::terms::InterestMethod;
use credinet_core::money::Money;
use credinet_lending::cuts::{self, CutError, CutOptions, CutStatus, Statement};
use credinet_lending::loans::{self, LoanStatus};
use credinet_lending::payments::{self, PaymentInput, PaymentMethod};
use credinet_lending::products::Product;
use credinet_store::each_backend;
use credinet_store::sea_orm::{ConnectionTrait, Statement as Sql};
use credinet_store::testing::TestDb;
use credinet_store::{ManualClock, Store};
use std::ops::ControlFlow;

each_backend!(
    the_worked_example_matches_the_statements_computed_by_hand,
    rerunning_a_cut_changes_nothing,
    a_cut_stopped_after_two_pages_and_resumed_equals_an_uninterrupted_one,
    a_payment_at_23_59_local_on_the_7th_counts_as_on_time_for_the_cut_of_the_8th,
    a_refused_cut_date_writes_nothing,
    a_back_filled_cut_sees_the_book_as_it_stood_on_its_date,
);

/// 00:05 in Mexico City (UTC−6, no DST since 2022) on `date`: when the scheduler cuts.
fn cut_time(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(6, 5, 0).unwrap())
}

/// Noon in Mexico City on `date`.
fn noon(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(18, 0, 0).unwrap())
}

async fn clocked(db: &TestDb, at: DateTime<Utc>) -> (Store, ManualClock) {
    let clock = ManualClock::starting_at(at);
    (store(db).await.with_clock(clock.clone()), clock)
}

/// 12 biweekly installments, flat 5 % per period, late fee 150.00 (+ 16 % IVA = 24.00).
async fn late_fee_product(store: &Store, tenant: TenantId) -> Product {
    let t = terms(InterestMethod::Flat, 12, "0.05")
        .with_late_fee(m(15_000))
        .unwrap();
    product(store, tenant, "quincenal", t).await
}

async fn pay(
    store: &Store,
    tenant: TenantId,
    loan: LoanId,
    centavos: i64,
    on: NaiveDate,
) -> PaymentId {
    let input = PaymentInput {
        loan,
        amount: m(centavos),
        paid_on: Some(on),
        method: PaymentMethod::Cash,
        reference: None,
        idempotency_key: None,
    };
    payments::register(store, tenant, input, &maker())
        .await
        .unwrap()
        .payment
        .id
}

async fn cut(store: &Store, tenant: TenantId, date: NaiveDate) -> cuts::Cut {
    cuts::run(store, tenant, date, &maker(), CutOptions::default(), |_| {
        ControlFlow::Continue(())
    })
    .await
    .unwrap()
}

/// What a statement line says, compared field by field with the hand-computed values.
#[allow(clippy::too_many_arguments)]
fn assert_statement(
    s: &Statement,
    opening: i64,
    charges: (i64, i64),
    payments: i64,
    closing: i64,
    billed: i64,
    overdue: (i64, u32),
    days_past_due: u32,
    bucket: DelinquencyBucket,
    next_due: (Option<NaiveDate>, i64),
    outstanding_principal: i64,
) {
    let l = &s.line;
    let at = s.cut_date;
    assert_eq!(l.opening, m(opening), "{at}: opening");
    assert_eq!(l.late_fee, m(charges.0), "{at}: late fee");
    assert_eq!(l.late_fee_iva, m(charges.1), "{at}: late fee IVA");
    assert_eq!(l.payments, m(payments), "{at}: payments");
    assert_eq!(l.reversals, Money::ZERO, "{at}: reversals");
    assert_eq!(l.closing, m(closing), "{at}: closing");
    assert_eq!(l.billed, m(billed), "{at}: billed");
    assert_eq!(l.overdue, m(overdue.0), "{at}: overdue");
    assert_eq!(
        l.overdue_installments, overdue.1,
        "{at}: overdue installments"
    );
    assert_eq!(l.days_past_due, days_past_due, "{at}: days past due");
    assert_eq!(l.bucket, bucket, "{at}: bucket");
    assert_eq!(l.next_due_date, next_due.0, "{at}: next due date");
    assert_eq!(l.next_due_amount, m(next_due.1), "{at}: next due amount");
    assert_eq!(
        l.outstanding_principal,
        m(outstanding_principal),
        "{at}: outstanding principal"
    );
}

/// 12,000.00 flat at 5 % per period: each installment is 1,000.00 principal + 600.00 interest + 96.00
/// IVA = 1,696.00; the schedule totals 20,352.00. Disbursed Friday Jan 2, 2026, so due on Jan 22 (Thu),
/// Feb 7 (Sat, effective Mon Feb 9), Feb 22 (Sun, effective Mon Feb 23), Mar 7 (Sat, effective Mon
/// Mar 9), … Installment 1 is paid on Jan 20; 2 and 3 are missed; 1,000.00 is paid on Mar 1.
async fn the_worked_example_matches_the_statements_computed_by_hand(db: TestDb) {
    let (store, clock) = clocked(&db, noon(d(2026, 1, 2))).await;
    let t = tenant(&store, "ejemplo").await;
    let p = late_fee_product(&store, t).await;
    let loan = disbursed_loan(&store, t, &p, m(1_200_000), d(2026, 1, 2)).await;
    let dues: Vec<NaiveDate> = loan.installments.iter().map(|i| i.due_date).collect();
    assert_eq!(
        &dues[..4],
        [d(2026, 1, 22), d(2026, 2, 7), d(2026, 2, 22), d(2026, 3, 7)]
    );
    assert!(loan.installments.iter().all(|i| i.total_due == m(169_600)));
    let id = loan.loan.id;
    use DelinquencyBucket::*;

    clock.set(noon(d(2026, 1, 20)));
    pay(&store, t, id, 169_600, d(2026, 1, 20)).await;

    // Cut 1, Jan 23: installment 1 was paid on time. Opening = the schedule's total.
    clock.set(cut_time(d(2026, 1, 23)));
    let c = cut(&store, t, d(2026, 1, 23)).await;
    assert_eq!(c.status, CutStatus::Done);
    assert_eq!(c.period_start, d(2026, 1, 8));
    // Cut 2, Feb 8: installment 2 is due Saturday Feb 7, effective Monday Feb 9: not late yet.
    clock.set(cut_time(d(2026, 2, 8)));
    cut(&store, t, d(2026, 2, 8)).await;
    // Cut 3, Feb 23: installment 2 (effective Feb 9) is 14 days late and charged 150.00 + 24.00;
    // installment 3 is due Sunday Feb 22, effective Monday Feb 23: not late yet.
    clock.set(cut_time(d(2026, 2, 23)));
    cut(&store, t, d(2026, 2, 23)).await;
    // A partial payment on Mar 1: late fee 150.00, its IVA 24.00, interest IVA 96.00, interest 600.00,
    // principal 130.00 of installment 2.
    clock.set(noon(d(2026, 3, 1)));
    pay(&store, t, id, 100_000, d(2026, 3, 1)).await;
    // Cut 4, Mar 8: installment 3 becomes late and is charged; installment 2 is not charged again and
    // still owes 870.00 of principal; days past due count from Feb 9: 27.
    clock.set(cut_time(d(2026, 3, 8)));
    let c = cut(&store, t, d(2026, 3, 8)).await;

    let s = cuts::statements_of_loan(&store, t, id).await.unwrap();
    assert_eq!(s.len(), 4);
    assert_statement(
        &s[0],
        2_035_200,
        (0, 0),
        169_600,
        1_865_600,
        169_600,
        (0, 0),
        0,
        Current,
        (Some(d(2026, 2, 7)), 169_600),
        1_100_000,
    );
    assert_statement(
        &s[1],
        1_865_600,
        (0, 0),
        0,
        1_865_600,
        169_600,
        (0, 0),
        0,
        Current,
        (Some(d(2026, 2, 7)), 169_600),
        1_100_000,
    );
    assert_statement(
        &s[2],
        1_865_600,
        (15_000, 2_400),
        0,
        1_883_000,
        169_600,
        (187_000, 1),
        14,
        D1To15,
        (Some(d(2026, 2, 22)), 169_600),
        1_100_000,
    );
    assert_statement(
        &s[3],
        1_883_000,
        (15_000, 2_400),
        100_000,
        1_800_400,
        169_600,
        (87_000 + 187_000, 2),
        27,
        D16To30,
        (Some(d(2026, 3, 7)), 169_600),
        1_087_000,
    );
    assert!(s.iter().all(|s| s.loan_status == LoanStatus::Disbursed));

    // The loan carries the charges: 20,352.00 + 2 × 174.00 due, 2,696.00 paid.
    let after = loans::detail(&store, t, id).await.unwrap();
    assert_eq!(after.loan.total_due, m(2_070_000));
    assert_eq!(after.loan.total_paid, m(269_600));
    assert_eq!(after.loan.outstanding, m(1_800_400));
    let fees: Vec<(i64, i64)> = after
        .installments
        .iter()
        .map(|i| (i.due.late_fee.centavos(), i.due.late_fee_iva.centavos()))
        .collect();
    assert_eq!(
        &fees[..4],
        [(0, 0), (15_000, 2_400), (15_000, 2_400), (0, 0)]
    );
    assert_invariants(&store, t, id).await;

    let summary = c.summary.unwrap();
    assert_eq!(summary.loans, 1);
    assert_eq!(summary.collected, m(100_000));
    assert_eq!(summary.charged, m(17_400));
    assert_eq!(summary.overdue, m(274_000));
    assert_eq!(summary.overdue_loans, 1);
    assert_eq!(summary.outstanding, m(1_800_400));
    assert_eq!(summary.par15_principal, m(1_087_000));
    assert_eq!(summary.par30_principal, Money::ZERO);
    assert_eq!(summary.par15_percent().to_string(), "100.00");
    assert_identity_holds(&store).await;
}

/// A portfolio of `n` loans disbursed on Jan 2, 2026 with assorted payments (some late, one reversed,
/// one paid off), as of noon on Feb 22.
async fn portfolio(store: &Store, clock: &ManualClock, n: usize) -> TenantId {
    clock.set(noon(d(2026, 1, 2)));
    let t = tenant(store, "cartera").await;
    let p = late_fee_product(store, t).await;
    let mut ids = Vec::new();
    for _ in 0..n {
        ids.push(
            disbursed_loan(store, t, &p, m(1_200_000), d(2026, 1, 2))
                .await
                .loan
                .id,
        );
    }
    clock.set(noon(d(2026, 1, 21)));
    for (k, id) in ids.iter().enumerate() {
        match k % 5 {
            0 => {
                pay(store, t, *id, 169_600, d(2026, 1, 21)).await;
            }
            1 => {
                pay(store, t, *id, 50_000, d(2026, 1, 21)).await;
            }
            2 => {
                let paid = pay(store, t, *id, 169_600, d(2026, 1, 21)).await;
                payments::reverse(store, t, paid, "cheque sin fondos", &checker())
                    .await
                    .unwrap();
            }
            3 if k == 3 => {
                pay(store, t, *id, 2_035_200, d(2026, 1, 21)).await;
            }
            _ => {}
        }
    }
    clock.set(noon(d(2026, 2, 22)));
    pay(store, t, ids[0], 169_600, d(2026, 2, 22)).await;
    t
}

/// Every row of every table a cut writes, as text, in key order.
async fn dump(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for table in [
        "period_cut",
        "loan_statement",
        "loan",
        "installment",
        "payment",
        "payment_reversal",
        "audit_entry",
        "domain_event",
    ] {
        let sql = Sql::from_string(
            store.backend(),
            format!("SELECT * FROM {table} ORDER BY id"),
        );
        for row in store.db().query_all_raw(sql).await.unwrap() {
            let cells: Vec<String> = row
                .column_names()
                .iter()
                .map(|c| format!("{c}={}", cell(&row, c)))
                .collect();
            out.push(format!("{table}: {}", cells.join(", ")));
        }
    }
    out
}

fn cell(row: &credinet_store::sea_orm::QueryResult, column: &str) -> String {
    if let Ok(v) = row.try_get::<Option<String>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<i64>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<bool>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<NaiveDate>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<DateTime<Utc>>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<chrono::NaiveDateTime>>("", column) {
        return format!("{v:?}");
    }
    panic!("column {column} has a type the dump does not read")
}

/// Checked by SQL over every statement row: closing = opening + charges − payments + reversals, and
/// charges = late fee + its IVA.
async fn assert_identity_holds(store: &Store) {
    let sql = Sql::from_string(
        store.backend(),
        "SELECT COUNT(*) AS n FROM loan_statement \
         WHERE closing <> opening + charges - payments + reversals \
            OR charges <> late_fee + late_fee_iva"
            .to_string(),
    );
    let row = store.db().query_one_raw(sql).await.unwrap().unwrap();
    assert_eq!(
        row.try_get::<i64>("", "n").unwrap(),
        0,
        "statements breaking the identity"
    );
    let sql = Sql::from_string(
        store.backend(),
        "SELECT COUNT(*) AS n FROM loan_statement".to_string(),
    );
    let row = store.db().query_one_raw(sql).await.unwrap().unwrap();
    assert!(
        row.try_get::<i64>("", "n").unwrap() > 0,
        "there are statements to check"
    );
}

async fn rerunning_a_cut_changes_nothing(db: TestDb) {
    let (store, clock) = clocked(&db, noon(d(2026, 1, 2))).await;
    let t = portfolio(&store, &clock, 12).await;
    clock.set(cut_time(d(2026, 2, 23)));
    let first = cut(&store, t, d(2026, 2, 23)).await;
    assert_eq!(
        first.loans_done, 12,
        "the loan paid off before its first cut gets one too"
    );
    let before = dump(&store).await;
    clock.set(noon(d(2026, 2, 25)));
    let again = cut(&store, t, d(2026, 2, 23)).await;
    assert_eq!(again, first);
    assert_eq!(dump(&store).await, before, "the second run wrote something");
    assert_identity_holds(&store).await;
}

async fn a_cut_stopped_after_two_pages_and_resumed_equals_an_uninterrupted_one(db: TestDb) {
    let other = TestDb::create(db.backend).await.unwrap();
    let options = CutOptions { page_size: 3 };
    let mut dumps = Vec::new();
    for (db, stop_after) in [(&db, None), (&other, Some(2u64))] {
        let (store, clock) = clocked(db, noon(d(2026, 1, 2))).await;
        let t = portfolio(&store, &clock, 12).await;
        clock.set(cut_time(d(2026, 2, 23)));
        if let Some(pages) = stop_after {
            let err = cuts::run(&store, t, d(2026, 2, 23), &maker(), options, |p| {
                if p.pages_done >= pages {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            })
            .await
            .unwrap_err();
            assert!(
                matches!(err, CutError::Interrupted { loans_done: 6, .. }),
                "{err}"
            );
            let halfway = cuts::get(&store, t, d(2026, 2, 23)).await.unwrap().unwrap();
            assert_eq!(halfway.status, CutStatus::Running);
            assert_eq!((halfway.loans_done, halfway.pages_done), (6, 2));
            assert_eq!(halfway.summary, None);
        }
        let done = cuts::run(&store, t, d(2026, 2, 23), &maker(), options, |_| {
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
        assert_eq!(done.status, CutStatus::Done);
        assert_eq!(done.loans_done, 12);
        assert_identity_holds(&store).await;
        dumps.push(dump(&store).await);
    }
    assert_eq!(dumps[0].len(), dumps[1].len());
    for (a, b) in dumps[0].iter().zip(&dumps[1]) {
        assert_eq!(a, b);
    }
}

async fn a_payment_at_23_59_local_on_the_7th_counts_as_on_time_for_the_cut_of_the_8th(db: TestDb) {
    let (store, clock) = clocked(&db, noon(d(2025, 12, 20))).await;
    let t = tenant(&store, "puntual").await;
    let p = late_fee_product(&store, t).await;
    let loan = disbursed_loan(&store, t, &p, m(1_200_000), d(2025, 12, 20)).await;
    // Due Wednesday Jan 7, 2026. 23:59 on Jan 7 in Mexico City is 05:59 UTC on Jan 8.
    assert_eq!(loan.installments[0].due_date, d(2026, 1, 7));
    clock.set(Utc.with_ymd_and_hms(2026, 1, 8, 5, 59, 0).unwrap());
    let input = PaymentInput {
        loan: loan.loan.id,
        amount: m(169_600),
        paid_on: None,
        method: PaymentMethod::Transfer,
        reference: None,
        idempotency_key: None,
    };
    let receipt = payments::register(&store, t, input, &maker())
        .await
        .unwrap();
    assert_eq!(receipt.payment.paid_on, d(2026, 1, 7));
    clock.set(cut_time(d(2026, 1, 8)));
    cut(&store, t, d(2026, 1, 8)).await;
    let s = cuts::statements_of_loan(&store, t, loan.loan.id)
        .await
        .unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].line.payments, m(169_600));
    assert_eq!(s[0].line.days_past_due, 0);
    assert_eq!(s[0].line.bucket, DelinquencyBucket::Current);
    assert_eq!(s[0].line.late_fee, Money::ZERO);
    assert_eq!(s[0].line.overdue, Money::ZERO);
}

async fn a_refused_cut_date_writes_nothing(db: TestDb) {
    let (store, clock) = clocked(&db, noon(d(2026, 1, 2))).await;
    let t = portfolio(&store, &clock, 3).await;
    clock.set(cut_time(d(2026, 2, 23)));
    let before = dump(&store).await;
    let run = |date: NaiveDate, tenant: TenantId| {
        let store = store.clone();
        async move {
            cuts::run(
                &store,
                tenant,
                date,
                &maker(),
                CutOptions::default(),
                |_| ControlFlow::Continue(()),
            )
            .await
        }
    };
    let err = run(d(2026, 2, 22), t).await.unwrap_err();
    assert!(matches!(err, CutError::Date(_)), "{err}");
    assert!(err.to_string().contains("not a cut day"), "{err}");
    // 00:05 on Feb 23 in Mexico City: Mar 8 is in the future.
    let err = run(d(2026, 3, 8), t).await.unwrap_err();
    assert!(err.to_string().contains("in the future"), "{err}");
    let err = run(d(2026, 2, 23), TenantId::new(t.get() + 1_000))
        .await
        .unwrap_err();
    assert!(matches!(err, CutError::UnknownTenant), "{err}");
    assert_eq!(dump(&store).await, before, "a refused cut wrote something");

    // Cuts go forward: once Feb 23 is cut, Feb 8 can no longer be.
    run(d(2026, 2, 23), t).await.unwrap();
    let err = run(d(2026, 2, 8), t).await.unwrap_err();
    assert!(matches!(err, CutError::BeforeLatest { .. }), "{err}");
}

/// Every statement of the tenant, oldest cut first then by loan, as text.
async fn statements(store: &Store, tenant: TenantId, loans: &[LoanId]) -> Vec<String> {
    let mut out = Vec::new();
    for loan in loans {
        for s in cuts::statements_of_loan(store, tenant, *loan)
            .await
            .unwrap()
        {
            out.push(format!(
                "{} loan {}: {:?} {:?}",
                s.cut_date,
                s.loan_id.get(),
                s.line,
                s.loan_status
            ));
        }
    }
    out
}

/// A cut run late (after a payment dated after its date was registered, and after a payment dated
/// before it was reversed) gives the statements the cut run on its day gave: what is paid "as of the
/// cut" leaves out the later payment and keeps the later-reversed one. (Later cuts may differ: the
/// later payment was allocated before or after the cut's late fees existed.)
async fn a_back_filled_cut_sees_the_book_as_it_stood_on_its_date(db: TestDb) {
    let other = TestDb::create(db.backend).await.unwrap();
    let mut results = Vec::new();
    for (db, on_time) in [(&db, true), (&other, false)] {
        let (store, clock) = clocked(db, noon(d(2026, 1, 2))).await;
        let t = portfolio(&store, &clock, 10).await;
        let sql = Sql::from_string(
            store.backend(),
            "SELECT id FROM loan ORDER BY id".to_string(),
        );
        let loans: Vec<LoanId> = store
            .db()
            .query_all_raw(sql)
            .await
            .unwrap()
            .iter()
            .map(|r| LoanId::new(r.try_get::<i64>("", "id").unwrap()))
            .collect();
        // A payment before the cut date that will be reversed after it.
        clock.set(noon(d(2026, 2, 20)));
        let to_reverse = pay(&store, t, loans[1], 169_600, d(2026, 2, 20)).await;
        let (paid_late, paid_partly) = (loans[4], loans[1]);
        let later = |store: Store, clock: ManualClock| async move {
            clock.set(noon(d(2026, 2, 24)));
            payments::reverse(&store, t, to_reverse, "transferencia devuelta", &checker())
                .await
                .unwrap();
            pay(&store, t, paid_late, 169_600, d(2026, 2, 24)).await;
            pay(&store, t, paid_partly, 30_000, d(2026, 2, 24)).await;
        };
        if on_time {
            clock.set(cut_time(d(2026, 2, 23)));
            cut(&store, t, d(2026, 2, 23)).await;
            later(store.clone(), clock.clone()).await;
        } else {
            later(store.clone(), clock.clone()).await;
            clock.set(noon(d(2026, 2, 25)));
            cut(&store, t, d(2026, 2, 23)).await;
        }
        assert_identity_holds(&store).await;
        results.push(statements(&store, t, &loans).await);
    }
    let (on_time, back_filled) = (&results[0], &results[1]);
    assert_eq!(on_time.len(), 10);
    assert_eq!(back_filled.len(), 10);
    for (a, b) in on_time.iter().zip(back_filled) {
        assert_eq!(a, b);
    }
    // The reversed payment counts as paid on the statement of the cut before its reversal.
    assert!(
        on_time[1].contains("payments: Money(219600)"),
        "{}",
        on_time[1]
    );
}
