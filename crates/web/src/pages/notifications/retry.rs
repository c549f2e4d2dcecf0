//! A dead letter of the tenant put back in the queue, its attempts reset.

use super::{done, internal};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::PagePath;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_notify::{Owner, admin};

pub async fn retry(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_administer(), "administrar notificaciones")?;
    let owner = Owner::Tenant(staff.tenant.id);
    match admin::retry_dead(state.store(), owner, id).await {
        Ok(true) => Ok(done(
            &state,
            &staff,
            "Mensaje devuelto a la cola: se enviará de nuevo.",
        )),
        Ok(false) => Err(PageError::NotFound),
        Err(e) => Err(internal(e)),
    }
}
