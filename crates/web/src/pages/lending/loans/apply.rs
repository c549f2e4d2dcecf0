//! Applying for a loan from the client's page.

use super::super::clients::{APPLICATION_FORM, client_page, refused as client_refused};
use super::super::{explain, refusal_of};
use super::preview::view;
use super::{done, refused};
use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::catalogue;
use crate::pages::extract::{PageForm, PagePath};
use crate::pages::flash::Flash;
use crate::pages::form::Form;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
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
    /// «calcular» shows the loan this application would be, committing nothing; anything else applies.
    #[serde(default)]
    action: String,
}

/// The `action` of the «Calcular» button.
const PREVIEW: &str = "calcular";

/// Creates the application and sends it to the approval queue in one step, as staff expect of "apply";
/// or, for «Calcular», answers the client page with the form as typed and the loan it would be.
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
    if form.action == PREVIEW {
        // Answered in place, not redirected: a schedule does not fit the flash cookie, and sending the
        // calculation again on a reload changes nothing.
        return match loans::preview_application(state.store(), staff.tenant.id, &input).await {
            Ok(preview) => {
                let typed = Flash::Refused {
                    form: APPLICATION_FORM.into(),
                    typed: typed.clone(),
                };
                client_page(
                    &state,
                    &staff,
                    client,
                    Some(typed),
                    Some(view(&preview)),
                    StatusCode::OK,
                )
                .await
            }
            Err(e) => {
                let (field, message) = refusal_of(e)?;
                failed(field, message).await
            }
        };
    }
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
