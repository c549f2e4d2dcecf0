//! Loan products: named terms. A loan copies its product's terms when it is created, so editing a product
//! never changes a loan already requested.

use crate::Refusal;
use crate::support::{audit, enum_text, parse_enum, required_text};
use crate::{LendingError, support};
use chrono::{DateTime, Utc};
use credinet_core::ids::{ProductId, TenantId};
use credinet_core::lending::allocation::{AllocationOrder, Component};
use credinet_core::lending::limits::ProductLimits;
use credinet_core::lending::terms::TermsError;
use credinet_core::lending::terms::{InterestMethod, Periodicity, ProductTerms};
use credinet_core::money::Money;
use credinet_core::rate::{Rate, Rounding};
use credinet_core::text::Field;
use credinet_store::Store;
use credinet_store::entities::loan_product;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::products::{self as repo, ProductFields};
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub terms: ProductTerms,
    /// What an application may ask for: principal and term ranges, the term above among them.
    pub limits: ProductLimits,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A product as staff define it. The terms are already validated by [`ProductTerms`]'s constructors,
/// the limits by [`ProductLimits::new`] against those terms' own term.
#[derive(Debug, Clone)]
pub struct ProductInput {
    pub name: String,
    pub terms: ProductTerms,
    pub limits: ProductLimits,
    pub active: bool,
}

fn fields(input: &ProductInput) -> Result<ProductFields, LendingError> {
    let t = &input.terms;
    if t.opening_commission().as_decimal() >= rust_decimal::Decimal::ONE {
        return Err(Refusal::CommissionTooHigh.into());
    }
    let l = &input.limits;
    // The limits were checked against a term when they were built; check again against these terms,
    // which a caller could have changed since.
    ProductLimits::new(
        l.min_principal(),
        l.max_principal(),
        l.min_term(),
        l.max_term(),
        t.term_periods(),
    )
    .map_err(Refusal::Limits)?;
    let term = |n: u32| {
        i32::try_from(n).map_err(|_| LendingError::from(Refusal::Terms(TermsError::TermTooLong(n))))
    };
    let order: Vec<String> = t
        .allocation_order()
        .components()
        .iter()
        .map(enum_text)
        .collect();
    Ok(ProductFields {
        name: required_text(&input.name, Field::ProductName, 100)?,
        periodicity: enum_text(&t.periodicity()),
        term_periods: i32::try_from(t.term_periods())
            .map_err(|_| Refusal::Terms(TermsError::TermTooLong(t.term_periods())))?,
        interest_method: enum_text(&t.method()),
        rate_per_period: t.rate_per_period().to_string(),
        opening_commission_rate: t.opening_commission().to_string(),
        iva_rate: t.iva_rate().to_string(),
        late_fee: t.late_fee().centavos(),
        min_days_to_first_due: i32::try_from(t.min_days_to_first_due())
            .map_err(|_| Refusal::Terms(TermsError::MinDaysTooLarge(t.min_days_to_first_due())))?,
        allocation_order: order.join(","),
        rounding: enum_text(&t.rounding()),
        active: input.active,
        min_principal: l.min_principal().centavos(),
        max_principal: l.max_principal().centavos(),
        min_term_periods: term(l.min_term())?,
        max_term_periods: term(l.max_term())?,
    })
}

