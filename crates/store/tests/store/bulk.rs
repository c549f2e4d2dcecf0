//! A bulk load writes every row it is given, with the ids it hands back, on every backend; rows that
//! contradict each other, or name another tenant's client or product, are refused before anything is
//! written.

use super::{migrated, tenant};
use chrono::{Duration, NaiveDate};
use credinet_core::ids::ClientId;
use credinet_core::lending::allocation::Component;
use credinet_store::entities::{payment, payment_allocation};
use credinet_store::repo::audit::Actor;
use credinet_store::repo::bulk::{
    self, BulkAllocation, BulkInstallment, BulkLoan, BulkPayment, ClientRef, Portfolio,
};
use credinet_store::repo::clients::{self, ClientFields};
use credinet_store::repo::loans::{self, Paid};
use credinet_store::repo::portfolio;
use credinet_store::repo::products::{self, ProductFields};
use credinet_store::testing::TestDb;
use credinet_store::{StoreError, each_backend};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

each_backend!(
    a_bulk_load_reads_back_as_written,
    loans_that_contradict_their_schedule_or_their_tenant_are_refused,
);

const CLIENTS: usize = 150;
/// Two loans per client, the second on a client stored before the load for every tenth.
const LOANS: usize = 300;
const INSTALLMENTS_PER_LOAN: usize = 6;

fn client(i: usize) -> ClientFields {
    ClientFields {
        full_name: format!("Cliente Cargado {i:04}"),
        phone: format!("+5255{:08}", 20_000_000 + i),
        curp: i
            .is_multiple_of(3)
            .then(|| format!("PEGA{:06}HDFRRN0{}", 800_000 + i, i % 10)),
        rfc: None,
        birth_date: NaiveDate::from_ymd_opt(1980, 1, 1).map(|d| d + Duration::days(i as i64)),
        address: Some(format!("Calle {i} #{}", i * 7)),
        notes: None,
    }
}

/// A loan of 1,000.00 + i centavos in six installments; loans with an odd index have paid the first
/// installment in full and part of the second, and every fifth has a late fee on its first. Loans at
/// 1, 5, 9, … come with the two payments that paid so (the first installment in one, 10.00 of the
/// second's interest in another); the other odd ones have the paid columns alone.
fn loan(i: usize, client: ClientRef, product: i64, start: NaiveDate) -> BulkLoan {
    let principal = 100_000 + i as i64;
    let per = principal / INSTALLMENTS_PER_LOAN as i64;
    let installments: Vec<BulkInstallment> = (0..INSTALLMENTS_PER_LOAN)
        .map(|k| {
            let last = k + 1 == INSTALLMENTS_PER_LOAN;
            let principal = if last {
                principal - per * (INSTALLMENTS_PER_LOAN as i64 - 1)
            } else {
                per
            };
            let (late_fee, late_fee_iva) = if k == 0 && i.is_multiple_of(5) {
                (15_000, 2_400)
            } else {
                (0, 0)
            };
            let mut paid = Paid {
                principal: 0,
                interest: 0,
                interest_iva: 0,
                late_fee: 0,
                late_fee_iva: 0,
            };
            if i % 2 == 1 && k == 0 {
                paid = Paid {
                    principal,
                    interest: 1_250,
                    interest_iva: 200,
                    late_fee,
                    late_fee_iva,
                };
            } else if i % 2 == 1 && k == 1 {
                paid.interest = 1_000;
            }
            BulkInstallment {
                number: k as i32 + 1,
                due_date: start + Duration::days(15 * (k as i64 + 1)),
                principal,
                interest: 1_250,
                interest_iva: 200,
                late_fee,
                late_fee_iva,
                paid,
            }
        })
        .collect();
    let total_due = installments
        .iter()
        .map(|i| i.principal + i.interest + i.interest_iva + i.late_fee + i.late_fee_iva)
        .sum();
    let total_paid = installments
        .iter()
        .map(|i| {
            let p = &i.paid;
            p.principal + p.interest + p.interest_iva + p.late_fee + p.late_fee_iva
        })
        .sum();
    BulkLoan {
        client,
        number: format!("B{i:05}"),
        product_id: product,
        principal,
        terms: r#"{"periodicity":"biweekly_cut","term_periods":6}"#.into(),
        status: "disbursed".into(),
        approved_by: Actor::cli(),
        disbursed_at: start
            .and_hms_micro_opt(16, 30, 0, 123_456)
            .expect("a valid time")
            .and_utc(),
        disbursed_on: start,
        opening_commission: 2_000,
        commission_iva: 320,
        net_disbursed: principal - 2_320,
        cat: "123.4".into(),
        total_due,
        total_paid,
        paid_at: None,
        payments: if i % 4 == 1 {
            payments_of(&installments, start)
        } else {
            vec![]
        },
        installments,
    }
}

