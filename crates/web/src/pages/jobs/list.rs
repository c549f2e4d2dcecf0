//! `GET /tareas`: each job with its next run (local time with the zone's abbreviation, the one format of
//! the pages (ADR 34), and UTC) and its latest runs, newest first.

use super::{duration, may_run, may_see, outcome, status_label, title, trigger_label};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::flash::{self, Flash};
use crate::pages::{Chrome, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_ops::{JobScope, JobView};
use credinet_store::repo::job_runs;

/// Runs shown per job.
const RECENT: u64 = 10;

pub struct JobCard {
    pub name: &'static str,
    pub title: String,
    pub scope: &'static str,
    pub schedule: String,
    /// e.g. `08/12/2026 00:05 CST`, in the tenant's zone.
    pub next_local: String,
    pub next_utc: String,
    pub can_run: bool,
    pub runs: Vec<RunRow>,
}

pub struct RunRow {
    pub due: String,
    pub trigger: &'static str,
    pub status: &'static str,
    pub status_class: &'static str,
    pub started: String,
    pub duration: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "jobs/list.html")]
struct JobsPage {
    chrome: Chrome,
    zone: String,
    jobs: Vec<JobCard>,
    notice: Option<String>,
    /// Whether to link the backups page: only for those who may use it (ADR 32).
    backups: bool,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    staff.require(may_see(&staff), "ver las tareas programadas")?;
    let (jar, flash) = flash::take(&state, &staff, jar, super::PATH);
    let notice = match flash {
        Some(Flash::Notice(notice)) => Some(notice),
        _ => None,
    };
    let scheduler = state.scheduler();
    let mut jobs = Vec::new();
    for view in scheduler.overview_for(&staff.tenant).await? {
        let runs = job_runs::recent(
            state.store().db(),
            view.job,
            view.tenant.as_ref().map(|t| t.id),
            RECENT,
        )
        .await?;
        jobs.push(card(&staff, &view, runs));
    }
    let backups = crate::pages::backups::admitted(&state, &staff)
        .await
        .is_ok();
    let page = render(&JobsPage {
        chrome: Chrome::new(&staff, super::PATH),
        zone: staff.tenant.zone.name().to_string(),
        jobs,
        notice,
        backups,
    })?;
    Ok((jar, page).into_response())
}

fn card(staff: &Staff, view: &JobView, runs: Vec<job_runs::JobRun>) -> JobCard {
    let zone = staff.tenant.zone;
    let (next_local, next_utc) = match (&view.schedule, view.next) {
        (Ok(_), Some(at)) => (
            zone.format_local(at),
            at.format("%d/%m/%Y %H:%M UTC").to_string(),
        ),
        (Ok(_), None) => ("sin próxima ejecución".into(), "—".into()),
        (Err(_), _) => (
            "sin programación válida (vea el registro del servidor)".into(),
            "—".into(),
        ),
    };
    let per_tenant = view.scope == JobScope::PerTenant;
    JobCard {
        name: view.job,
        title: title(view.job).to_string(),
        scope: if per_tenant {
            "Esta financiera"
        } else {
            "Toda la instalación"
        },
        schedule: view
            .schedule
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        next_local,
        next_utc,
        // A system job touches every tenant: it is run from the command line, not a tenant's page.
        can_run: per_tenant && may_run(staff),
        runs: runs
            .iter()
            .map(|run| RunRow {
                due: zone.format_local(run.scheduled_for),
                trigger: trigger_label(run.trigger),
                status: status_label(run.status),
                status_class: match run.status {
                    job_runs::RunStatus::Succeeded => "",
                    job_runs::RunStatus::Running => "warn",
                    _ => "off",
                },
                started: run
                    .started_at
                    .map(|t| zone.format_local(t))
                    .unwrap_or_else(|| "—".into()),
                duration: duration(run),
                outcome: outcome(run),
            })
            .collect(),
    }
}
