//! The client page's assistant PIN (SPEC §5): staff who may edit clients set or remove the PIN a
//! borrower may give the WhatsApp assistant instead of their birth date. The PIN is never shown again,
//! never put back in a refused form, and the audit entry names the change only.

use super::clients::{PIN_FORM, not_found, refused};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::{self, Flash};
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_assistant::{AssistantError, client_pin};
use credinet_core::ids::ClientId;
use credinet_core::pin::Pin;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PinForm {
    #[serde(default)]
    pin: String,
    /// `quitar` removes the PIN; anything else sets the one typed.
    #[serde(default)]
    action: String,
}

pub async fn set(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(client): PagePath<ClientId>,
    PageForm(form): PageForm<PinForm>,
) -> Result<Response, PageError> {
    staff.require(
        staff.role.can_manage_clients(),
        "cambiar el PIN de un cliente",
    )?;
    let pin = if form.action == "quitar" {
        None
    } else {
        match Pin::parse(&form.pin) {
            Ok(pin) => Some(pin),
            Err(e) => {
                // What was typed is not kept: a refused PIN is still nearly a PIN.
                let typed = Form::default().refused(Some("pin"), catalogue::pin(&e));
                let refusal = Flash::Refused {
                    form: PIN_FORM.into(),
                    typed,
                };
                return refused(&state, &staff, client, refusal).await;
            }
        }
    };
    let notice = if pin.is_some() {
        "PIN del asistente guardado. El cliente puede darlo en WhatsApp en lugar de su fecha de nacimiento."
    } else {
        "PIN del asistente quitado. El cliente se verifica con su fecha de nacimiento."
    };
    let (store, tenant, by) = (state.store(), staff.tenant.id, staff.requester());
    match client_pin::set(store, tenant, client, pin, by).await {
        Ok(()) => Ok(flash::redirect_with(
            &state,
            &staff,
            &format!("/clientes/{client}"),
            Flash::Notice(notice.into()),
        )),
        Err(AssistantError::Lending(e)) => Err(not_found(e)),
        Err(AssistantError::Store(e)) => Err(e.into()),
        Err(e) => {
            tracing::error!(%tenant, %client, error = %e, "the assistant PIN was not saved");
            Err(PageError::Internal)
        }
    }
}
