//! `GET /respaldos`: the backups, newest first, with their verify and download actions, the latest
//! tasks, and the running task's progress; `GET /respaldos/avance` is the progress fragment htmx polls
//! while a task runs (as a running cut's page does).

use super::{admitted, size, stage_label};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::flash::{self, Flash};
use crate::pages::{Chrome, local, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use credinet_ops::backup::BackupEntry;
use credinet_ops::backup::task::STALE_AFTER;
use credinet_store::repo::backup_tasks::{self, BackupTask, TaskAction, TaskStatus};

pub const PATH: &str = "/respaldos";

/// Tasks shown in the history.
const RECENT_TASKS: u64 = 10;

pub struct BackupRow {
    pub file: String,
    pub created: String,
    pub complete: bool,
    pub size: String,
    pub rows: String,
    pub schema: String,
    pub app_version: String,
    /// Why an incomplete one is not a backup.
    pub reason: String,
}

pub struct TaskRow {
    pub what: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub started: String,
    pub by: String,
    pub detail: String,
}

/// The running task's progress block.
pub struct Progress {
    pub running: bool,
    pub title: String,
    pub stage: &'static str,
    /// 0–100 when the stage's size is known.
    pub percent: Option<u64>,
    pub done: String,
    pub started: String,
}

#[derive(Template)]
#[template(path = "backups/list.html")]
struct BackupsPage {
    chrome: Chrome,
    dir: String,
    backups: Vec<BackupRow>,
    tasks: Vec<TaskRow>,
    progress: Option<Progress>,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "backups/progress.html")]
struct ProgressFragment {
    progress: Progress,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let backups = admitted(&state, &staff).await?;
    let (jar, flash) = flash::take(&state, &staff, jar, PATH);
    let (notice, error) = match flash {
        Some(Flash::Notice(n)) => (Some(n), None),
        Some(Flash::Error(e)) => (None, Some(e)),
        _ => (None, None),
    };
    let entries = credinet_ops::backup::list(&backups.settings.dir).map_err(|e| {
        tracing::error!(error = %e, "cannot read the backup directory");
        PageError::Internal
    })?;
    let rows = entries
        .iter()
        .rev()
        .map(|e| backup_row(&staff, e))
        .collect();
    let tasks = backup_tasks::recent(state.store().db(), RECENT_TASKS).await?;
    let now = state.store().now();
    let progress = tasks
        .first()
        .filter(|t| is_running(t, now))
        .map(|t| progress(&staff, t, now));
    let page = render(&BackupsPage {
        chrome: Chrome::new(&staff, PATH),
        dir: backups.settings.dir.display().to_string(),
        backups: rows,
        tasks: tasks.iter().map(|t| task_row(&staff, t, now)).collect(),
        progress,
        notice,
        error,
    })?;
    Ok((jar, page).into_response())
}

/// The progress block alone. Once no task runs it asks htmx to reload the page (`HX-Refresh`), which
/// then shows how it ended and stops polling.
pub async fn progress_fragment(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, PageError> {
    admitted(&state, &staff).await?;
    let now = state.store().now();
    let latest = backup_tasks::recent(state.store().db(), 1).await?;
    let fragment = match latest.first() {
        Some(task) => ProgressFragment {
            progress: progress(&staff, task, now),
        },
        None => ProgressFragment {
            progress: Progress {
                running: false,
                title: "Sin tareas".into(),
                stage: "",
                percent: None,
                done: String::new(),
                started: String::new(),
            },
        },
    };
    let body = axum::response::Html(fragment.render()?);
    if fragment.progress.running {
        Ok(body.into_response())
    } else {
        Ok(([("HX-Refresh", "true")], body).into_response())
    }
}

/// Running, and its row still moves: a task whose server died is not shown as running forever.
fn is_running(task: &BackupTask, now: chrono::DateTime<chrono::Utc>) -> bool {
    task.status == TaskStatus::Running && now - task.updated_at <= STALE_AFTER
}

fn what(task: &BackupTask) -> String {
    match (task.action, &task.file) {
        (TaskAction::Run, Some(file)) => format!("Respaldo {file}"),
        (TaskAction::Run, None) => "Respaldo".into(),
        (TaskAction::Verify, Some(file)) => format!("Verificación de {file}"),
        (TaskAction::Verify, None) => "Verificación".into(),
    }
}

fn progress(staff: &Staff, task: &BackupTask, now: chrono::DateTime<chrono::Utc>) -> Progress {
    let percent = task
        .total_bytes
        .filter(|t| *t > 0)
        .map(|t| (task.done_bytes.min(t) * 100) / t);
    Progress {
        running: is_running(task, now),
        title: what(task),
        stage: task
            .stage
            .as_deref()
            .map(stage_label)
            .unwrap_or("Empezando"),
        percent,
        done: size(task.done_bytes),
        started: local(staff, task.started_at),
    }
}

fn task_row(staff: &Staff, task: &BackupTask, now: chrono::DateTime<chrono::Utc>) -> TaskRow {
    let (status, status_class) = match task.status {
        TaskStatus::Running if is_running(task, now) => ("En curso", "warn"),
        // Its server stopped (or the database was restored from a copy taken while it ran).
        TaskStatus::Running => ("Interrumpida", "off"),
        TaskStatus::Succeeded => ("Exitosa", ""),
        TaskStatus::Failed => ("Fallida", "off"),
    };
    let detail = match (&task.detail, task.status) {
        // The finding is the log's (English, technical): quoted as such for support.
        (Some(d), _) => format!("Detalle: {d}"),
        (None, TaskStatus::Succeeded) if task.action == TaskAction::Verify => {
            "La copia está íntegra y se restaura completa.".into()
        }
        _ => String::new(),
    };
    TaskRow {
        what: what(task),
        status,
        status_class,
        started: local(staff, task.started_at),
        by: task.requested_by.clone(),
        detail,
    }
}

fn backup_row(staff: &Staff, entry: &BackupEntry) -> BackupRow {
    match entry {
        BackupEntry::Complete { manifest: m, .. } => BackupRow {
            file: m.file.clone(),
            created: local(staff, m.created_at),
            complete: true,
            size: size(m.size_bytes),
            rows: m.total_rows().to_string(),
            schema: m.schema_version.to_string(),
            app_version: m.app_version.clone(),
            reason: String::new(),
        },
        BackupEntry::Incomplete { at, reason, .. } => BackupRow {
            file: entry.file_name(),
            created: local(staff, *at),
            complete: false,
            size: "—".into(),
            rows: "—".into(),
            schema: "—".into(),
            app_version: "—".into(),
            reason: format!("Incompleto: {reason}"),
        },
    }
}
