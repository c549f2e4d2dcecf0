//! Loan products of a tenant.

use super::micros;
use crate::entities::loan_product;
use crate::{StoreError, error::is_unique_violation};
use chrono::{DateTime, Utc};
use credinet_core::ids::{ProductId, TenantId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    NotSet, QueryFilter, QueryOrder,
};

/// A product's stored form (rates as canonical decimal text, the order as comma-separated components).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFields {
    pub name: String,
    pub periodicity: String,
    pub term_periods: i32,
    pub interest_method: String,
    pub rate_per_period: String,
    pub opening_commission_rate: String,
    pub iva_rate: String,
    pub late_fee: i64,
    pub min_days_to_first_due: i32,
    pub allocation_order: String,
    pub rounding: String,
    pub active: bool,
    /// Centavos.
    pub min_principal: i64,
    /// Centavos.
    pub max_principal: i64,
    pub min_term_periods: i32,
    pub max_term_periods: i32,
}

fn conflict(name: &str) -> impl Fn(sea_orm::DbErr) -> StoreError + '_ {
    move |e| {
        if is_unique_violation(&e) {
            StoreError::Conflict(format!("a product named '{name}'"))
        } else {
            e.into()
        }
    }
}

/// The name as MariaDB's default collation (`utf8mb4_general_ci`) compares it: without case or
/// accents, trailing spaces ignored, and every character beyond the Basic Multilingual Plane alike.
/// Two product names equal in this form are one name on every backend (ADR 18): the unique index
/// alone would refuse them on MariaDB only.
pub fn name_key(name: &str) -> String {
    name.trim_end_matches(' ')
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            'ý' | 'ÿ' => 'y',
            c if u32::from(c) > 0xFFFF => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// Refuses `name` when another product of the tenant (not `except`) has the same [`name_key`].
async fn refuse_taken_name<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    name: &str,
    except: Option<i64>,
) -> Result<(), StoreError> {
    let key = name_key(name);
    let taken = list(db, tenant, false)
        .await?
        .into_iter()
        .any(|p| Some(p.id) != except && name_key(&p.name) == key);
    if taken {
        return Err(StoreError::Conflict(format!("a product named '{name}'")));
    }
    Ok(())
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    f: ProductFields,
    now: DateTime<Utc>,
) -> Result<loan_product::Model, StoreError> {
    refuse_taken_name(db, tenant, &f.name, None).await?;
    let now = micros(now);
    let name = f.name.clone();
    loan_product::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        name: Set(f.name),
        periodicity: Set(f.periodicity),
        term_periods: Set(f.term_periods),
        interest_method: Set(f.interest_method),
        rate_per_period: Set(f.rate_per_period),
        opening_commission_rate: Set(f.opening_commission_rate),
        iva_rate: Set(f.iva_rate),
        late_fee: Set(f.late_fee),
        min_days_to_first_due: Set(f.min_days_to_first_due),
        allocation_order: Set(f.allocation_order),
        rounding: Set(f.rounding),
        active: Set(f.active),
        min_principal: Set(f.min_principal),
        max_principal: Set(f.max_principal),
        min_term_periods: Set(f.min_term_periods),
        max_term_periods: Set(f.max_term_periods),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await
    .map_err(conflict(&name))
}

pub async fn update<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ProductId,
    f: ProductFields,
    now: DateTime<Utc>,
) -> Result<Option<loan_product::Model>, StoreError> {
    let Some(row) = get(db, tenant, id).await? else {
        return Ok(None);
    };
    refuse_taken_name(db, tenant, &f.name, Some(row.id)).await?;
    let name = f.name.clone();
    let mut a = row.into_active_model();
    a.name = Set(f.name);
    a.periodicity = Set(f.periodicity);
    a.term_periods = Set(f.term_periods);
    a.interest_method = Set(f.interest_method);
    a.rate_per_period = Set(f.rate_per_period);
    a.opening_commission_rate = Set(f.opening_commission_rate);
    a.iva_rate = Set(f.iva_rate);
    a.late_fee = Set(f.late_fee);
    a.min_days_to_first_due = Set(f.min_days_to_first_due);
    a.allocation_order = Set(f.allocation_order);
    a.rounding = Set(f.rounding);
    a.active = Set(f.active);
    a.min_principal = Set(f.min_principal);
    a.max_principal = Set(f.max_principal);
    a.min_term_periods = Set(f.min_term_periods);
    a.max_term_periods = Set(f.max_term_periods);
    a.updated_at = Set(micros(now));
    Ok(Some(a.update(db).await.map_err(conflict(&name))?))
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ProductId,
) -> Result<Option<loan_product::Model>, StoreError> {
    Ok(loan_product::Entity::find()
        .filter(loan_product::Column::TenantId.eq(tenant.get()))
        .filter(loan_product::Column::Id.eq(id.get()))
        .one(db)
        .await?)
}

/// Every product of the tenant by name; only the active ones when `active_only`.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    active_only: bool,
) -> Result<Vec<loan_product::Model>, StoreError> {
    let mut q =
        loan_product::Entity::find().filter(loan_product::Column::TenantId.eq(tenant.get()));
    if active_only {
        q = q.filter(loan_product::Column::Active.eq(true));
    }
    Ok(q.order_by_asc(loan_product::Column::Name).all(db).await?)
}

#[cfg(test)]
mod tests {
    use super::name_key;

    #[test]
    fn names_differing_in_case_accents_trailing_spaces_or_astral_characters_share_a_key() {
        assert_eq!(name_key("Quincenal Fijo"), name_key("quincenal fijo  "));
        assert_eq!(name_key("Crédito Niño"), name_key("credito nino"));
        assert_eq!(name_key("Plan 😀"), name_key("Plan 𝔸"));
        assert_ne!(name_key("Plan A"), name_key("Plan B"));
        assert_ne!(
            name_key(" Plan"),
            name_key("Plan"),
            "leading spaces count, as in MariaDB"
        );
    }
}
