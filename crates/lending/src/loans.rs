//! Loans: draft → submitted → approved → disbursed → paid, or rejected, or written off (SPEC §3).
//!
//! Every transition locks the loan row, checks the transition is allowed, writes the change with its audit
//! entry (state before and after) and a domain event, all in one transaction. Disbursement computes the
//! schedule with the core and stores it; it is never recomputed afterwards.

use crate::support::{actor_ref, audit, event, optional_text, same_actor};
use crate::{LendingError, Page, PageRequest, clients, holidays, products, support};
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::events::EventKind;
use credinet_core::ids::{ClientId, InstallmentId, LoanId, ProductId, TenantId};
use credinet_core::lending::allocation::{Components, InstallmentBalance};
use credinet_core::lending::schedule::build_schedule;
use credinet_core::lending::terms::{CutDays, ProductTerms};
use credinet_core::money::Money;
use credinet_store::entities::{installment, loan};
use credinet_store::repo::audit::Requester;
use credinet_store::repo::loans::{self as repo, LoanQuery, NewInstallment, NewLoan};
use credinet_store::repo::payments::ActorRef;
use credinet_store::repo::{clients as client_repo, counters, products as product_repo, tenants};
use credinet_store::{Store, WriteTx};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    /// Disbursed and not yet fully paid: the active portfolio.
    Disbursed,
    Paid,
    WrittenOff,
}

impl LoanStatus {
    pub const ALL: [LoanStatus; 7] = [
        LoanStatus::Draft,
        LoanStatus::Submitted,
        LoanStatus::Approved,
        LoanStatus::Rejected,
        LoanStatus::Disbursed,
        LoanStatus::Paid,
        LoanStatus::WrittenOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LoanStatus::Draft => "draft",
            LoanStatus::Submitted => "submitted",
            LoanStatus::Approved => "approved",
            LoanStatus::Rejected => "rejected",
            LoanStatus::Disbursed => "disbursed",
            LoanStatus::Paid => "paid",
            LoanStatus::WrittenOff => "written_off",
        }
    }

    pub fn parse(raw: &str) -> Option<LoanStatus> {
        LoanStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Spanish label for the screens.
    pub fn label_es(self) -> &'static str {
        match self {
            LoanStatus::Draft => "Borrador",
            LoanStatus::Submitted => "En revisión",
            LoanStatus::Approved => "Aprobado",
            LoanStatus::Rejected => "Rechazado",
            LoanStatus::Disbursed => "Activo",
            LoanStatus::Paid => "Pagado",
            LoanStatus::WrittenOff => "Castigado",
        }
    }

    /// The lifecycle of SPEC §3. `Paid → Disbursed` happens only when a payment is reversed.
    pub fn can_become(self, to: LoanStatus) -> bool {
        use LoanStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Draft, Rejected)
                | (Submitted, Approved)
                | (Submitted, Rejected)
                | (Approved, Rejected)
                | (Approved, Disbursed)
                | (Disbursed, Paid)
                | (Disbursed, WrittenOff)
                | (Paid, Disbursed)
        )
    }
}

impl std::fmt::Display for LoanStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who did something to a loan or a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorInfo {
    pub kind: String,
    pub id: Option<i64>,
    pub label: String,
}

