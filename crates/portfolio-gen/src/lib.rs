//! Deterministic loan portfolios for benchmarks and crash tests.
//!
//! [`generate`] creates one tenant (`banco-bench`), a cashier API key and two biweekly products through
//! the services, then N clients with one disbursed loan each — with their installments, payments and
//! allocations — through `store::repo::bulk`, a chunk of loans per transaction, never a round trip
//! per loan. The same [`Spec`] gives the same rows on every backend: loan `i` always gets the same
//! product, principal, dates and payments, and the ids come out in the same order on a fresh database.
//!
//! Two books:
//! - [`Book::Fresh`]: every loan of 10,000.00 disbursed three weeks before today, nothing paid — the
//!   portfolio the payments benchmark has always measured against.
//! - [`Book::InArrears`]: active loans as they stand at the cut of `as_of` — most current, the rest
//!   spread over every delinquency bucket up to 90+ days, a third of those with a partial payment
//!   (`standing.rs` has the weights); principals of 3,000.00 to 15,000.00.
//!
//! Planning is pure (`archetype.rs`, `standing.rs`); this file only creates the tenant and writes.
//! `scratch.rs` makes the throw-away databases the benchmarks load them into.

pub mod archetype;
pub mod scratch;
pub mod standing;

use archetype::{Archetype, PlanError, disbursement_for, plan, schedule};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use credinet_accounts::{AccountError, Accounts, TenantInput};
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::schedule::Schedule;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms, TermsError};
use credinet_core::money::Money;
use credinet_core::rate::{Rate, RateError};
use credinet_core::role::Role;
use credinet_lending::LendingError;
use credinet_lending::products::{self, ProductInput};
use credinet_store::entities::tenant_counter;
use credinet_store::repo::audit::{Actor, Requester};
use credinet_store::repo::bulk::{self, BulkLoan, BulkPayment, ClientRef, Portfolio};
use credinet_store::repo::clients::ClientFields;
use credinet_store::repo::tenants::Tenant;
use credinet_store::{Store, StoreError};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ActiveValue::Set, EntityTrait};
use standing::Standing;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The tenant every generated portfolio belongs to.
pub const TENANT_SLUG: &str = "banco-bench";

/// Loans written per transaction: bounds the generator's memory and the size of SQLite's log.
const CHUNK: usize = 20_000;

/// Principals of the loans in arrears, in centavos.
const PRINCIPALS: [i64; 5] = [300_000, 500_000, 800_000, 1_000_000, 1_500_000];

/// The late fee of both products, before IVA: the cut charges it on each newly overdue installment.
const LATE_FEE: i64 = 15_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Book {
    /// Every loan disbursed 21 days before today (in the tenant's zone), nothing paid.
    Fresh,
    /// Active loans in arrears as they stand at the cut of `as_of`, which must be a cut day not after
    /// today; every payment is dated before it.
    InArrears { as_of: NaiveDate },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub loans: usize,
    pub book: Book,
    /// Seeds the draws of [`Book::InArrears`].
    pub seed: u64,
    /// The instant the loaded rows say they were written at; fixed when two loads must be identical.
    pub now: DateTime<Utc>,
}

