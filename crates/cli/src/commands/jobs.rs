//! `credinet jobs list` and `credinet jobs run NAME [--tenant T]`: the scheduler's jobs, their next run
//! (local time with its UTC offset, and UTC) and last run, and a run by hand — the same scheduler that
//! `serve` runs, with the same leases, so a run by hand never overlaps a scheduled one.

use super::open;
use crate::settings::Settings;
use anyhow::bail;
use credinet_ops::{JobView, Scheduler};
use credinet_store::Store;
use credinet_store::repo::job_runs::{JobRun, RunStatus};
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Each job with its next run (local time with its UTC offset, and UTC) and its last run.
    List,
    /// Run a job now (a per-tenant job needs --tenant).
    Run {
        /// The job's name, as `jobs list` shows it.
        name: String,
        /// The tenant's slug, for a per-tenant job.
        #[arg(long)]
        tenant: Option<String>,
    },
}

/// The scheduler of this configuration over `store`.
pub fn scheduler(settings: &Settings, store: Store) -> anyhow::Result<Scheduler> {
    let registry =
        credinet_ops::jobs::standard(&settings.scheduler, settings.accounts.session_max_age())?;
    let registry = credinet_ops::jobs::with_backups(
        registry,
        &settings.scheduler,
        &settings.store.database_url,
        &settings.backup,
    )?;
    Ok(Scheduler::new(store, registry))
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let store = open(settings).await?;
    let scheduler = scheduler(settings, store)?;
    match command {
        Command::List => {
            list(&scheduler.overview().await?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { name, tenant } => {
            let run = scheduler.run_now(&name, tenant.as_deref()).await?;
            match run.status {
                RunStatus::Succeeded => {
                    let summary = run.summary.map(|s| s.to_string()).unwrap_or_default();
                    println!("{name}: succeeded (run {}) {summary}", run.id);
                    Ok(ExitCode::SUCCESS)
                }
                _ => bail!(
                    "{name} failed (run {}): {}",
                    run.id,
                    run.error.unwrap_or_default()
                ),
            }
        }
    }
}

fn list(views: &[JobView]) {
    let rows: Vec<[String; 5]> = views
        .iter()
        .map(|v| {
            let scope = v
                .tenant
                .as_ref()
                .map_or_else(|| "(system)".to_string(), |t| t.slug.to_string());
            let (next_local, next_utc) = match &v.schedule {
                Ok(_) => (
                    v.next_local().unwrap_or_else(|| "-".into()),
                    v.next_utc().unwrap_or_else(|| "-".into()),
                ),
                Err(e) => (format!("no schedule: {e}"), "-".into()),
            };
            [
                v.job.to_string(),
                scope,
                next_local,
                next_utc,
                last(v.last.as_ref()),
            ]
        })
        .collect();
    let header = [
        "JOB",
        "TENANT",
        "NEXT RUN (LOCAL)",
        "NEXT RUN (UTC)",
        "LAST RUN",
    ];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]].map(String::as_str));
    }
}

fn last(run: Option<&JobRun>) -> String {
    match run {
        None => "never".into(),
        Some(run) => {
            let at = run.ended_at.or(run.started_at).unwrap_or(run.scheduled_for);
            format!(
                "{} {} (due {})",
                run.status,
                at.format("%Y-%m-%d %H:%M UTC"),
                run.scheduled_for.format("%Y-%m-%d %H:%M UTC")
            )
        }
    }
}