fn payments_of(installments: &[BulkInstallment], start: NaiveDate) -> Vec<BulkPayment> {
    let first = &installments[0];
    let slices = |number: i32, parts: &[(Component, i64)]| -> Vec<BulkAllocation> {
        parts
            .iter()
            .filter(|(_, amount)| *amount > 0)
            .map(|&(component, amount)| BulkAllocation {
                installment: number,
                component,
                amount,
            })
            .collect()
    };
    let payment = |paid_on: NaiveDate, allocations: Vec<BulkAllocation>| BulkPayment {
        amount: allocations.iter().map(|a| a.amount).sum(),
        paid_on,
        method: "cash".into(),
        reference: None,
        request_hash: format!("loaded {paid_on}"),
        registered_by: Actor::cli(),
        created_at: paid_on
            .and_hms_opt(18, 0, 0)
            .expect("a valid time")
            .and_utc(),
        allocations,
    };
    vec![
        payment(
            first.due_date,
            slices(
                1,
                &[
                    (Component::LateFee, first.paid.late_fee),
                    (Component::LateFeeIva, first.paid.late_fee_iva),
                    (Component::InterestIva, first.paid.interest_iva),
                    (Component::Interest, first.paid.interest),
                    (Component::Principal, first.paid.principal),
                ],
            ),
        ),
        payment(
            start + Duration::days(20),
            slices(2, &[(Component::Interest, installments[1].paid.interest)]),
        ),
    ]
}

