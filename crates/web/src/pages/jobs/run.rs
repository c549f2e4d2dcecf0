//! `POST /tareas/{job}/ejecutar` («Ejecutar ahora», admins): starts one of the tenant's jobs now and
//! redirects back to `/tareas` (post/redirect/get). The run is recorded and its lease taken before the
//! answer; the work itself goes on in the background, so a long cut does not hold the request open.

use super::may_run;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::flash::{self, Flash};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_ops::{JobScope, SchedulerError};

pub async fn run(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(job): PagePath<String>,
) -> Result<Response, PageError> {
    staff.require(may_run(&staff), "ejecutar tareas")?;
    let scheduler = state.scheduler();
    // Only the tenant's own jobs: a system job touches every tenant and is run from the command line.
    let Some(found) = scheduler.registry().find(&job) else {
        return Err(PageError::NotFound);
    };
    if found.scope() != JobScope::PerTenant {
        return Err(PageError::NotFound);
    }
    match scheduler
        .start_now(found.name(), Some(staff.tenant.slug.as_str()))
        .await
    {
        Ok(started) => {
            let (name, id) = (found.name(), started.id());
            tracing::info!(job = name, run = %id, tenant = %staff.tenant.slug, "job run by hand from the jobs page");
            tokio::spawn(async move {
                if let Err(e) = started.finish().await {
                    tracing::warn!(job = name, run = %id, error = %e, "could not record the end of a run by hand");
                }
            });
            Ok(said(
                &state,
                &staff,
                "La tarea empezó a ejecutarse. Actualice la página para ver cómo terminó.",
            ))
        }
        Err(SchedulerError::Busy { .. }) => Ok(said(
            &state,
            &staff,
            "La tarea ya se está ejecutando; espere a que termine antes de volver a pedirla.",
        )),
        Err(SchedulerError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::warn!(job = %job, error = %e, "a run by hand was refused");
            Err(PageError::NotFound)
        }
    }
}

/// Back to the jobs page, which says `notice` once (ADR 19).
fn said(state: &AppState, staff: &Staff, notice: &str) -> Response {
    flash::redirect_with(state, staff, super::PATH, Flash::Notice(notice.into()))
}
