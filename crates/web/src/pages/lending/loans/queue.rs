//! `GET /prestamos/aprobacion`: applications waiting for a checker, oldest first, in two lists — «Por
//! aprobar» (submitted) and «Por dispersar» (approved) — with product, who submitted and how long each
//! has waited. Each row opens the loan page, where the preview is and where «Aprobar» is offered to
//! anyone but the person who submitted (ADR 33).

use super::super::clients::not_found;
use super::super::pesos;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::{Chrome, local, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use credinet_lending::loans::{self, LoanFilter, LoanListItem, LoanStatus};
use credinet_lending::{PageRequest, products};
use std::collections::HashMap;

/// The most applications one queue page lists (a small lender has a handful).
const MAX: u64 = 500;

pub struct QueueRow {
    pub id: i64,
    pub number: String,
    pub client_id: i64,
    pub client: String,
    pub product: String,
    pub principal: String,
    pub submitted_by: String,
    pub since: String,
    pub waiting: String,
    pub own: bool,
}

#[derive(Template)]
#[template(path = "lending/queue.html")]
struct QueuePage {
    chrome: Chrome,
    to_approve: Vec<QueueRow>,
    to_disburse: Vec<QueueRow>,
}

/// How long since `since`, as a person says it: «25 min», «3 h», «2 días».
pub fn waiting(since: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => "menos de 1 min".into(),
        1..=59 => format!("{minutes} min"),
        60..=1439 => format!("{} h", minutes / 60),
        _ => match minutes / 1440 {
            1 => "1 día".into(),
            days => format!("{days} días"),
        },
    }
}

pub async fn queue(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    // The menu offers the queue only to those who approve; the page itself must say the same.
    staff.require(
        staff.role.can_approve_loans(),
        "ver las solicitudes por aprobar",
    )?;
    let tenant = staff.tenant.id;
    let filter = LoanFilter {
        statuses: vec![LoanStatus::Submitted, LoanStatus::Approved],
        client: None,
    };
    let items = loans::list(state.store(), tenant, &filter, PageRequest::number(1, MAX))
        .await
        .map_err(not_found)?
        .items;
    let names: HashMap<_, _> = products::list(state.store(), tenant, false)
        .await
        .map_err(not_found)?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let now = state.store().now();
    let (mut to_approve, mut to_disburse) = (Vec::new(), Vec::new());
    for item in items {
        let LoanListItem { loan, client_name } = item;
        // Waiting since it reached this list: submitted, or approved.
        let since = match loan.status {
            LoanStatus::Approved => loan.approved_at,
            _ => loan.submitted_at,
        }
        .unwrap_or(loan.created_at);
        let own = loan.status == LoanStatus::Submitted
            && loans::is_own_application(state.store(), tenant, &loan, staff.requester())
                .await
                .map_err(not_found)?;
        let row = (
            since,
            QueueRow {
                id: loan.id.get(),
                number: loan.number.clone(),
                client_id: loan.client_id.get(),
                client: client_name,
                product: names.get(&loan.product_id).cloned().unwrap_or_default(),
                principal: pesos(loan.principal),
                submitted_by: loan
                    .submitted_by
                    .as_ref()
                    .map(|a| a.label.clone())
                    .unwrap_or_default(),
                since: local(&staff, since),
                waiting: waiting(since, now),
                own,
            },
        );
        match loan.status {
            LoanStatus::Approved => to_disburse.push(row),
            _ => to_approve.push(row),
        }
    }
    // Oldest first: who has waited longest is served first.
    let oldest_first = |mut rows: Vec<(DateTime<Utc>, QueueRow)>| {
        rows.sort_by_key(|(since, row)| (*since, row.id));
        rows.into_iter().map(|(_, row)| row).collect()
    };
    let page = QueuePage {
        chrome: Chrome::new(&staff, "/prestamos/aprobacion"),
        to_approve: oldest_first(to_approve),
        to_disburse: oldest_first(to_disburse),
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::waiting;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn waiting_time_reads_in_minutes_hours_or_days() {
        let now = Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap();
        let ago = |m: i64| waiting(now - Duration::minutes(m), now);
        assert_eq!(ago(0), "menos de 1 min");
        assert_eq!(ago(25), "25 min");
        assert_eq!(ago(185), "3 h");
        assert_eq!(ago(1440), "1 día");
        assert_eq!(ago(3 * 1440 + 5), "3 días");
        assert_eq!(waiting(now + Duration::minutes(5), now), "menos de 1 min");
    }
}