impl ActorInfo {
    pub(crate) fn from_columns(
        kind: Option<String>,
        id: Option<i64>,
        label: Option<String>,
    ) -> Option<ActorInfo> {
        kind.map(|kind| ActorInfo {
            kind,
            id,
            label: label.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loan {
    pub id: LoanId,
    /// The human loan number, unique in the tenant.
    pub number: String,
    pub client_id: ClientId,
    pub product_id: ProductId,
    pub principal: Money,
    /// The product's terms when the loan was created.
    pub terms: ProductTerms,
    pub status: LoanStatus,
    pub version: i64,
    pub submitted_by: Option<ActorInfo>,
    pub approved_by: Option<ActorInfo>,
    pub rejected_by: Option<ActorInfo>,
    pub written_off_by: Option<ActorInfo>,
    pub rejection_reason: Option<String>,
    pub write_off_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub disbursed_at: Option<DateTime<Utc>>,
    pub paid_at: Option<DateTime<Utc>>,
    pub written_off_at: Option<DateTime<Utc>>,
    /// Local date of the disbursement in the tenant's zone.
    pub disbursed_on: Option<NaiveDate>,
    pub opening_commission: Option<Money>,
    pub commission_iva: Option<Money>,
    pub net_disbursed: Option<Money>,
    /// CAT percentage with one decimal (e.g. 122.9).
    pub cat: Option<Decimal>,
    /// Σ of every installment component due (0 before disbursement).
    pub total_due: Money,
    pub total_paid: Money,
    /// The payoff amount: Σ of every installment's outstanding.
    pub outstanding: Money,
}

/// One installment as stored: what is due and what has been paid, per component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub id: InstallmentId,
    pub number: u32,
    pub due_date: NaiveDate,
    pub due: Components,
    pub paid: Components,
    pub total_due: Money,
    pub outstanding: Money,
}

/// A loan with its schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanDetail {
    pub loan: Loan,
    pub installments: Vec<Installment>,
}

/// A draft loan request.
#[derive(Debug, Clone)]
pub struct LoanInput {
    pub client: ClientId,
    pub product: ProductId,
    pub principal: Money,
}

/// Creates a draft loan for a client under a product's current terms.
pub async fn create_draft(
    store: &Store,
    tenant: TenantId,
    input: LoanInput,
    by: &Requester,
) -> Result<Loan, LendingError> {
    if !input.principal.is_positive() {
        return Err(LendingError::Invalid(format!(
            "the principal must be a positive amount, got {}",
            input.principal
        )));
    }
    let now = store.now();
    let tx = store.write().await?;
    client_repo::get(&tx, tenant, input.client)
        .await?
        .ok_or(LendingError::NotFound("client"))?;
    let product = product_repo::get(&tx, tenant, input.product)
        .await?
        .ok_or(LendingError::NotFound("product"))?;
    let product = products::to_domain(product)?;
    if !product.active {
        return Err(LendingError::Invalid(format!(
            "the product '{}' is no longer offered",
            product.name
        )));
    }
    // Refuse now what disbursement would refuse later (a commission that leaves nothing, a principal too
    // small to split): the dates do not change that.
    let probe_date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    build_schedule(
        &product.terms,
        input.principal,
        probe_date,
        &CutDays::default(),
    )
    .map_err(|e| LendingError::Invalid(e.to_string()))?;
    let number = format!("{:06}", counters::next(&tx, tenant, "loan").await?);
    let terms = serde_json::to_string(&product.terms)
        .map_err(|e| LendingError::Store(support::corrupt(e.to_string())))?;
    let new = NewLoan {
        number,
        client_id: input.client.get(),
        product_id: input.product.get(),
        principal: input.principal.centavos(),
        terms,
    };
    let loan = to_domain(repo::insert_draft(&tx, tenant, new, now).await?)?;
    audit(
        &tx,
        tenant,
        by,
        EventKind::LoanCreated.as_str(),
        "loan",
        loan.id,
        None,
        Some(snapshot(&loan)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(loan)
}

/// Sends a draft for approval. The submitter is recorded: they cannot approve it.
pub async fn submit(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    by: &Requester,
) -> Result<Loan, LendingError> {
    transition(store, tenant, id, LoanStatus::Submitted, by, |row, now| {
        let who = actor_ref(&by.actor);
        row.submitted_by_kind = Some(who.kind);
        row.submitted_by_id = who.id;
        row.submitted_by_label = Some(who.label);
        row.submitted_at = Some(now);
        Ok(())
    })
    .await
}

/// Approves a submitted loan. Maker–checker: whoever submitted it (same kind and id) cannot approve it.
pub async fn approve(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    by: &Requester,
) -> Result<Loan, LendingError> {
    transition(store, tenant, id, LoanStatus::Approved, by, |row, now| {
        let submitter = ActorRef {
            kind: row.submitted_by_kind.clone().unwrap_or_default(),
            id: row.submitted_by_id,
            label: String::new(),
        };
        if same_actor(&submitter, &by.actor) {
            return Err(LendingError::Forbidden(
                "the person who submitted a loan cannot approve it; another manager must".into(),
            ));
        }
        let who = actor_ref(&by.actor);
        row.approved_by_kind = Some(who.kind);
        row.approved_by_id = who.id;
        row.approved_by_label = Some(who.label);
        row.approved_at = Some(now);
        Ok(())
    })
    .await
}

/// Rejects a draft, submitted or approved (not yet disbursed) loan, with the reason.
pub async fn reject(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    reason: &str,
    by: &Requester,
) -> Result<Loan, LendingError> {
    let reason = reason_text(reason, "rejecting")?;
    transition(store, tenant, id, LoanStatus::Rejected, by, |row, now| {
        let who = actor_ref(&by.actor);
        row.rejected_by_kind = Some(who.kind);
        row.rejected_by_id = who.id;
        row.rejected_by_label = Some(who.label);
        row.rejected_at = Some(now);
        row.rejection_reason = Some(reason);
        Ok(())
    })
    .await
}

/// Writes off a disbursed loan (a manager's decision), with the reason. Its balances stay as they are;
/// later recoveries can still be registered as payments.
pub async fn write_off(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    reason: &str,
    by: &Requester,
) -> Result<Loan, LendingError> {
    let reason = reason_text(reason, "writing off")?;
    transition(store, tenant, id, LoanStatus::WrittenOff, by, |row, now| {
        let who = actor_ref(&by.actor);
        row.written_off_by_kind = Some(who.kind);
        row.written_off_by_id = who.id;
        row.written_off_by_label = Some(who.label);
        row.written_off_at = Some(now);
        row.write_off_reason = Some(reason);
        Ok(())
    })
    .await
}

fn reason_text(reason: &str, doing: &str) -> Result<String, LendingError> {
    optional_text(Some(reason), "the reason", 1000)?
        .ok_or_else(|| LendingError::Invalid(format!("a reason is required for {doing} a loan")))
}

fn event_of(status: LoanStatus) -> EventKind {
    match status {
        LoanStatus::Draft => EventKind::LoanCreated,
        LoanStatus::Submitted => EventKind::LoanSubmitted,
        LoanStatus::Approved => EventKind::LoanApproved,
        LoanStatus::Rejected => EventKind::LoanRejected,
        LoanStatus::Disbursed => EventKind::LoanDisbursed,
        LoanStatus::Paid => EventKind::LoanPaid,
        LoanStatus::WrittenOff => EventKind::LoanWrittenOff,
    }
}

async fn transition<F>(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    to: LoanStatus,
    by: &Requester,
    change: F,
) -> Result<Loan, LendingError>
where
    F: FnOnce(&mut loan::Model, DateTime<Utc>) -> Result<(), LendingError>,
{
    let now = store.now();
    let tx = store.write().await?;
    let mut row = repo::get_locked(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    let before = to_domain(row.clone())?;
    check_transition(before.status, to)?;
    change(&mut row, now)?;
    row.status = to.as_str().to_string();
    let after = to_domain(repo::save(&tx, tenant, row, now).await?)?;
    record_transition(&tx, tenant, by, &before, &after, now).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) fn check_transition(from: LoanStatus, to: LoanStatus) -> Result<(), LendingError> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(LendingError::InvalidTransition {
            from: from.as_str(),
            to: to.as_str(),
        })
    }
}

/// The audit entry and the domain event of a status change.
pub(crate) async fn record_transition(
    db: &WriteTx,
    tenant: TenantId,
    by: &Requester,
    before: &Loan,
    after: &Loan,
    now: DateTime<Utc>,
) -> Result<(), LendingError> {
    let kind = event_of(after.status);
    audit(
        db,
        tenant,
        by,
        kind.as_str(),
        "loan",
        after.id,
        Some(snapshot(before)),
        Some(snapshot(after)),
        now,
    )
    .await?;
    let payload = json!({
        "loan_id": after.id, "number": after.number, "client_id": after.client_id,
        "principal": after.principal, "outstanding": after.outstanding,
        "from": before.status, "to": after.status, "by": by.actor.label,
    });
    event(db, tenant, kind, "loan", after.id, payload, now).await
}

/// Disburses an approved loan on `on` (default: today in the tenant's zone), computing and storing its
/// schedule with the tenant's cut days (settings `cut_days`, default 8 and 23).
pub async fn disburse(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
    on: Option<NaiveDate>,
    by: &Requester,
) -> Result<LoanDetail, LendingError> {
    let now = store.now();
    let owner = tenants::by_id(store.db(), tenant)
        .await?
        .ok_or(LendingError::NotFound("tenant"))?;
    let today = owner.zone.local_date(now);
    let on = on.unwrap_or(today);
    if on > today {
        return Err(LendingError::Invalid(format!(
            "a loan cannot be disbursed on a future date ({on}; today is {today})"
        )));
    }
    let cut_days = cut_days(&owner.settings)?;
    let tx = store.write().await?;
    let mut row = repo::get_locked(&tx, tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    let before = to_domain(row.clone())?;
    check_transition(before.status, LoanStatus::Disbursed)?;
    let schedule = build_schedule(&before.terms, before.principal, on, &cut_days)
        .map_err(|e| LendingError::Invalid(e.to_string()))?;
    let rows: Vec<NewInstallment> = schedule
        .installments
        .iter()
        .map(|i| NewInstallment {
            number: i32::try_from(i.number).unwrap_or(i32::MAX),
            due_date: i.due_date,
            principal: i.principal.centavos(),
            interest: i.interest.centavos(),
            interest_iva: i.iva.centavos(),
        })
        .collect();
    repo::insert_installments(&tx, tenant, id, &rows).await?;
    if let Some(last) = schedule.installments.last() {
        holidays::ensure_years(&tx, tenant, on, last.due_date).await?;
    }
    row.status = LoanStatus::Disbursed.as_str().to_string();
    row.disbursed_at = Some(now);
    row.disbursed_on = Some(on);
    row.opening_commission = Some(schedule.opening_commission.centavos());
    row.commission_iva = Some(schedule.commission_iva.centavos());
    row.net_disbursed = Some(schedule.net_disbursed.centavos());
    row.cat = Some(schedule.cat.to_string());
    row.total_due = schedule.total_to_pay.centavos();
    row.total_paid = 0;
    row.outstanding = schedule.total_to_pay.centavos();
    let after = to_domain(repo::save(&tx, tenant, row, now).await?)?;
    record_transition(&tx, tenant, by, &before, &after, now).await?;
    let installments = repo::installments(&tx, tenant, id)
        .await?
        .into_iter()
        .map(installment_to_domain)
        .collect::<Result<_, _>>()?;
    tx.commit().await?;
    Ok(LoanDetail {
        loan: after,
        installments,
    })
}

/// The tenant's cut days from its settings (`{"cut_days": [8, 23]}`), the default when absent.
pub fn cut_days(settings: &serde_json::Value) -> Result<CutDays, LendingError> {
    match settings.get("cut_days") {
        None | Some(serde_json::Value::Null) => Ok(CutDays::default()),
        Some(v) => serde_json::from_value(v.clone()).map_err(|e| {
            LendingError::Invalid(format!("the tenant's cut days are not valid: {e}"))
        }),
    }
}

pub async fn get(store: &Store, tenant: TenantId, id: LoanId) -> Result<Loan, LendingError> {
    let row = repo::get(store.db(), tenant, id)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    to_domain(row)
}

/// A loan by its human number (what a borrower or a cashier types).
pub async fn by_number(
    store: &Store,
    tenant: TenantId,
    number: &str,
) -> Result<Loan, LendingError> {
    let row = repo::by_number(store.db(), tenant, number)
        .await?
        .ok_or(LendingError::NotFound("loan"))?;
    to_domain(row)
}

/// A loan with its installments.
pub async fn detail(
    store: &Store,
    tenant: TenantId,
    id: LoanId,
) -> Result<LoanDetail, LendingError> {
    let loan = get(store, tenant, id).await?;
    let installments = repo::installments(store.db(), tenant, id)
        .await?
        .into_iter()
        .map(installment_to_domain)
        .collect::<Result<_, _>>()?;
    Ok(LoanDetail { loan, installments })
}

/// Filters of the loan list.
#[derive(Debug, Clone, Default)]
pub struct LoanFilter {
    /// Any of these statuses; all when empty.
    pub statuses: Vec<LoanStatus>,
    pub client: Option<ClientId>,
}

/// A loan in a list, with its client's name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoanListItem {
    pub loan: Loan,
    pub client_name: String,
}

/// One page of the tenant's loans, newest first.
pub async fn list(
    store: &Store,
    tenant: TenantId,
    filter: &LoanFilter,
    page: PageRequest,
) -> Result<Page<LoanListItem>, LendingError> {
    let page = page.clamped();
    let query = LoanQuery {
        statuses: filter
            .statuses
            .iter()
            .map(|s| s.as_str().to_string())
            .collect(),
        client: filter.client,
        offset: page.offset,
        limit: page.limit,
    };
    let (rows, total) = repo::list(store.db(), tenant, &query).await?;
    let mut ids: Vec<i64> = rows.iter().map(|r| r.client_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: std::collections::HashMap<i64, String> =
        client_repo::by_ids(store.db(), tenant, &ids)
            .await?
            .into_iter()
            .map(|c| (c.id, c.full_name))
            .collect();
    let items = rows
        .into_iter()
        .map(|row| {
            let client_name = names.get(&row.client_id).cloned().unwrap_or_default();
            to_domain(row).map(|loan| LoanListItem { loan, client_name })
        })
        .collect::<Result<_, _>>()?;
    Ok(Page {
        items,
        total,
        offset: page.offset,
        limit: page.limit,
    })
}

/// The client of a loan, for screens that show both.
pub async fn client_of(
    store: &Store,
    tenant: TenantId,
    loan: &Loan,
) -> Result<clients::Client, LendingError> {
    clients::get(store, tenant, loan.client_id).await
}

pub(crate) fn snapshot(l: &Loan) -> serde_json::Value {
    json!({
        "number": l.number, "status": l.status, "principal": l.principal,
        "client_id": l.client_id, "product_id": l.product_id,
        "disbursed_on": l.disbursed_on, "net_disbursed": l.net_disbursed, "cat": l.cat,
        "total_due": l.total_due, "total_paid": l.total_paid, "outstanding": l.outstanding,
        "rejection_reason": l.rejection_reason, "write_off_reason": l.write_off_reason,
    })
}

pub(crate) fn to_domain(row: loan::Model) -> Result<Loan, LendingError> {
    let corrupt =
        |what: String| LendingError::Store(support::corrupt(format!("loan {}: {what}", row.id)));
    let status = LoanStatus::parse(&row.status)
        .ok_or_else(|| corrupt(format!("status '{}'", row.status)))?;
    let terms: ProductTerms = serde_json::from_str(row.terms.as_deref().unwrap_or_default())
        .map_err(|e| corrupt(format!("terms: {e}")))?;
    let cat = row
        .cat
        .as_deref()
        .map(str::parse::<Decimal>)
        .transpose()
        .map_err(|e| corrupt(format!("cat: {e}")))?;
    let money = Money::from_centavos;
    Ok(Loan {
        id: LoanId::new(row.id),
        number: row.number,
        client_id: ClientId::new(row.client_id),
        product_id: ProductId::new(row.product_id),
        principal: money(row.principal),
        terms,
        status,
        version: row.version,
        submitted_by: ActorInfo::from_columns(
            row.submitted_by_kind,
            row.submitted_by_id,
            row.submitted_by_label,
        ),
        approved_by: ActorInfo::from_columns(
            row.approved_by_kind,
            row.approved_by_id,
            row.approved_by_label,
        ),
        rejected_by: ActorInfo::from_columns(
            row.rejected_by_kind,
            row.rejected_by_id,
            row.rejected_by_label,
        ),
        written_off_by: ActorInfo::from_columns(
            row.written_off_by_kind,
            row.written_off_by_id,
            row.written_off_by_label,
        ),
        rejection_reason: row.rejection_reason,
        write_off_reason: row.write_off_reason,
        created_at: row.created_at,
        updated_at: row.updated_at,
        submitted_at: row.submitted_at,
        approved_at: row.approved_at,
        rejected_at: row.rejected_at,
        disbursed_at: row.disbursed_at,
        paid_at: row.paid_at,
        written_off_at: row.written_off_at,
        disbursed_on: row.disbursed_on,
        opening_commission: row.opening_commission.map(money),
        commission_iva: row.commission_iva.map(money),
        net_disbursed: row.net_disbursed.map(money),
        cat,
        total_due: money(row.total_due),
        total_paid: money(row.total_paid),
        outstanding: money(row.outstanding),
    })
}

pub(crate) fn components_due(row: &installment::Model) -> Components {
    let m = Money::from_centavos;
    Components {
        late_fee: m(row.late_fee),
        late_fee_iva: m(row.late_fee_iva),
        interest_iva: m(row.interest_iva),
        interest: m(row.interest),
        principal: m(row.principal),
    }
}

pub(crate) fn components_paid(row: &installment::Model) -> Components {
    let m = Money::from_centavos;
    Components {
        late_fee: m(row.paid_late_fee),
        late_fee_iva: m(row.paid_late_fee_iva),
        interest_iva: m(row.paid_interest_iva),
        interest: m(row.paid_interest),
        principal: m(row.paid_principal),
    }
}

/// The core's view of a stored installment, refusing a stored state that breaks `0 <= paid <= due`.
pub(crate) fn balance(row: &installment::Model) -> Result<InstallmentBalance, LendingError> {
    InstallmentBalance::restore(
        u32::try_from(row.number).unwrap_or(0),
        components_due(row),
        components_paid(row),
    )
    .map_err(|e| {
        LendingError::Store(support::corrupt(format!(
            "installment {} of loan {}: {e}",
            row.number, row.loan_id
        )))
    })
}

pub(crate) fn installment_to_domain(row: installment::Model) -> Result<Installment, LendingError> {
    let b = balance(&row)?;
    Ok(Installment {
        id: InstallmentId::new(row.id),
        number: b.number(),
        due_date: row.due_date,
        due: *b.due(),
        paid: *b.paid(),
        total_due: b
            .due()
            .total()
            .ok_or(LendingError::Invalid("amounts too large".into()))?,
        outstanding: b.outstanding(),
    })
}
