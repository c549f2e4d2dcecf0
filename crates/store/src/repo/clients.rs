//! Borrowers of a tenant. Rows are returned as stored; `credinet-lending` turns them into domain values.

use super::micros;
use crate::StoreError;
use crate::entities::{client, loan};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::ids::{ClientId, TenantId};
use credinet_core::masked;
use credinet_core::search::{ClientSearch, fold};
use sea_orm::sea_query::{LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait,
    IntoActiveModel, NotSet, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// What staff edit about a client; already validated and normalized by the service. `Debug` masks it.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientFields {
    pub full_name: String,
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

impl std::fmt::Debug for ClientFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientFields")
            .field("full_name", &masked::initials(&self.full_name))
            .field("phone", &masked::ends(&self.phone, 3, 2))
            .field("curp", &masked::presence(&self.curp))
            .field("rfc", &masked::presence(&self.rfc))
            .field("birth_date", &masked::presence(&self.birth_date))
            .field("address", &masked::presence(&self.address))
            .field("notes", &masked::presence(&self.notes))
            .finish()
    }
}

pub async fn insert<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    fields: ClientFields,
    now: DateTime<Utc>,
) -> Result<client::Model, StoreError> {
    let now = micros(now);
    Ok(client::ActiveModel {
        id: NotSet,
        tenant_id: Set(tenant.get()),
        search_name: Set(fold(&fields.full_name)),
        full_name: Set(fields.full_name),
        phone: Set(fields.phone),
        curp: Set(fields.curp),
        rfc: Set(fields.rfc),
        birth_date: Set(fields.birth_date),
        address: Set(fields.address),
        notes: Set(fields.notes),
        pin_hash: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Replaces the editable fields; `None` when the tenant has no such client.
pub async fn update<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ClientId,
    fields: ClientFields,
    now: DateTime<Utc>,
) -> Result<Option<client::Model>, StoreError> {
    let Some(row) = get(db, tenant, id).await? else {
        return Ok(None);
    };
    let mut active = row.into_active_model();
    active.search_name = Set(fold(&fields.full_name));
    active.full_name = Set(fields.full_name);
    active.phone = Set(fields.phone);
    active.curp = Set(fields.curp);
    active.rfc = Set(fields.rfc);
    active.birth_date = Set(fields.birth_date);
    active.address = Set(fields.address);
    active.notes = Set(fields.notes);
    active.updated_at = Set(micros(now));
    Ok(Some(active.update(db).await?))
}

/// Sets or clears the assistant PIN hash; false when the tenant has no such client.
pub async fn set_pin_hash<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ClientId,
    pin_hash: Option<String>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = client::Entity::update_many()
        .col_expr(client::Column::PinHash, pin_hash.into())
        .col_expr(client::Column::UpdatedAt, micros(now).into())
        .filter(client::Column::TenantId.eq(tenant.get()))
        .filter(client::Column::Id.eq(id.get()))
        .exec(db)
        .await?;
    Ok(done.rows_affected > 0)
}

pub async fn get<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    id: ClientId,
) -> Result<Option<client::Model>, StoreError> {
    Ok(client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.get()))
        .filter(client::Column::Id.eq(id.get()))
        .one(db)
        .await?)
}

/// Clients of the tenant among `ids` (for naming the clients of a page of loans).
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    ids: &[i64],
) -> Result<Vec<client::Model>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.get()))
        .filter(client::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Other clients of the tenant with the same phone or the same CURP.
pub async fn same_phone_or_curp<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    phone: &str,
    curp: Option<&str>,
    except: Option<ClientId>,
) -> Result<Vec<client::Model>, StoreError> {
    let mut any = Condition::any().add(client::Column::Phone.eq(phone));
    if let Some(curp) = curp {
        any = any.add(client::Column::Curp.eq(curp));
    }
    let mut query = client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.get()))
        .filter(any);
    if let Some(except) = except {
        query = query.filter(client::Column::Id.ne(except.get()));
    }
    Ok(query
        .order_by_asc(client::Column::Id)
        .limit(20)
        .all(db)
        .await?)
}

/// Clients whose phone is exactly `phone` (the assistant's lookup).
pub async fn by_phone<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    phone: &str,
) -> Result<Vec<client::Model>, StoreError> {
    Ok(client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.get()))
        .filter(client::Column::Phone.eq(phone))
        .order_by_asc(client::Column::Id)
        .all(db)
        .await?)
}

/// How to narrow a list of clients: a search read by `credinet_core::search` (personal data: `Debug` masks
/// it there) and the page.
#[derive(Clone, Default, Debug)]
pub struct ClientQuery {
    pub search: Option<ClientSearch>,
    pub offset: u64,
    pub limit: u64,
}

/// One page of the tenant's clients in name order, and how many match in all. A client matches when its
/// folded name holds the folded text, its phone is the text read as a phone or holds the text's digits,
/// its CURP begins with the text, or it holds the loan whose number the text is.
pub async fn search<C: ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    query: &ClientQuery,
) -> Result<(Vec<client::Model>, u64), StoreError> {
    let mut select = client::Entity::find().filter(client::Column::TenantId.eq(tenant.get()));
    if let Some(search) = &query.search {
        let pattern = format!("%{}%", escape_like(&search.name));
        let mut any = Condition::any().add(client::Column::SearchName.like(like(pattern)));
        if let Some(phone) = &search.phone {
            any = any.add(client::Column::Phone.eq(phone.as_str()));
        }
        if let Some(digits) = &search.phone_digits {
            any = any.add(client::Column::Phone.like(format!("%{digits}%")));
        }
        if let Some(curp) = &search.curp_prefix {
            any = any.add(client::Column::Curp.like(like(format!("{}%", escape_like(curp)))));
        }
        if let Some(number) = &search.loan_number {
            let holder = Query::select()
                .column(loan::Column::ClientId)
                .from(loan::Entity)
                .and_where(loan::Column::TenantId.eq(tenant.get()))
                .and_where(loan::Column::Number.eq(number.as_str()))
                .to_owned();
            any = any.add(client::Column::Id.in_subquery(holder));
        }
        select = select.filter(any);
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(client::Column::FullName)
        .order_by_asc(client::Column::Id)
        .offset(query.offset)
        .limit(query.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// The escape character of every `LIKE` built here. Not a backslash: MySQL treats a backslash in a
/// string specially, so the same pattern would mean different things on different backends.
pub(crate) const LIKE_ESCAPE: char = '!';

/// `%` and `_` typed by a person are literal characters, not wildcards: each is escaped, with
/// [`LIKE_ESCAPE`] itself. A search for `50%` finds "50% de descuento" and not every "50".
pub(crate) fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | LIKE_ESCAPE) {
            escaped.push(LIKE_ESCAPE);
        }
        escaped.push(c);
    }
    escaped
}

/// A `LIKE` pattern with [`LIKE_ESCAPE`] declared.
pub(crate) fn like(pattern: String) -> LikeExpr {
    LikeExpr::new(pattern).escape(LIKE_ESCAPE)
}

pub async fn count<C: ConnectionTrait>(db: &C, tenant: TenantId) -> Result<u64, StoreError> {
    Ok(client::Entity::find()
        .filter(client::Column::TenantId.eq(tenant.get()))
        .count(db)
        .await?)
}
