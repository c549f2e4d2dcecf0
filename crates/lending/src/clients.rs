//! Clients (borrowers): create, update, read, search. Phones are stored in E.164, CURPs and RFCs validated
//! by the core types; a bad RFC check digit and a phone or CURP another client already has are warnings
//! returned with the result, never refusals (SPEC §3).

use crate::support::{audit, optional_text, required_text};
use crate::{DateOf, DuplicateOf, Refusal};
use crate::{LendingError, Page, PageRequest};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::curp::Curp;
use credinet_core::date_window;
use credinet_core::ids::{ClientId, TenantId};
use credinet_core::masked;
use credinet_core::phone::Phone;
use credinet_core::rfc::Rfc;
use credinet_core::search::ClientSearch;
use credinet_core::text::Field;
use credinet_store::Store;
use credinet_store::entities::client;
use credinet_store::repo::audit::Requester;
use credinet_store::repo::clients::{self as repo, ClientFields, ClientQuery};
use serde::Serialize;
use serde_json::json;
use std::fmt;

/// A borrower. `Debug` masks the personal data (initials, the phone's ends, the CURP's name letters),
/// so a client in a log line or a failed assertion cannot be read back.
#[derive(Clone, PartialEq, Serialize)]
pub struct Client {
    pub id: ClientId,
    pub full_name: String,
    pub phone: Phone,
    pub curp: Option<Curp>,
    pub rfc: Option<Rfc>,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
    /// Whether staff set a PIN for the assistant's verification (the hash itself never leaves the store).
    pub has_pin: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What staff type about a client, as typed: the service parses and normalizes it. `Debug` masks it.
#[derive(Clone, Default)]
pub struct ClientInput {
    pub full_name: String,
    /// Any usual way of writing a phone; a 10-digit Mexican number gets +52.
    pub phone: String,
    pub curp: Option<String>,
    pub rfc: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address: Option<String>,
    pub notes: Option<String>,
}

/// Accepted, but worth showing to whoever typed it. The other client's name is for the staff who typed
/// the data; `Debug` shows its initials only.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClientWarning {
    /// Another client of the tenant has this phone.
    DuplicatePhone { other: ClientId, name: String },
    /// Another client of the tenant has this CURP.
    DuplicateCurp { other: ClientId, name: String },
    /// The RFC's check digit does not match; the RFC was stored as typed.
    RfcCheckDigit { message: String },
    /// The birth date differs from the one encoded in the CURP.
    BirthDateDiffersFromCurp { curp_says: NaiveDate },
}

impl ClientWarning {
    /// A sentence for the person who typed the data.
    pub fn message(&self) -> String {
        match self {
            ClientWarning::DuplicatePhone { other, name } => {
                format!("client {other} ({name}) already has this phone")
            }
            ClientWarning::DuplicateCurp { other, name } => {
                format!("client {other} ({name}) already has this CURP")
            }
            ClientWarning::RfcCheckDigit { message } => message.clone(),
            ClientWarning::BirthDateDiffersFromCurp { curp_says } => {
                format!("the CURP says the birth date is {curp_says}")
            }
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("id", &self.id)
            .field("full_name", &masked::initials(&self.full_name))
            .field("phone", &self.phone)
            .field("curp", &self.curp)
            .field("rfc", &self.rfc)
            .field("birth_date", &masked::presence(&self.birth_date))
            .field("address", &masked::presence(&self.address))
            .field("notes", &masked::presence(&self.notes))
            .field("has_pin", &self.has_pin)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

impl fmt::Debug for ClientInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientInput")
            .field("full_name", &masked::initials(&self.full_name))
            .field("phone", &masked::ends(self.phone.trim(), 0, 2))
            .field("curp", &masked::presence(&self.curp))
            .field("rfc", &masked::presence(&self.rfc))
            .field("birth_date", &masked::presence(&self.birth_date))
            .field("address", &masked::presence(&self.address))
            .field("notes", &masked::presence(&self.notes))
            .finish()
    }
}

impl fmt::Debug for ClientWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientWarning::DuplicatePhone { other, name } => f
                .debug_struct("DuplicatePhone")
                .field("other", other)
                .field("name", &masked::initials(name))
                .finish(),
            ClientWarning::DuplicateCurp { other, name } => f
                .debug_struct("DuplicateCurp")
                .field("other", other)
                .field("name", &masked::initials(name))
                .finish(),
            ClientWarning::RfcCheckDigit { message } => f
                .debug_struct("RfcCheckDigit")
                .field("message", message)
                .finish(),
            ClientWarning::BirthDateDiffersFromCurp { .. } => f
                .debug_struct("BirthDateDiffersFromCurp")
                .finish_non_exhaustive(),
        }
    }
}