/// What was written, and what the benchmarks need to drive it.
#[derive(Debug, Clone)]
pub struct Generated {
    pub tenant: Tenant,
    /// A cashier's API key, shown once.
    pub cashier_key: String,
    /// Loan ids, by loan index.
    pub loans: Vec<i64>,
    /// What each loan still owes (its payoff), by loan index.
    pub outstanding: Vec<i64>,
    pub installments: u64,
    pub payments: u64,
    pub allocations: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("creating the tenant or its key: {0}")]
    Account(#[from] AccountError),
    #[error("creating a product: {0}")]
    Lending(#[from] LendingError),
    #[error("writing the portfolio: {0}")]
    Store(#[from] StoreError),
    #[error("planning a loan: {0}")]
    Plan(#[from] PlanError),
    #[error("the products' terms: {0}")]
    Terms(#[from] TermsError),
    #[error("the products' rates: {0}")]
    Rate(#[from] RateError),
    #[error("{as_of} is after today ({today}) in the tenant's zone: a cut cannot be that late")]
    AsOfInFuture { as_of: NaiveDate, today: NaiveDate },
}

/// Creates the tenant and writes `spec.loans` loans; `progress` is told how many are written after
/// each chunk.
pub async fn generate(
    store: &Store,
    spec: Spec,
    mut progress: impl FnMut(usize),
) -> Result<Generated, GenError> {
    let accounts = Accounts::new(store);
    let cli = Requester::cli();
    let tenant = accounts
        .create_tenant(
            TenantInput {
                slug: TENANT_SLUG.into(),
                legal_name: "Caja de Banco de Pruebas".into(),
                time_zone: "America/Mexico_City".into(),
            },
            &cli,
        )
        .await?;
    let (_, cashier_key) = accounts
        .create_api_key(tenant.id, "bench cashier", Role::Cashier, None, &cli)
        .await?;
    let product = |name: &str, periods, method, rate: &str| -> Result<ProductInput, GenError> {
        Ok(ProductInput {
            name: name.into(),
            terms: ProductTerms::new(
                Periodicity::BiweeklyCut,
                periods,
                method,
                Rate::parse(rate)?,
            )?
            .with_late_fee(Money::from_centavos(LATE_FEE))?,
            limits: ProductLimits::defaults_for(periods),
            active: true,
        })
    };
    let mut made = Vec::new();
    for input in [
        product("Quincenal fijo", 6, InterestMethod::Flat, "0.05")?,
        product("Quincenal saldos", 12, InterestMethod::Declining, "0.03")?,
    ] {
        made.push(products::create(store, tenant.id, input, &cli).await?);
    }
    let products: Vec<ProductOf> = made
        .iter()
        .map(|p| {
            Ok(ProductOf {
                id: p.id.get(),
                terms_json: serde_json::to_string(&p.terms).map_err(|e| {
                    GenError::Store(StoreError::InvalidLoad(format!("product terms: {e}")))
                })?,
                terms: p.terms.clone(),
            })
        })
        .collect::<Result<_, GenError>>()?;

    let today = tenant.zone.local_date(store.now());
    let as_of = match spec.book {
        Book::Fresh => today,
        Book::InArrears { as_of } if as_of > today => {
            return Err(GenError::AsOfInFuture { as_of, today });
        }
        Book::InArrears { as_of } => as_of,
    };
    let mut planner = Planner {
        tenant: &tenant,
        products: &products,
        as_of,
        archetypes: HashMap::new(),
        schedules: HashMap::new(),
    };
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let mut out = Generated {
        tenant: tenant.clone(),
        cashier_key,
        loans: Vec::with_capacity(spec.loans),
        outstanding: Vec::with_capacity(spec.loans),
        installments: 0,
        payments: 0,
        allocations: 0,
    };
    let actor = cli.actor.stored();
    let mut start = 0;
    while start < spec.loans {
        let end = (start + CHUNK).min(spec.loans);
        let mut portfolio = Portfolio::default();
        for i in start..end {
            let (product, principal, standing) = match spec.book {
                Book::Fresh => (i % 2, PRINCIPALS[3], standing::fresh()),
                Book::InArrears { .. } => {
                    let product = rng.gen_range(0..products.len());
                    let principal = PRINCIPALS[rng.gen_range(0..PRINCIPALS.len())];
                    let term = products[product].terms.term_periods();
                    (product, principal, standing::draw(&mut rng, term))
                }
            };
            let key = Key {
                product,
                principal,
                standing,
                fresh: spec.book == Book::Fresh,
            };
            let archetype = planner.archetype(key)?;
            out.outstanding
                .push(archetype.total_due - archetype.total_paid);
            portfolio.clients.push(client(i));
            portfolio.loans.push(loan(
                i,
                portfolio.clients.len() - 1,
                &products[product],
                principal,
                archetype,
                &actor,
                &tenant,
                spec.now,
            ));
        }
        let tx = store.write().await?;
        let loaded = bulk::load(&tx, tenant.id, portfolio, spec.now).await?;
        tx.commit().await?;
        out.loans.extend(loaded.loans.iter().map(|id| id.get()));
        out.installments += loaded.installments;
        out.payments += loaded.payments;
        out.allocations += loaded.allocations;
        progress(end);
        start = end;
    }
    // The next loan created through the service gets the next number.
    tenant_counter::Entity::insert(tenant_counter::ActiveModel {
        tenant_id: Set(tenant.id.get()),
        name: Set("loan".into()),
        value: Set(spec.loans as i64),
    })
    .exec_without_returning(store.db())
    .await
    .map_err(StoreError::from)?;
    bulk::analyze_loaded(store.db()).await?;
    Ok(out)
}

struct ProductOf {
    id: i64,
    terms: ProductTerms,
    terms_json: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    product: usize,
    principal: i64,
    standing: Standing,
    fresh: bool,
}

/// Plans each kind of loan once.
struct Planner<'a> {
    tenant: &'a Tenant,
    products: &'a [ProductOf],
    as_of: NaiveDate,
    archetypes: HashMap<Key, Archetype>,
    /// By product, principal and disbursement date.
    schedules: HashMap<(usize, i64, NaiveDate), Schedule>,
}

impl Planner<'_> {
    fn archetype(&mut self, key: Key) -> Result<&Archetype, GenError> {
        if !self.archetypes.contains_key(&key) {
            let terms = &self.products[key.product].terms;
            let cut_days = &self.tenant.settings.cut_days;
            let disbursed_on = if key.fresh {
                self.as_of - Days::new(21)
            } else {
                disbursement_for(
                    key.standing.elapsed,
                    self.as_of,
                    cut_days,
                    terms.min_days_to_first_due(),
                )?
            };
            let by = (key.product, key.principal, disbursed_on);
            let shared = match self.schedules.entry(by) {
                Entry::Occupied(found) => found.get().clone(),
                Entry::Vacant(slot) => slot
                    .insert(schedule(
                        terms,
                        Money::from_centavos(key.principal),
                        disbursed_on,
                        cut_days,
                    )?)
                    .clone(),
            };
            let planned = plan(terms, shared, disbursed_on, key.standing, self.as_of)?;
            self.archetypes.insert(key, planned);
        }
        Ok(&self.archetypes[&key])
    }
}

fn client(i: usize) -> ClientFields {
    ClientFields {
        full_name: format!("Cliente de Prueba {i:06}"),
        phone: format!("+5255{:08}", 10_000_000 + i),
        curp: None,
        rfc: None,
        birth_date: None,
        address: None,
        notes: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn loan(
    i: usize,
    client: usize,
    product: &ProductOf,
    principal: i64,
    a: &Archetype,
    actor: &Actor,
    tenant: &Tenant,
    now: DateTime<Utc>,
) -> BulkLoan {
    let at = |day: NaiveDate, hour: u32| -> DateTime<Utc> {
        let time = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN);
        tenant.zone.resolve(day.and_time(time)).min(now)
    };
    let number = format!("{:06}", i + 1);
    let s = &a.schedule;
    BulkLoan {
        client: ClientRef::Loaded(client),
        number: number.clone(),
        product_id: product.id,
        principal,
        terms: product.terms_json.clone(),
        status: "disbursed".into(),
        approved_by: actor.clone(),
        disbursed_at: at(a.disbursed_on, 12),
        disbursed_on: a.disbursed_on,
        opening_commission: s.opening_commission.centavos(),
        commission_iva: s.commission_iva.centavos(),
        net_disbursed: s.net_disbursed.centavos(),
        cat: s.cat.to_string(),
        total_due: a.total_due,
        total_paid: a.total_paid,
        paid_at: None,
        installments: a.installments.clone(),
        payments: a
            .payments
            .iter()
            .enumerate()
            .map(|(k, p)| BulkPayment {
                amount: p.amount,
                paid_on: p.paid_on,
                method: "cash".into(),
                reference: None,
                request_hash: format!("portfolio-gen loan {number} payment {k}"),
                registered_by: actor.clone(),
                created_at: at(p.paid_on, 17),
                allocations: p.allocations.clone(),
            })
            .collect(),
    }
}