pub async fn create(
    store: &Store,
    tenant: TenantId,
    input: ProductInput,
    by: &Requester,
) -> Result<Product, LendingError> {
    let fields = fields(&input)?;
    let now = store.now();
    let tx = store.write().await?;
    let product = to_domain(repo::insert(&tx, tenant, fields, now).await?)?;
    audit(
        &tx,
        tenant,
        by,
        "product_created",
        "loan_product",
        product.id,
        None,
        Some(snapshot(&product)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(product)
}

pub async fn update(
    store: &Store,
    tenant: TenantId,
    id: ProductId,
    input: ProductInput,
    by: &Requester,
) -> Result<Product, LendingError> {
    let fields = fields(&input)?;
    let now = store.now();
    let tx = store.write().await?;
    let before = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("product"))?;
    let before = to_domain(before)?;
    let after = repo::update(&tx, tenant, id, fields, now)
        .await?
        .ok_or(LendingError::NotFound("product"))?;
    let product = to_domain(after)?;
    audit(
        &tx,
        tenant,
        by,
        "product_updated",
        "loan_product",
        id,
        Some(snapshot(&before)),
        Some(snapshot(&product)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(product)
}

pub async fn get(store: &Store, tenant: TenantId, id: ProductId) -> Result<Product, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("product"))?;
    to_domain(row)
}

/// The tenant's products by name; only those offered for new loans when `active_only`.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    active_only: bool,
) -> Result<Vec<Product>, LendingError> {
    repo::list(store.db(), tenant, active_only)
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// The demo tenant's products: biweekly flat and declining, weekly and monthly. Products already there
/// (by name) are kept; returns all four.
pub async fn seed_demo(
    store: &Store,
    tenant: TenantId,
    by: &Requester,
) -> Result<Vec<Product>, LendingError> {
    let existing = list(store, tenant, false).await?;
    let mut out = Vec::new();
    for input in demo_products()? {
        if let Some(p) = existing.iter().find(|p| p.name == input.name) {
            out.push(p.clone());
        } else {
            out.push(create(store, tenant, input, by).await?);
        }
    }
    Ok(out)
}

fn demo_products() -> Result<Vec<ProductInput>, LendingError> {
    let invalid = |e: String| LendingError::Invalid(e);
    let rate = |s: &str| Rate::parse(s).map_err(|e| invalid(e.to_string()));
    let make = |name: &str,
                periodicity,
                n,
                method,
                r: &str,
                commission: &str,
                late_fee: i64|
     -> Result<ProductInput, LendingError> {
        let terms = ProductTerms::new(periodicity, n, method, rate(r)?)
            .map_err(|e| invalid(e.to_string()))?
            .with_opening_commission(rate(commission)?)
            .with_late_fee(Money::from_centavos(late_fee))
            .map_err(|e| invalid(e.to_string()))?;
        Ok(ProductInput {
            name: name.to_string(),
            limits: ProductLimits::defaults_for(terms.term_periods()),
            terms,
            active: true,
        })
    };
    Ok(vec![
        make(
            "Quincenal fijo 12",
            Periodicity::BiweeklyCut,
            12,
            InterestMethod::Flat,
            "0.035",
            "0.02",
            15_000,
        )?,
        make(
            "Quincenal saldos 24",
            Periodicity::BiweeklyCut,
            24,
            InterestMethod::Declining,
            "0.03",
            "0.03",
            20_000,
        )?,
        make(
            "Semanal 16",
            Periodicity::Weekly,
            16,
            InterestMethod::Flat,
            "0.015",
            "0",
            5_000,
        )?,
        make(
            "Mensual 12",
            Periodicity::Monthly,
            12,
            InterestMethod::Declining,
            "0.045",
            "0.025",
            30_000,
        )?,
    ])
}

fn snapshot(p: &Product) -> serde_json::Value {
    json!({ "name": p.name, "terms": p.terms, "limits": p.limits, "active": p.active })
}

pub(crate) fn to_domain(row: loan_product::Model) -> Result<Product, LendingError> {
    let corrupt =
        |what: String| LendingError::Store(support::corrupt(format!("product {}: {what}", row.id)));
    let rate = |raw: &str| Rate::parse(raw).map_err(|e| corrupt(e.to_string()));
    let periodicity: Periodicity = parse_enum(&row.periodicity, "periodicity")?;
    let method: InterestMethod = parse_enum(&row.interest_method, "interest method")?;
    let rounding: Rounding = parse_enum(&row.rounding, "rounding")?;
    let order = row
        .allocation_order
        .split(',')
        .map(|c| parse_enum::<Component>(c.trim(), "component"))
        .collect::<Result<Vec<_>, _>>()?;
    let order = AllocationOrder::new(order).map_err(|e| corrupt(e.to_string()))?;
    let terms = ProductTerms::new(
        periodicity,
        u32::try_from(row.term_periods).map_err(|e| corrupt(e.to_string()))?,
        method,
        rate(&row.rate_per_period)?,
    )
    .map_err(|e| corrupt(e.to_string()))?
    .with_opening_commission(rate(&row.opening_commission_rate)?)
    .with_iva_rate(rate(&row.iva_rate)?)
    .with_late_fee(Money::from_centavos(row.late_fee))
    .map_err(|e| corrupt(e.to_string()))?
    .with_min_days_to_first_due(
        u32::try_from(row.min_days_to_first_due).map_err(|e| corrupt(e.to_string()))?,
    )
    .map_err(|e| corrupt(e.to_string()))?
    .with_allocation_order(order)
    .with_rounding(rounding);
    let periods = |n: i32| u32::try_from(n).map_err(|e| corrupt(e.to_string()));
    let limits = ProductLimits::new(
        Money::from_centavos(row.min_principal),
        Money::from_centavos(row.max_principal),
        periods(row.min_term_periods)?,
        periods(row.max_term_periods)?,
        terms.term_periods(),
    )
    .map_err(|e| corrupt(e.to_string()))?;
    Ok(Product {
        id: ProductId::new(row.id),
        name: row.name,
        terms,
        limits,
        active: row.active,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
