use chrono::NaiveDate;
use credinet_core::ids::{LoanId, TenantId};
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::slug::TenantSlug;
use credinet_core::zone::Zone;
use credinet_lending::clients::{self, ClientInput};
use credinet_lending::loans::{self, LoanDetail, LoanInput};
use credinet_lending::products::{self, Product, ProductInput};
use credinet_store::entities::{installment, payment, payment_allocation};
use credinet_store::repo::audit::{Actor, ActorKind, Origin, Requester};
use credinet_store::repo::tenants::{self, NewTenant};
use credinet_store::sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use credinet_store::testing::TestDb;
use credinet_store::{Store, migrations};

pub async fn store(db: &TestDb) -> Store {
    let store = Store::connect(&db.url).await.expect("connect");
    migrations::run(&store).await.expect("migrate");
    store
}

pub async fn tenant(store: &Store, slug: &str) -> TenantId {
    let new = NewTenant {
        slug: TenantSlug::parse(&format!("financiera-{slug}")).unwrap(),
        legal_name: format!("Financiera {slug}"),
        zone: Zone::mexico_city(),
        currency: credinet_core::currency::Currency::MXN,
        settings: credinet_core::tenant_settings::TenantSettings::default(),
    };
    tenants::create(store.db(), new, store.now())
        .await
        .unwrap()
        .id
}

pub fn user(id: i64, label: &str) -> Requester {
    Requester {
        actor: Actor {
            kind: ActorKind::User,
            id: Some(id),
            label: label.into(),
        },
        origin: Origin::default(),
    }
}

pub fn maker() -> Requester {
    user(1, "cajero@demo.mx")
}

pub fn checker() -> Requester {
    user(2, "gerente@demo.mx")
}

pub fn m(centavos: i64) -> Money {
    Money::from_centavos(centavos)
}

pub fn d(y: i32, mo: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, mo, day).unwrap()
}

pub fn terms(method: InterestMethod, n: u32, rate: &str) -> ProductTerms {
    ProductTerms::new(
        Periodicity::BiweeklyCut,
        n,
        method,
        Rate::parse(rate).unwrap(),
    )
    .unwrap()
}

pub async fn product(store: &Store, tenant: TenantId, name: &str, t: ProductTerms) -> Product {
    let input = ProductInput {
        name: name.into(),
        limits: ProductLimits::defaults_for(t.term_periods()),
        terms: t,
        active: true,
    };
    products::create(store, tenant, input, &maker())
        .await
        .unwrap()
}

/// A client, a draft, submitted by the maker, approved by the checker, disbursed on `on`.
pub async fn disbursed_loan(
    store: &Store,
    tenant: TenantId,
    product: &Product,
    principal: Money,
    on: NaiveDate,
) -> LoanDetail {
    let client = clients::create(
        store,
        tenant,
        ClientInput {
            full_name: "Ana Pérez López".into(),
            phone: "55 1234 5678".into(),
            ..ClientInput::default()
        },
        &maker(),
    )
    .await
    .unwrap()
    .client;
    let input = LoanInput {
        client: client.id,
        product: product.id,
        principal,
        term: None,
    };
    let loan = loans::create_draft(store, tenant, input, &maker())
        .await
        .unwrap();
    loans::submit(store, tenant, loan.id, &maker())
        .await
        .unwrap();
    loans::approve(store, tenant, loan.id, &checker())
        .await
        .unwrap();
    loans::disburse(store, tenant, loan.id, Some(on), &checker())
        .await
        .unwrap()
}

/// Checks SPEC §3's invariants on one loan straight from the tables: Σ allocations of live payments =
/// Σ live payments, Σ allocations = Σ paid on the installments per component, nothing paid beyond due,
/// and the loan's cached balances equal the installments'.
pub async fn assert_invariants(store: &Store, tenant: TenantId, loan: LoanId) {
    let db = store.db();
    let payments = payment::Entity::find()
        .filter(payment::Column::TenantId.eq(tenant.get()))
        .filter(payment::Column::LoanId.eq(loan.get()))
        .all(db)
        .await
        .unwrap();
    let live: Vec<i64> = payments
        .iter()
        .filter(|p| !p.reversed)
        .map(|p| p.id)
        .collect();
    let paid_total: i64 = payments
        .iter()
        .filter(|p| !p.reversed)
        .map(|p| p.amount)
        .sum();
    let allocations = if live.is_empty() {
        Vec::new()
    } else {
        payment_allocation::Entity::find()
            .filter(payment_allocation::Column::PaymentId.is_in(live))
            .all(db)
            .await
            .unwrap()
    };
    let allocated: i64 = allocations.iter().map(|a| a.amount).sum();
    assert_eq!(
        allocated, paid_total,
        "Σ allocations = Σ payments − Σ reversed"
    );
    let installments = installment::Entity::find()
        .filter(installment::Column::LoanId.eq(loan.get()))
        .all(db)
        .await
        .unwrap();
    let mut paid_on_installments = 0;
    let mut due = 0;
    for i in &installments {
        let pairs = [
            (i.principal, i.paid_principal),
            (i.interest, i.paid_interest),
            (i.interest_iva, i.paid_interest_iva),
            (i.late_fee, i.paid_late_fee),
            (i.late_fee_iva, i.paid_late_fee_iva),
        ];
        for (d, p) in pairs {
            assert!(0 <= p && p <= d, "installment {} pays {p} of {d}", i.number);
            paid_on_installments += p;
            due += d;
        }
        let from_allocations: i64 = allocations
            .iter()
            .filter(|a| a.installment_id == i.id)
            .map(|a| a.amount)
            .sum();
        let paid_here = i.paid_principal
            + i.paid_interest
            + i.paid_interest_iva
            + i.paid_late_fee
            + i.paid_late_fee_iva;
        assert_eq!(
            from_allocations, paid_here,
            "installment {} allocations",
            i.number
        );
    }
    assert_eq!(paid_on_installments, paid_total, "Σ paid on installments");
    let l = loans::get(store, tenant, loan).await.unwrap();
    assert_eq!(l.total_due.centavos(), due, "cached total due");
    assert_eq!(l.total_paid.centavos(), paid_total, "cached total paid");
    assert_eq!(
        l.outstanding.centavos(),
        due - paid_total,
        "cached outstanding"
    );
}
