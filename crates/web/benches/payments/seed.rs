//! One tenant, a cashier key and two products through the services, then N clients, N disbursed loans
//! and their installments through `store::repo::bulk` in one transaction.

use chrono::Duration as Days;
use credinet_accounts::{Accounts, TenantInput};
use credinet_core::ids::TenantId;
use credinet_core::lending::schedule::{Schedule, build_schedule};
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::Rate;
use credinet_core::role::Role;
use credinet_lending::products::{self, ProductInput};
use credinet_store::Store;
use credinet_store::entities::tenant_counter;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::bulk::{self, BulkInstallment, BulkLoan, ClientRef, Portfolio};
use credinet_store::repo::clients::ClientFields;
use credinet_store::repo::loans::Paid;
use sea_orm::{ActiveValue::Set, EntityTrait};

pub struct Seeded {
    pub tenant: TenantId,
    pub cashier_key: String,
    /// Loan ids, by loan index.
    pub loans: Vec<i64>,
    /// Payoff of each loan, by index.
    pub outstanding: Vec<i64>,
    pub installments: u64,
    /// The two schedules every loan shares (even loans: flat, odd loans: declining).
    pub schedules: [Schedule; 2],
}

pub async fn seed(store: &Store, n: usize) -> anyhow::Result<Seeded> {
    let accounts = Accounts::new(store);
    let cli = Requester::cli();
    let tenant = accounts
        .create_tenant(
            TenantInput {
                slug: "banco-bench".into(),
                legal_name: "Caja de Banco de Pruebas".into(),
                time_zone: "America/Mexico_City".into(),
            },
            &cli,
        )
        .await?;
    let (_, cashier_key) = accounts
        .create_api_key(tenant.id, "bench cashier", Role::Cashier, None, &cli)
        .await?;
    let product = |name: &str, periods, method, rate: &str| -> anyhow::Result<ProductInput> {
        Ok(ProductInput {
            name: name.into(),
            terms: ProductTerms::new(
                Periodicity::BiweeklyCut,
                periods,
                method,
                Rate::parse(rate)?,
            )?,
            active: true,
        })
    };
    let flat = products::create(
        store,
        tenant.id,
        product("Quincenal fijo", 6, InterestMethod::Flat, "0.05")?,
        &cli,
    )
    .await?;
    let declining = products::create(
        store,
        tenant.id,
        product("Quincenal saldos", 12, InterestMethod::Declining, "0.03")?,
        &cli,
    )
    .await?;

    // Disbursed three weeks ago (payments are dated today, after the disbursement).
    let now = store.now();
    let today = tenant.zone.local_date(now);
    let disbursed_on = today - Days::days(21);
    let principal = Money::from_centavos(1_000_000);
    let cut_days = tenant.settings.cut_days.clone();
    let product_ids = [flat.id.get(), declining.id.get()];
    let schedules = [
        build_schedule(&flat.terms, principal, disbursed_on, &cut_days)?,
        build_schedule(&declining.terms, principal, disbursed_on, &cut_days)?,
    ];
    let terms = [
        serde_json::to_string(&flat.terms)?,
        serde_json::to_string(&declining.terms)?,
    ];
    let unpaid = Paid {
        principal: 0,
        interest: 0,
        interest_iva: 0,
        late_fee: 0,
        late_fee_iva: 0,
    };
    let to_bulk = |s: &Schedule| -> anyhow::Result<Vec<BulkInstallment>> {
        s.installments
            .iter()
            .map(|i| {
                Ok(BulkInstallment {
                    number: i32::try_from(i.number)?,
                    due_date: i.due_date,
                    principal: i.principal.centavos(),
                    interest: i.interest.centavos(),
                    interest_iva: i.iva.centavos(),
                    late_fee: 0,
                    late_fee_iva: 0,
                    paid: unpaid,
                })
            })
            .collect()
    };
    let installments = [to_bulk(&schedules[0])?, to_bulk(&schedules[1])?];
    let approved_by = cli.actor.stored();

    let portfolio = Portfolio {
        clients: (0..n)
            .map(|i| ClientFields {
                full_name: format!("Cliente de Prueba {i:06}"),
                phone: format!("+5255{:08}", 10_000_000 + i),
                curp: None,
                rfc: None,
                birth_date: None,
                address: None,
                notes: None,
            })
            .collect(),
        loans: (0..n)
            .map(|i| {
                let s = &schedules[i % 2];
                BulkLoan {
                    client: ClientRef::Loaded(i),
                    number: format!("{:06}", i + 1),
                    product_id: product_ids[i % 2],
                    principal: principal.centavos(),
                    terms: terms[i % 2].clone(),
                    status: "disbursed".into(),
                    approved_by: approved_by.clone(),
                    disbursed_at: now,
                    disbursed_on,
                    opening_commission: s.opening_commission.centavos(),
                    commission_iva: s.commission_iva.centavos(),
                    net_disbursed: s.net_disbursed.centavos(),
                    cat: s.cat.to_string(),
                    total_due: s.total_to_pay.centavos(),
                    total_paid: 0,
                    paid_at: None,
                    installments: installments[i % 2].clone(),
                }
            })
            .collect(),
    };

    let tx = store.write().await?;
    let loaded = bulk::load(&tx, tenant.id, portfolio, now).await?;
    // The next loan created through the service gets the next number.
    tenant_counter::Entity::insert(tenant_counter::ActiveModel {
        tenant_id: Set(tenant.id.get()),
        name: Set("loan".into()),
        value: Set(n as i64),
    })
    .exec_without_returning(&tx)
    .await?;
    tx.commit().await?;
    bulk::analyze_loaded(store.db()).await?;

    Ok(Seeded {
        tenant: tenant.id,
        cashier_key,
        loans: loaded.loans.iter().map(|id| id.get()).collect(),
        outstanding: (0..n)
            .map(|i| schedules[i % 2].total_to_pay.centavos())
            .collect(),
        installments: loaded.installments,
        schedules,
    })
}
