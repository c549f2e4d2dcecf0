//! The loan list with its filters (status, delinquency bucket), its sort by arrears and its export.

use super::super::clients::not_found;
use super::super::{Pager, clamped, csv_download, last_page, pesos, urlencode};
use super::bucket_tone;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageQuery, blank_is_none};
use crate::pages::{Chrome, local, render};
use crate::routes::v1::exports::all_pages;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use credinet_core::ids::LoanId;
use credinet_core::lending::delinquency::{Arrears, DelinquencyBucket};
use credinet_lending::loans::{self, LoanFilter, LoanListItem, LoanStatus};
use credinet_lending::page::MAX_PAGE_NUMBER;
use credinet_lending::{PageRequest, arrears, csv};
use serde::Deserialize;
use std::cmp::Reverse;
use std::collections::HashMap;

const PER_PAGE: u64 = 25;

/// The `atraso` filter's values, one per bucket (what the address carries; the label is the bucket's).
const BUCKETS: [(&str, DelinquencyBucket); 6] = [
    ("al-corriente", DelinquencyBucket::Current),
    ("1-15", DelinquencyBucket::D1To15),
    ("16-30", DelinquencyBucket::D16To30),
    ("31-60", DelinquencyBucket::D31To60),
    ("61-90", DelinquencyBucket::D61To90),
    ("mas-de-90", DelinquencyBucket::Over90),
];

/// The loans list filtered to `bucket` (the dashboard's bucket lines link there).
pub fn bucket_href(bucket: DelinquencyBucket) -> String {
    let code = BUCKETS
        .iter()
        .find(|(_, b)| *b == bucket)
        .map_or("", |(c, _)| c);
    format!("/prestamos?estado=disbursed&atraso={code}")
}

/// The `orden` value that lists active loans most days late first.
const BY_ARREARS: &str = "atraso";

/// How late an active loan is today, as a row shows it.
pub struct RowArrears {
    pub days: u32,
    pub overdue: String,
    pub bucket: &'static str,
    pub tone: &'static str,
}

pub struct Row {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    pub client: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub principal: String,
    pub outstanding: String,
    pub created: String,
    /// `None` unless the loan is active (disbursed).
    pub arrears: Option<RowArrears>,
}

fn row(staff: &Staff, item: LoanListItem, late: &HashMap<LoanId, Arrears>) -> Row {
    let arrears =
        (item.loan.status == LoanStatus::Disbursed).then(|| match late.get(&item.loan.id) {
            Some(a) => RowArrears {
                days: a.days_past_due,
                overdue: pesos(a.overdue),
                bucket: a.bucket.label_es(),
                tone: bucket_tone(a.bucket),
            },
            None => RowArrears {
                days: 0,
                overdue: pesos(credinet_core::money::Money::ZERO),
                bucket: DelinquencyBucket::Current.label_es(),
                tone: bucket_tone(DelinquencyBucket::Current),
            },
        });
    Row {
        id: item.loan.id.get(),
        number: item.loan.number,
        client_id: item.loan.client_id.get(),
        client: item.client_name,
        status: item.loan.status.label_es(),
        status_code: item.loan.status.as_str(),
        principal: pesos(item.loan.principal),
        outstanding: pesos(item.loan.outstanding),
        created: local(staff, item.loan.created_at),
        arrears,
    }
}

#[derive(Template)]
#[template(path = "lending/loans.html")]
struct LoansPage {
    chrome: Chrome,
    title: &'static str,
    rows: Vec<Row>,
    total: u64,
    status: String,
    statuses: Vec<(&'static str, &'static str)>,
    bucket: String,
    buckets: Vec<(&'static str, &'static str)>,
    /// Sorted by arrears (most days late first) rather than newest first.
    by_arrears: bool,
    /// The list's query string as shown, and with the order by arrears switched.
    query: String,
    toggled_sort: String,
    pages: Pager,
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "blank_is_none")]
    estado: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    atraso: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    orden: Option<String>,
    #[serde(default, deserialize_with = "blank_is_none")]
    p: Option<u64>,
}

/// What the query asks for, parsed once.
struct Selection {
    status: Option<LoanStatus>,
    bucket: Option<DelinquencyBucket>,
    by_arrears: bool,
}

impl Selection {
    fn parse(q: &ListQuery) -> Result<Selection, PageError> {
        let bucket = match q.atraso.as_deref() {
            None => None,
            Some(code) => Some(
                BUCKETS
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, b)| *b)
                    .ok_or(PageError::BadQuery)?,
            ),
        };
        let by_arrears = match q.orden.as_deref() {
            None => false,
            Some(BY_ARREARS) => true,
            Some(_) => return Err(PageError::BadQuery),
        };
        let mut status = q.estado.as_deref().and_then(LoanStatus::parse);
        // A bucket, or an order by arrears, is about active loans: the list says so in its filter.
        if status.is_none() && (bucket.is_some() || by_arrears) {
            status = Some(LoanStatus::Disbursed);
        }
        Ok(Selection {
            status,
            bucket,
            by_arrears,
        })
    }

    /// Whether the rows are chosen or ordered by arrears, which SQL does not compute (the holidays
    /// move due dates): then the ids of active loans are ordered here and one page of them is read.
    fn by_arrears_only(&self) -> bool {
        self.bucket.is_some() || (self.by_arrears && self.status == Some(LoanStatus::Disbursed))
    }

    fn filter(&self) -> LoanFilter {
        LoanFilter {
            statuses: self.status.into_iter().collect(),
            client: None,
        }
    }

    fn status_code(&self) -> &'static str {
        self.status.map_or("", |s| s.as_str())
    }

    fn bucket_code(&self) -> &'static str {
        self.bucket
            .and_then(|b| BUCKETS.iter().find(|(_, x)| *x == b))
            .map_or("", |(c, _)| c)
    }

    /// The list's query string, sorted by arrears or not.
    fn query(&self, sorted: bool) -> String {
        let mut query = format!(
            "estado={}&atraso={}",
            urlencode(self.status_code()),
            self.bucket_code()
        );
        if sorted {
            query.push_str("&orden=");
            query.push_str(BY_ARREARS);
        }
        query
    }
}