/// A saved client and the warnings about what was saved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedClient {
    pub client: Client,
    pub warnings: Vec<ClientWarning>,
}

struct Parsed {
    fields: ClientFields,
    warnings: Vec<ClientWarning>,
}

fn parse(input: &ClientInput) -> Result<Parsed, LendingError> {
    let full_name = required_text(&input.full_name, Field::FullName, 200)?;
    let phone = Phone::parse(&input.phone).map_err(Refusal::Phone)?;
    let curp = optional_text(input.curp.as_deref(), Field::Curp, 18)?
        .map(|c| Curp::parse(&c))
        .transpose()
        .map_err(Refusal::Curp)?;
    let mut warnings = Vec::new();
    let rfc = match optional_text(input.rfc.as_deref(), Field::Rfc, 13)? {
        None => None,
        Some(raw) => {
            let (rfc, warning) = Rfc::parse(&raw).map_err(Refusal::Rfc)?;
            if let Some(w) = warning {
                warnings.push(ClientWarning::RfcCheckDigit {
                    message: w.to_string(),
                });
            }
            Some(rfc)
        }
    };
    if let (Some(curp), Some(birth)) = (&curp, input.birth_date)
        && curp.birth_date() != birth
    {
        warnings.push(ClientWarning::BirthDateDiffersFromCurp {
            curp_says: curp.birth_date(),
        });
    }
    let birth_date = input.birth_date.or(curp.as_ref().map(Curp::birth_date));
    Ok(Parsed {
        fields: ClientFields {
            full_name,
            phone: phone.as_str().to_string(),
            curp: curp.map(|c| c.as_str().to_string()),
            rfc: rfc.map(|r| r.as_str().to_string()),
            birth_date,
            address: optional_text(input.address.as_deref(), Field::Address, 500)?,
            notes: optional_text(input.notes.as_deref(), Field::Notes, 4000)?,
        },
        warnings,
    })
}

/// A typed birth date lies between 1900 and today in the tenant's zone: nobody is born in the future.
async fn check_birth_date(
    store: &Store,
    tenant: TenantId,
    birth: Option<NaiveDate>,
) -> Result<(), LendingError> {
    let Some(birth) = birth else {
        return Ok(());
    };
    let owner = credinet_store::repo::tenants::by_id(store.db(), tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?;
    let today = owner.zone.local_date(store.now());
    date_window::birth_date(birth, today).map_err(|range| Refusal::DateOutOfRange {
        what: DateOf::Birth,
        range,
    })?;
    Ok(())
}

async fn duplicates<C: sea_orm::ConnectionTrait>(
    db: &C,
    tenant: TenantId,
    fields: &ClientFields,
    except: Option<ClientId>,
) -> Result<Vec<ClientWarning>, LendingError> {
    let others =
        repo::same_phone_or_curp(db, tenant, &fields.phone, fields.curp.as_deref(), except).await?;
    let mut warnings = Vec::new();
    for other in others {
        if other.phone == fields.phone {
            warnings.push(ClientWarning::DuplicatePhone {
                other: ClientId::new(other.id),
                name: other.full_name.clone(),
            });
        }
        if other.curp.is_some() && other.curp == fields.curp {
            warnings.push(ClientWarning::DuplicateCurp {
                other: ClientId::new(other.id),
                name: other.full_name.clone(),
            });
        }
    }
    Ok(warnings)
}

/// What creating a client does when another client of the tenant has its phone or CURP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnDuplicate {
    /// Create it and report the duplicates as warnings (`/v1`, the demo).
    Warn,
    /// Create nothing and refuse with [`Refusal::DuplicateClient`] (the back office's first try).
    Refuse,
    /// Create it although someone saw the duplicate and chose to: audited as
    /// `client_created_as_duplicate`, and the duplicates still reported.
    Register,
}

