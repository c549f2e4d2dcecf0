//! `POST /respaldos/ejecutar` («Respaldar ahora») and `POST /respaldos/{archivo}/verificar`: start the
//! task in the background and redirect back to `/respaldos` (post/redirect/get), whose progress block
//! follows it. Refused with a one-time message while another backup or verification runs — the page's
//! or the nightly job's (they share one lease).

use super::list::PATH;
use super::{admitted, complete_backup};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::pages::flash::{self, Flash};
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_ops::backup::task::{self, TaskError, TaskRequest};

pub async fn run(State(state): State<AppState>, staff: Staff) -> Result<Response, PageError> {
    admitted(&state, &staff).await?;
    start(&state, &staff, TaskRequest::Run, "El respaldo empezó.").await
}

pub async fn verify(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(file): PagePath<String>,
) -> Result<Response, PageError> {
    let backups = admitted(&state, &staff).await?;
    complete_backup(backups, &file)?;
    start(
        &state,
        &staff,
        TaskRequest::Verify { file: file.clone() },
        &format!("La verificación de {file} empezó."),
    )
    .await
}

async fn start(
    state: &AppState,
    staff: &Staff,
    request: TaskRequest,
    started: &str,
) -> Result<Response, PageError> {
    let backups = admitted(state, staff).await?;
    let flash = match task::start(
        state.store(),
        backups.target.clone(),
        backups.settings.clone(),
        request,
        staff.tenant.id,
        staff.requester(),
    )
    .await
    {
        Ok(_) => Flash::Notice(format!(
            "{started} Su avance se muestra abajo; puede salir de esta página sin detenerlo."
        )),
        Err(TaskError::Busy) => Flash::Error(
            "Ya hay un respaldo o una verificación en curso (quizá el respaldo nocturno). Espere a que termine y vuelva a intentarlo."
                .into(),
        ),
        Err(TaskError::Store(e)) => return Err(e.into()),
    };
    Ok(flash::redirect_with(state, staff, PATH, flash))
}
