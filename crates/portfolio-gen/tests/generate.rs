//! A generated book in arrears is written whole and consistent on every backend, spreads over every
//! delinquency bucket, and comes out the same row for row from the same seed.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use credinet_portfolio_gen::{Book, Spec, generate};
use credinet_store::entities::{installment, payment, payment_allocation};
use credinet_store::repo::bulk;
use credinet_store::testing::TestDb;
use credinet_store::{Store, each_backend, migrations};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::BTreeMap;

each_backend!(a_book_in_arrears_is_consistent_spread_over_the_buckets_and_reproducible);

const LOANS: usize = 2_000;

async fn migrated(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    store
}

/// The latest cut day (8th or 23rd) a few days before today, so that it is not in the future.
fn last_cut_day(today: NaiveDate) -> NaiveDate {
    let mut d = today - Days::new(1);
    while d.day() != 8 && d.day() != 23 {
        d = d - Days::new(1);
    }
    d
}

fn spec(store: &Store) -> Spec {
    let now: DateTime<Utc> = store.now();
    Spec {
        loans: LOANS,
        book: Book::InArrears {
            as_of: last_cut_day(now.date_naive()),
        },
        seed: 17,
        now: DateTime::from_timestamp(now.timestamp(), 0).expect("a valid instant"),
    }
}

async fn a_book_in_arrears_is_consistent_spread_over_the_buckets_and_reproducible(db: TestDb) {
    let store = migrated(&db).await;
    let spec = spec(&store);
    let Book::InArrears { as_of } = spec.book else {
        unreachable!()
    };
    let mut told = Vec::new();
    let generated = generate(&store, spec, |n| told.push(n)).await.unwrap();
    assert_eq!(told.last(), Some(&LOANS));
    assert_eq!(generated.loans.len(), LOANS);
    let tenant = generated.tenant.id;

    // Σ payments = Σ allocations = Σ installments paid = Σ loans' total_paid, in the database.
    let totals = bulk::totals(store.db(), tenant).await.unwrap();
    assert_eq!(totals.loans, LOANS as i64, "{}", db.backend);
    assert_eq!(totals.payments, generated.payments as i64);
    assert!(totals.payments > 0);
    assert_eq!(totals.payments_amount, totals.loans_total_paid);
    assert_eq!(totals.installments_paid, totals.loans_total_paid);
    assert_eq!(
        totals.loans_outstanding,
        generated.outstanding.iter().sum::<i64>()
    );
    let allocations = payment_allocation::Entity::find()
        .filter(payment_allocation::Column::TenantId.eq(tenant.get()))
        .order_by_asc(payment_allocation::Column::Id)
        .all(store.db())
        .await
        .unwrap();
    assert_eq!(allocations.len() as u64, generated.allocations);
    assert_eq!(
        allocations.iter().map(|a| a.amount).sum::<i64>(),
        totals.payments_amount
    );

    // Days past due at the cut, from the oldest installment due before it and not fully paid.
    let rows = installment::Entity::find()
        .filter(installment::Column::TenantId.eq(tenant.get()))
        .order_by_asc(installment::Column::LoanId)
        .order_by_asc(installment::Column::Number)
        .all(store.db())
        .await
        .unwrap();
    let mut oldest_unpaid: BTreeMap<i64, Option<NaiveDate>> = BTreeMap::new();
    for i in &rows {
        let due = i.principal + i.interest + i.interest_iva;
        let paid = i.paid_principal + i.paid_interest + i.paid_interest_iva;
        let entry = oldest_unpaid.entry(i.loan_id).or_default();
        if entry.is_none() && i.due_date < as_of && paid < due {
            *entry = Some(i.due_date);
        }
    }
    let mut buckets = [0usize; 6];
    for due in oldest_unpaid.values() {
        let days = due.map_or(0, |d| (as_of - d).num_days());
        let bucket = match days {
            0 => 0,
            1..=15 => 1,
            16..=30 => 2,
            31..=60 => 3,
            61..=90 => 4,
            _ => 5,
        };
        buckets[bucket] += 1;
    }
    assert!(
        buckets.iter().all(|&n| n * 50 > LOANS),
        "{}: every bucket holds more than 2 % of the book: {buckets:?}",
        db.backend
    );
    assert!(
        buckets[0] * 2 > LOANS,
        "most loans are current: {buckets:?}"
    );
    let partial = rows
        .iter()
        .filter(|i| {
            let paid = i.paid_principal + i.paid_interest + i.paid_interest_iva;
            paid > 0 && paid < i.principal + i.interest + i.interest_iva
        })
        .count();
    assert!(partial * 20 > LOANS, "some installments are partly paid");
    let payments = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .all(store.db())
        .await
        .unwrap();
    assert!(payments.iter().all(|p| p.paid_on < as_of));

    // The same spec on a fresh database writes the same rows.
    let Some(again_db) = TestDb::create(db.backend).await else {
        return;
    };
    let again = migrated(&again_db).await;
    let twin = generate(&again, spec, |_| {}).await.unwrap();
    assert_eq!(twin.loans, generated.loans);
    let twin_rows = installment::Entity::find()
        .filter(installment::Column::TenantId.eq(twin.tenant.id.get()))
        .order_by_asc(installment::Column::LoanId)
        .order_by_asc(installment::Column::Number)
        .all(again.db())
        .await
        .unwrap();
    assert_eq!(twin_rows, rows, "{}", db.backend);
    let twin_allocations = payment_allocation::Entity::find()
        .filter(payment_allocation::Column::TenantId.eq(twin.tenant.id.get()))
        .order_by_asc(payment_allocation::Column::Id)
        .all(again.db())
        .await
        .unwrap();
    assert_eq!(twin_allocations, allocations, "{}", db.backend);
}