async fn a_bulk_load_reads_back_as_written(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let b = tenant(&store, "caja-b").await;
    let now = store.now();
    let product = products::insert(store.db(), a.id, product_fields(), now)
        .await
        .unwrap()
        .id;
    let before = clients::insert(store.db(), a.id, client(9_999), now)
        .await
        .unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 11, 8).unwrap();
    let loans: Vec<BulkLoan> = (0..LOANS)
        .map(|i| {
            let owner = if i % 10 == 9 {
                ClientRef::Stored(ClientId::new(before.id))
            } else {
                ClientRef::Loaded(i / 2)
            };
            loan(i, owner, product, start)
        })
        .collect();
    let expected: Vec<BulkLoan> = loans.clone();
    let portfolio = Portfolio {
        clients: (0..CLIENTS).map(client).collect(),
        loans,
    };

    let tx = store.write().await.unwrap();
    let loaded = bulk::load(&tx, a.id, portfolio, now).await.unwrap();
    tx.commit().await.unwrap();
    bulk::analyze_loaded(store.db()).await.unwrap();

    assert_eq!(loaded.clients.len(), CLIENTS, "{}", db.backend);
    assert_eq!(loaded.loans.len(), LOANS);
    assert_eq!(loaded.installments, (LOANS * INSTALLMENTS_PER_LOAN) as u64);
    let with_payments = expected.iter().filter(|l| !l.payments.is_empty()).count();
    let payments_amount: i64 = expected
        .iter()
        .flat_map(|l| &l.payments)
        .map(|p| p.amount)
        .sum();
    assert_eq!(loaded.payments, 2 * with_payments as u64, "{}", db.backend);
    let totals = bulk::totals(store.db(), a.id).await.unwrap();
    let due: i64 = expected.iter().map(|l| l.total_due).sum();
    let paid: i64 = expected.iter().map(|l| l.total_paid).sum();
    assert_eq!(
        totals,
        bulk::Totals {
            clients: CLIENTS as i64 + 1,
            loans: LOANS as i64,
            installments: (LOANS * INSTALLMENTS_PER_LOAN) as i64,
            installments_due: due,
            installments_paid: paid,
            loans_total_due: due,
            loans_total_paid: paid,
            loans_outstanding: due - paid,
            payments: 2 * with_payments as i64,
            payments_amount,
        },
        "{}",
        db.backend
    );
    assert_eq!(
        bulk::totals(store.db(), b.id).await.unwrap(),
        bulk::Totals::default(),
        "another tenant sees nothing of the load"
    );

    // The dashboard's aggregates over the same rows.
    let first_due = start + Duration::days(15);
    let due_then: i64 = expected
        .iter()
        .map(|l| {
            let i = &l.installments[0];
            i.principal + i.interest + i.interest_iva + i.late_fee + i.late_fee_iva
        })
        .sum();
    assert_eq!(
        portfolio::due_by_day(store.db(), a.id, start, first_due + Duration::days(1))
            .await
            .unwrap(),
        vec![portfolio::DayAmount {
            day: first_due,
            amount: due_then
        }],
        "{}",
        db.backend
    );
    let statuses = portfolio::by_status(store.db(), a.id).await.unwrap();
    assert_eq!(
        statuses,
        vec![portfolio::StatusTotals {
            status: "disbursed".into(),
            loans: LOANS as i64,
            principal: expected.iter().map(|l| l.principal).sum(),
            outstanding: due - paid,
        }]
    );
    assert!(
        portfolio::by_status(store.db(), b.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        portfolio::due_by_day(store.db(), b.id, start, first_due)
            .await
            .unwrap()
            .is_empty()
    );

    // Every id handed back names the row made from the input at that position.
    for (i, id) in loaded.clients.iter().enumerate().step_by(37) {
        let row = clients::get(store.db(), a.id, *id).await.unwrap().unwrap();
        let want = client(i);
        assert_eq!(
            (row.full_name, row.phone, row.curp, row.birth_date),
            (want.full_name, want.phone, want.curp, want.birth_date),
            "{}",
            db.backend
        );
    }
    for (i, id) in loaded.loans.iter().enumerate().step_by(29) {
        let row = loans::get(store.db(), a.id, *id).await.unwrap().unwrap();
        let want = &expected[i];
        let owner = match want.client {
            ClientRef::Loaded(c) => loaded.clients[c].get(),
            ClientRef::Stored(c) => c.get(),
        };
        assert_eq!(row.number, want.number);
        assert_eq!(row.client_id, owner, "{}: loan {i}'s client", db.backend);
        assert_eq!(
            (
                row.principal,
                row.total_due,
                row.total_paid,
                row.outstanding
            ),
            (
                want.principal,
                want.total_due,
                want.total_paid,
                want.total_due - want.total_paid
            )
        );
        assert_eq!(row.status, "disbursed");
        assert_eq!(row.disbursed_on, Some(start));
        assert_eq!(row.disbursed_at, Some(want.disbursed_at), "{}", db.backend);
        assert_eq!(row.version, 4);
        let schedule = loans::installments(store.db(), a.id, *id).await.unwrap();
        let got: Vec<_> = schedule
            .iter()
            .map(|s| {
                (
                    s.number,
                    s.due_date,
                    s.principal,
                    s.late_fee,
                    s.late_fee_iva,
                    s.paid_principal,
                    s.paid_interest,
                    s.paid_late_fee,
                )
            })
            .collect();
        let want: Vec<_> = want
            .installments
            .iter()
            .map(|s| {
                (
                    s.number,
                    s.due_date,
                    s.principal,
                    s.late_fee,
                    s.late_fee_iva,
                    s.paid.principal,
                    s.paid.interest,
                    s.paid.late_fee,
                )
            })
            .collect();
        assert_eq!(got, want, "{}: loan {i}'s schedule", db.backend);
    }

    // Every allocation names its payment and the installment of the same loan it pays.
    for (i, id) in loaded
        .loans
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 4 == 1)
        .step_by(7)
    {
        let schedule = loans::installments(store.db(), a.id, *id).await.unwrap();
        let stored = payment::Entity::find()
            .filter(payment::Column::TenantId.eq(a.id.get()))
            .filter(payment::Column::LoanId.eq(id.get()))
            .order_by_asc(payment::Column::Id)
            .all(store.db())
            .await
            .unwrap();
        let mut got = Vec::new();
        for p in &stored {
            let slices = payment_allocation::Entity::find()
                .filter(payment_allocation::Column::TenantId.eq(a.id.get()))
                .filter(payment_allocation::Column::PaymentId.eq(p.id))
                .order_by_asc(payment_allocation::Column::Id)
                .all(store.db())
                .await
                .unwrap();
            for s in slices {
                let owner = schedule.iter().find(|row| row.id == s.installment_id);
                assert_eq!(
                    owner.map(|row| row.number),
                    Some(s.installment_number),
                    "{}: loan {i}'s allocation names an installment of its own loan",
                    db.backend
                );
                got.push((
                    p.paid_on,
                    p.amount,
                    s.installment_number,
                    s.component,
                    s.amount,
                ));
            }
        }
        let want: Vec<_> = expected[i]
            .payments
            .iter()
            .flat_map(|p| {
                p.allocations.iter().map(move |s| {
                    (
                        p.paid_on,
                        p.amount,
                        s.installment,
                        serde_json::to_value(s.component)
                            .unwrap()
                            .as_str()
                            .unwrap()
                            .to_string(),
                        s.amount,
                    )
                })
            })
            .collect();
        assert_eq!(got, want, "{}: loan {i}'s payments", db.backend);
    }

    // A second load continues after the first: fresh ids, nothing overwritten.
    let tx = store.write().await.unwrap();
    let again = bulk::load(
        &tx,
        a.id,
        Portfolio {
            clients: vec![client(500)],
            loans: vec![loan(500, ClientRef::Loaded(0), product, start)],
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(again.clients[0] > *loaded.clients.iter().max().unwrap());
    assert!(again.loans[0] > *loaded.loans.iter().max().unwrap());
    assert_eq!(
        bulk::totals(store.db(), a.id).await.unwrap().loans,
        LOANS as i64 + 1
    );
}

async fn loans_that_contradict_their_schedule_or_their_tenant_are_refused(db: TestDb) {
    let store = migrated(&db).await;
    let a = tenant(&store, "caja-a").await;
    let now = store.now();
    let product = products::insert(store.db(), a.id, product_fields(), now)
        .await
        .unwrap()
        .id;
    let start = NaiveDate::from_ymd_opt(2026, 11, 8).unwrap();
    let mut wrong = loan(1, ClientRef::Loaded(0), product, start);
    wrong.total_paid += 1;
    let tx = store.write().await.unwrap();
    let refused = bulk::load(
        &tx,
        a.id,
        Portfolio {
            clients: vec![client(0)],
            loans: vec![loan(0, ClientRef::Loaded(0), product, start), wrong],
        },
        now,
    )
    .await;
    assert!(
        matches!(refused, Err(StoreError::InvalidLoad(ref why)) if why.contains("B00001")),
        "{}: {refused:?}",
        db.backend
    );
    let unknown_client = bulk::load(
        &tx,
        a.id,
        Portfolio {
            clients: vec![],
            loans: vec![loan(0, ClientRef::Loaded(3), product, start)],
        },
        now,
    )
    .await;
    assert!(matches!(unknown_client, Err(StoreError::InvalidLoad(_))));
    let mut misallocated = loan(5, ClientRef::Loaded(0), product, start);
    misallocated.payments[0].allocations[0].installment = 2;
    let mut short = loan(9, ClientRef::Loaded(0), product, start);
    short.payments.pop();
    let mut early = loan(13, ClientRef::Loaded(0), product, start);
    early.payments[0].paid_on = start - Duration::days(1);
    for (wrong, why) in [
        (misallocated, "allocated"),
        (short, "its payments add up to"),
        (early, "before the disbursement"),
    ] {
        let number = wrong.number.clone();
        let refused = bulk::load(
            &tx,
            a.id,
            Portfolio {
                clients: vec![client(0)],
                loans: vec![wrong],
            },
            now,
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::InvalidLoad(ref w)) if w.contains(&number) && w.contains(why)),
            "{}: {refused:?}",
            db.backend
        );
    }
    tx.rollback().await.unwrap();

    // Another tenant's client or product is refused too: the foreign keys alone would take them.
    let b = tenant(&store, "caja-b").await;
    let theirs = clients::insert(store.db(), b.id, client(7), now)
        .await
        .unwrap();
    let their_product = products::insert(store.db(), b.id, product_fields(), now)
        .await
        .unwrap()
        .id;
    let tx = store.write().await.unwrap();
    for (owner, product) in [
        (ClientRef::Stored(ClientId::new(theirs.id)), product),
        (ClientRef::Loaded(0), their_product),
    ] {
        let refused = bulk::load(
            &tx,
            a.id,
            Portfolio {
                clients: vec![client(0)],
                loans: vec![loan(0, owner, product, start)],
            },
            now,
        )
        .await;
        assert!(
            matches!(refused, Err(StoreError::InvalidLoad(ref why)) if why.contains("not the tenant's")),
            "{}: {refused:?}",
            db.backend
        );
    }
    tx.rollback().await.unwrap();
    assert_eq!(
        bulk::totals(store.db(), a.id).await.unwrap(),
        bulk::Totals::default()
    );
}

fn product_fields() -> ProductFields {
    ProductFields {
        name: "Quincenal".into(),
        periodicity: "biweekly_cut".into(),
        term_periods: 6,
        interest_method: "flat".into(),
        rate_per_period: "0.05".into(),
        opening_commission_rate: "0.02".into(),
        iva_rate: "0.16".into(),
        late_fee: 15_000,
        min_days_to_first_due: 7,
        allocation_order: "late_fee,interest,principal".into(),
        rounding: "half_up".into(),
        active: true,
        min_principal: 100,
        max_principal: 100_000_000,
        min_term_periods: 6,
        max_term_periods: 6,
    }
}