/// The active loans the selection names, in its order, and the late ones among every active loan.
async fn ids_by_arrears(
    state: &AppState,
    staff: &Staff,
    selection: &Selection,
    today: NaiveDate,
) -> Result<(Vec<LoanId>, HashMap<LoanId, Arrears>), PageError> {
    let tenant = staff.tenant.id;
    let late = arrears::late_loans(state.store(), tenant, today, None)
        .await
        .map_err(not_found)?;
    if selection.status != Some(LoanStatus::Disbursed) {
        // A bucket of loans that are not active: none.
        return Ok((Vec::new(), late));
    }
    let mut ids = loans::ids_with_status(state.store(), tenant, LoanStatus::Disbursed)
        .await
        .map_err(not_found)?;
    let bucket_of = |id: &LoanId| {
        late.get(id)
            .map_or(DelinquencyBucket::Current, |a| a.bucket)
    };
    if let Some(bucket) = selection.bucket {
        ids.retain(|id| bucket_of(id) == bucket);
    }
    if selection.by_arrears {
        // Stable: among loans equally late, the newest stays first.
        ids.sort_by_key(|id| Reverse(late.get(id).map_or(0, |a| a.days_past_due)));
    }
    Ok((ids, late))
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
) -> Result<Response, PageError> {
    let selection = Selection::parse(&q)?;
    let tenant = staff.tenant.id;
    let today = staff.tenant.zone.local_date(state.store().now());
    let asked = q.p.unwrap_or(1).clamp(1, MAX_PAGE_NUMBER);
    let (current, total, items, late) = if selection.by_arrears_only() {
        let (ids, late) = ids_by_arrears(&state, &staff, &selection, today).await?;
        let total = ids.len() as u64;
        let current = asked.min(last_page(total, PER_PAGE));
        let start = usize::try_from((current - 1) * PER_PAGE).unwrap_or(usize::MAX);
        let shown: Vec<LoanId> = ids
            .into_iter()
            .skip(start)
            .take(PER_PAGE as usize)
            .collect();
        let items = loans::list_items(state.store(), tenant, &shown)
            .await
            .map_err(not_found)?;
        (current, total, items, late)
    } else {
        let filter = selection.filter();
        let (current, page) = clamped(asked, PER_PAGE, |n| {
            loans::list(
                state.store(),
                tenant,
                &filter,
                PageRequest::number(n, PER_PAGE),
            )
        })
        .await
        .map_err(not_found)?;
        let active: Vec<LoanId> = page
            .items
            .iter()
            .filter(|i| i.loan.status == LoanStatus::Disbursed)
            .map(|i| i.loan.id)
            .collect();
        let late = arrears::late_loans(state.store(), tenant, today, Some(&active))
            .await
            .map_err(not_found)?;
        (current, page.total, page.items, late)
    };
    let view = LoansPage {
        chrome: Chrome::new(&staff, "/prestamos"),
        title: "Préstamos",
        total,
        pages: Pager::new(
            format!("/prestamos?{}&p=", selection.query(selection.by_arrears)),
            total,
            PER_PAGE,
            current,
        )
        .asked(asked),
        rows: items.into_iter().map(|i| row(&staff, i, &late)).collect(),
        status: selection.status_code().to_string(),
        statuses: LoanStatus::ALL
            .iter()
            .map(|s| (s.as_str(), s.label_es()))
            .collect(),
        bucket: selection.bucket_code().to_string(),
        buckets: BUCKETS.iter().map(|(c, b)| (*c, b.label_es())).collect(),
        by_arrears: selection.by_arrears,
        query: selection.query(selection.by_arrears),
        toggled_sort: selection.query(!selection.by_arrears),
    };
    render(&view)
}

/// Loans read for an export by id: a few hundred per statement.
const EXPORT_CHUNK: usize = 500;

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    PageQuery(q): PageQuery<ListQuery>,
    PageQuery(format): PageQuery<super::super::ExportFormat>,
) -> Result<Response, PageError> {
    let selection = Selection::parse(&q)?;
    let tenant = staff.tenant.id;
    let rows = if selection.by_arrears_only() {
        let today = staff.tenant.zone.local_date(state.store().now());
        let (ids, _) = ids_by_arrears(&state, &staff, &selection, today).await?;
        let mut rows = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(EXPORT_CHUNK) {
            rows.extend(
                loans::list_items(state.store(), tenant, chunk)
                    .await
                    .map_err(not_found)?,
            );
        }
        rows
    } else {
        let filter = selection.filter();
        all_pages(|p| loans::list(state.store(), tenant, &filter, p))
            .await
            .map_err(not_found)?
    };
    Ok(csv_download(
        "prestamos.csv",
        csv::loans_sheet(&rows).write(format.reader(&staff)),
    ))
}
