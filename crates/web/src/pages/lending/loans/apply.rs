//! Applying for a loan from the client's page.

use super::super::clients::{APPLICATION_FORM, refused as client_refused};
use super::super::{explain, refusal_of};
use super::{done, refused};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::Flash;
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use credinet_core::ids::{ClientId, ProductId};
use credinet_core::money::Money;
use credinet_lending::loans::{self, LoanInput};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ApplyForm {
    product: i64,
    principal: String,
    /// Periods; empty takes the product's own term.
    #[serde(default)]
    term: String,
}

/// Creates the application and sends it to the approval queue in one step, as staff expect of "apply".
pub async fn apply(
    State(state): State<AppState>,
    staff: Staff,
    PagePath(client): PagePath<ClientId>,
    PageForm(form): PageForm<ApplyForm>,
) -> Result<Response, PageError> {
    staff.require(staff.role.can_manage_clients(), "solicitar préstamos")?;
    let typed = Form::with([
        ("product", form.product.to_string()),
        ("principal", form.principal.clone()),
        ("term", form.term.clone()),
    ]);
    let failed = |field: Option<&'static str>, message: String| {
        client_refused(
            &state,
            &staff,
            client,
            Flash::Refused {
                form: APPLICATION_FORM.into(),
                typed: typed.clone().refused(field, message),
            },
        )
    };
    let principal = match Money::parse(&form.principal) {
        Ok(m) => m,
        Err(e) => return failed(Some("principal"), catalogue::money("el monto", &e)).await,
    };
    let term = match form.term.trim() {
        "" => None,
        typed => match typed.parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                let message = "El plazo es un número entero de periodos, por ejemplo 12.".into();
                return failed(Some("term"), message).await;
            }
        },
    };
    let by = staff.requester();
    let input = LoanInput {
        client,
        product: ProductId::new(form.product),
        principal,
        term,
    };
    let draft = match loans::create_draft(state.store(), staff.tenant.id, input, by).await {
        Ok(loan) => loan,
        Err(e) => {
            let (field, message) = refusal_of(e)?;
            return failed(field, message).await;
        }
    };
    let submitted = loans::submit(state.store(), staff.tenant.id, draft.id, by).await;
    match submitted {
        Ok(loan) => Ok(done(
            &state,
            &staff,
            loan.id,
            "Solicitud enviada a aprobación.",
        )),
        Err(e) => refused(&state, &staff, draft.id, Flash::Error(explain(e)?)).await,
    }
}
