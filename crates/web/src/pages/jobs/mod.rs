//! The scheduler on screen: `/tareas` lists the tenant's jobs and the installation's, each with its next
//! run in the tenant's local time with its UTC offset and in UTC, and its latest runs; admins run a
//! tenant's job by hand from there (ADR 16). Admins and managers see it.

pub mod list;
pub mod run;

use crate::auth::Staff;
use credinet_store::repo::job_runs::{JobRun, RunStatus, RunTrigger};

/// The jobs page, where a run by hand comes back to.
const PATH: &str = "/tareas";

/// Who may see the jobs page: the roles that read the audit log.
fn may_see(staff: &Staff) -> bool {
    staff.role.can_read_audit()
}

/// Who may run a job by hand: admins.
fn may_run(staff: &Staff) -> bool {
    staff.role.can_administer()
}

/// A job's name as a person reads it.
fn title(job: &str) -> &str {
    match job {
        "period_cut" => "Corte de periodo",
        "session_expiry" => "Limpieza de sesiones vencidas",
        "backup" => "Respaldo de la base de datos",
        "offsite_sync" => "Copia de los respaldos fuera del servidor",
        other => other,
    }
}

fn status_label(status: RunStatus) -> &'static str {
    match status {
        RunStatus::Running => "En curso",
        RunStatus::Succeeded => "Exitosa",
        RunStatus::Failed => "Fallida",
        RunStatus::Missed => "No ejecutada (fuera de plazo)",
    }
}

fn trigger_label(trigger: RunTrigger) -> &'static str {
    match trigger {
        RunTrigger::Schedule => "Programada",
        RunTrigger::Manual => "Manual",
    }
}

/// How long a run took, as a person reads it: `850 ms`, `12 s`, `3 min 04 s`.
fn duration(run: &JobRun) -> String {
    let (Some(start), Some(end)) = (run.started_at, run.ended_at) else {
        return "—".into();
    };
    let ms = (end - start).num_milliseconds().max(0);
    match ms {
        0..1_000 => format!("{ms} ms"),
        1_000..60_000 => format!("{} s", ms / 1_000),
        _ => format!("{} min {:02} s", ms / 60_000, (ms / 1_000) % 60),
    }
}

/// What a run did, in Spanish: the known jobs' summaries in words, any other summary as it was stored.
fn outcome(run: &JobRun) -> String {
    if run.error.is_some() {
        // The error text is the log's (English, technical) and stays there: the page names the run
        // so support can find it.
        return format!(
            "Falló; el detalle técnico está en el registro del servidor (ejecución {}).",
            run.id
        );
    }
    let Some(summary) = &run.summary else {
        return match run.status {
            RunStatus::Missed => {
                "Pasó su plazo de recuperación mientras el servicio estaba detenido.".into()
            }
            _ => "—".into(),
        };
    };
    match run.job.as_str() {
        "period_cut" => {
            let date = summary["cut_date"].as_str().unwrap_or("?");
            let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_else(|_| date.to_string());
            format!(
                "Corte del {day}: {} préstamos",
                summary["loans"].as_u64().unwrap_or(0)
            )
        }
        "session_expiry" => format!(
            "{} sesiones vencidas borradas",
            summary["deleted_sessions"].as_u64().unwrap_or(0)
        ),
        "backup" => format!(
            "Respaldo de {} filas, {} bytes; {} respaldos viejos borrados",
            summary["rows"].as_u64().unwrap_or(0),
            summary["size_bytes"].as_u64().unwrap_or(0),
            summary["pruned"].as_u64().unwrap_or(0)
        ),
        "offsite_sync" => format!(
            "{} respaldos en la copia externa; {} borrados allí",
            summary["remote_backups"].as_u64().unwrap_or(0),
            summary["removed"].as_u64().unwrap_or(0)
        ),
        _ => summary.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use credinet_core::ids::JobRunId;

    fn run(job: &str, summary: serde_json::Value, millis: i64) -> JobRun {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 6, 5, 0).unwrap();
        JobRun {
            id: JobRunId::new(1),
            job: job.into(),
            tenant: None,
            scheduled_for: start,
            trigger: RunTrigger::Schedule,
            status: RunStatus::Succeeded,
            attempts: 1,
            started_at: Some(start),
            ended_at: Some(start + chrono::Duration::milliseconds(millis)),
            summary: Some(summary),
            error: None,
        }
    }

    #[test]
    fn durations_and_summaries_read_as_spanish() {
        let cut = run(
            "period_cut",
            serde_json::json!({"cut_date": "2026-12-08", "loans": 120}),
            850,
        );
        assert_eq!(duration(&cut), "850 ms");
        assert_eq!(outcome(&cut), "Corte del 08/12/2026: 120 préstamos");
        let expiry = run(
            "session_expiry",
            serde_json::json!({"deleted_sessions": 2}),
            184_000,
        );
        assert_eq!(duration(&expiry), "3 min 04 s");
        assert_eq!(outcome(&expiry), "2 sesiones vencidas borradas");
        let backup = run(
            "backup",
            serde_json::json!({"rows": 10, "size_bytes": 2048, "pruned": 1}),
            12_400,
        );
        assert_eq!(duration(&backup), "12 s");
        assert_eq!(
            outcome(&backup),
            "Respaldo de 10 filas, 2048 bytes; 1 respaldos viejos borrados"
        );
        let mut failed = run("period_cut", serde_json::json!({}), 10);
        failed.error = Some("database is locked".into());
        assert_eq!(
            outcome(&failed),
            "Falló; el detalle técnico está en el registro del servidor (ejecución 1)."
        );
    }
}