/// Creates a client. Duplicates by phone or CURP are allowed and reported as warnings.
pub async fn create(
    store: &Store,
    tenant: TenantId,
    input: ClientInput,
    by: &Requester,
) -> Result<SavedClient, LendingError> {
    create_with(store, tenant, input, OnDuplicate::Warn, by).await
}

/// Creates a client, doing `on_duplicate` when its phone or CURP is another client's.
pub async fn create_with(
    store: &Store,
    tenant: TenantId,
    input: ClientInput,
    on_duplicate: OnDuplicate,
    by: &Requester,
) -> Result<SavedClient, LendingError> {
    let Parsed {
        fields,
        mut warnings,
    } = parse(&input)?;
    check_birth_date(store, tenant, input.birth_date).await?;
    let now = store.now();
    let tx = store.write().await?;
    let duplicates = duplicates(&tx, tenant, &fields, None).await?;
    if on_duplicate == OnDuplicate::Refuse
        && let Some(refusal) = duplicates
            .iter()
            .filter(|w| matches!(w, ClientWarning::DuplicateCurp { .. }))
            .chain(&duplicates)
            .find_map(duplicate_refusal)
    {
        return Err(refusal.into());
    }
    let action = match (on_duplicate, duplicates.is_empty()) {
        (OnDuplicate::Register, false) => "client_created_as_duplicate",
        _ => "client_created",
    };
    warnings.extend(duplicates);
    let row = repo::insert(&tx, tenant, fields, now).await?;
    let client = to_domain(row)?;
    audit(
        &tx,
        tenant,
        by,
        action,
        "client",
        client.id,
        None,
        Some(snapshot(&client)),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::debug!(%tenant, client = %client.id, ?warnings, "client created");
    Ok(SavedClient { client, warnings })
}

/// The refusal for a duplicate, the CURP first (it names one person; a phone may be a family's).
fn duplicate_refusal(warning: &ClientWarning) -> Option<Refusal> {
    match warning {
        ClientWarning::DuplicateCurp { other, name } => Some(Refusal::DuplicateClient {
            other: *other,
            name: name.clone(),
            what: DuplicateOf::Curp,
        }),
        ClientWarning::DuplicatePhone { other, name } => Some(Refusal::DuplicateClient {
            other: *other,
            name: name.clone(),
            what: DuplicateOf::Phone,
        }),
        _ => None,
    }
}

/// Replaces a client's data.
pub async fn update(
    store: &Store,
    tenant: TenantId,
    id: ClientId,
    input: ClientInput,
    by: &Requester,
) -> Result<SavedClient, LendingError> {
    let Parsed {
        fields,
        mut warnings,
    } = parse(&input)?;
    check_birth_date(store, tenant, input.birth_date).await?;
    let now = store.now();
    let tx = store.write().await?;
    let before = repo::get(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    let before = to_domain(before)?;
    warnings.extend(duplicates(&tx, tenant, &fields, Some(id)).await?);
    let row = repo::update(&tx, tenant, id, fields, now)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    let client = to_domain(row)?;
    audit(
        &tx,
        tenant,
        by,
        "client_updated",
        "client",
        id,
        Some(snapshot(&before)),
        Some(snapshot(&client)),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::debug!(%tenant, client = %id, ?warnings, "client updated");
    Ok(SavedClient { client, warnings })
}

/// Sets (or with `None` clears) the assistant PIN. The caller hashes the PIN (Argon2id, as passwords).
pub async fn set_pin_hash(
    store: &Store,
    tenant: TenantId,
    id: ClientId,
    pin_hash: Option<String>,
    by: &Requester,
) -> Result<(), LendingError> {
    let now = store.now();
    let tx = store.write().await?;
    let set = pin_hash.is_some();
    if !repo::set_pin_hash(&tx, tenant, id, pin_hash, now).await? {
        return Err(LendingError::NotFound("client"));
    }
    let action = if set {
        "client_pin_set"
    } else {
        "client_pin_cleared"
    };
    audit(&tx, tenant, by, action, "client", id, None, None, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get(store: &Store, tenant: TenantId, id: ClientId) -> Result<Client, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    to_domain(row)
}

/// The stored PIN hash, for the assistant's verification.
pub async fn pin_hash(
    store: &Store,
    tenant: TenantId,
    id: ClientId,
) -> Result<Option<String>, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    Ok(row.pin_hash)
}

/// Clients with this phone (the assistant's lookup of a sender).
pub async fn by_phone(
    store: &Store,
    tenant: TenantId,
    phone: &Phone,
) -> Result<Vec<Client>, LendingError> {
    repo::by_phone(store.db(), tenant, phone.as_str())
        .await?
        .into_iter()
        .map(to_domain)
        .collect()
}

/// Filters of the client list.
#[derive(Clone, Default)]
pub struct ClientFilter {
    /// Part of the name (any case, with or without accents), the phone in any form or at least 4 of its
    /// digits, the beginning of the CURP, or a loan number (`credinet_core::search`).
    pub search: Option<String>,
}

impl fmt::Debug for ClientFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientFilter")
            .field("search", &masked::presence(&self.search))
            .finish()
    }
}

/// One page of the tenant's clients in name order.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &ClientFilter,
    page: PageRequest,
) -> Result<Page<Client>, LendingError> {
    let page = page.clamped();
    let query = ClientQuery {
        search: optional_text(filter.search.as_deref(), Field::Search, 200)?
            .as_deref()
            .and_then(ClientSearch::read),
        offset: page.offset,
        limit: page.limit,
    };
    let (rows, total) = repo::search(store.db(), tenant, &query).await?;
    Ok(Page {
        items: rows.into_iter().map(to_domain).collect::<Result<_, _>>()?,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

fn snapshot(c: &Client) -> serde_json::Value {
    json!({
        "full_name": c.full_name, "phone": c.phone, "curp": c.curp, "rfc": c.rfc,
        "birth_date": c.birth_date, "address": c.address, "notes": c.notes,
    })
}

/// Turns a stored row into a client. A field that no longer parses is corrupt data: the error (and the
/// log line) name the client and the field, and what the core says of it, never the stored value.
pub(crate) fn to_domain(row: client::Model) -> Result<Client, LendingError> {
    let corrupt = |field: &str, why: String| {
        tracing::error!(client = row.id, field, %why, "a stored client does not parse");
        LendingError::Store(crate::support::corrupt(format!(
            "client {}, field {field}: {why}",
            row.id
        )))
    };
    Ok(Client {
        id: ClientId::new(row.id),
        phone: Phone::parse(&row.phone).map_err(|e| corrupt("phone", e.to_string()))?,
        curp: row
            .curp
            .as_deref()
            .map(Curp::parse)
            .transpose()
            .map_err(|e| corrupt("curp", e.to_string()))?,
        rfc: row
            .rfc
            .as_deref()
            .map(|r| Rfc::parse(r).map(|(rfc, _)| rfc))
            .transpose()
            .map_err(|e| corrupt("rfc", e.to_string()))?,
        full_name: row.full_name,
        birth_date: row.birth_date,
        address: row.address,
        notes: row.notes,
        has_pin: row.pin_hash.is_some(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}
