//! The actions on a loan: submit, approve, reject, disburse, write off.

use super::super::{explain, pesos};
use super::done;
use super::refused;
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::Flash;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_core::ids::LoanId;
use credinet_lending::loans::{self};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    disbursed_on: String,
}

/// The notice of an action that went through, whatever it answered.
fn said<T>(notice: &'static str) -> impl FnOnce(T) -> String {
    move |_| notice.to_string()
}

/// `POST /prestamos/{id}/{enviar|aprobar|rechazar|dispersar|castigar}`.
pub async fn act(
    State(state): State<AppState>,
    staff: Staff,
    PagePath((id, action)): PagePath<(LoanId, String)>,
    PageForm(form): PageForm<ActionForm>,
) -> Result<Response, PageError> {
    let (store, tenant, id, by) = (state.store(), staff.tenant.id, id, staff.requester());
    let role = staff.role;
    let result = match action.as_str() {
        "enviar" => {
            staff.require(role.can_manage_clients(), "enviar solicitudes")?;
            loans::submit(store, tenant, id, by)
                .await
                .map(said("Solicitud enviada a aprobación."))
        }
        "aprobar" => {
            staff.require(role.can_approve_loans(), "aprobar préstamos")?;
            loans::approve(store, tenant, id, by)
                .await
                .map(said("Préstamo aprobado."))
        }
        "rechazar" => {
            staff.require(role.can_approve_loans(), "rechazar préstamos")?;
            loans::reject(store, tenant, id, &form.reason, by)
                .await
                .map(said("Solicitud rechazada."))
        }
        "dispersar" => {
            staff.require(role.can_approve_loans(), "dispersar préstamos")?;
            let on = match form.disbursed_on.trim() {
                "" => None,
                raw => Some(
                    chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                        PageError::BadRequest(
                            "La fecha de dispersión no es una fecha válida.".into(),
                        )
                    })?,
                ),
            };
            // The notice names what to hand over: the principal less the commission and its IVA.
            loans::disburse(store, tenant, id, on, by)
                .await
                .map(|detail| match detail.loan.net_disbursed {
                    Some(net) => format!(
                        "Préstamo dispersado: entregue al cliente {} (monto neto). El calendario quedó guardado.",
                        pesos(net)
                    ),
                    None => "Préstamo dispersado; el calendario quedó guardado.".to_string(),
                })
        }
        "castigar" => {
            staff.require(role.can_approve_loans(), "castigar préstamos")?;
            loans::write_off(store, tenant, id, &form.reason, by)
                .await
                .map(said("Préstamo castigado."))
        }
        _ => return Err(PageError::NotFound),
    };
    match result {
        Ok(notice) => Ok(done(&state, &staff, id, &notice)),
        Err(e) => refused(&state, &staff, id, Flash::Error(explain(e)?)).await,
    }
}
