//! `/prestamos`: the loan list, the approval queue, the loan page with its schedule, payments and the
//! actions its status and the viewer's role allow. One file per verb.

mod act;
mod apply;
mod list;
mod preview;
mod queue;
mod show;
mod statement;

pub use act::act;
pub use apply::apply;
pub use list::{bucket_href, export, list};
pub(super) use preview::PreviewView;
pub use queue::queue;
pub use show::show;
pub(super) use show::{PAYMENT_FORM, loan_page};
pub(crate) use show::{applied, bucket_tone};
pub use statement::{pdf as statement_pdf, show as statement};

use crate::auth::Staff;
use crate::error::PageError;
use crate::pages::flash::{self, Flash};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::Response;
use credinet_core::ids::LoanId;

/// After a change: back to the loan page, which says `notice` once (post/redirect/get).
pub(super) fn done(state: &AppState, staff: &Staff, id: LoanId, notice: &str) -> Response {
    flash::redirect_with(
        state,
        staff,
        &format!("/prestamos/{id}"),
        Flash::Notice(notice.into()),
    )
}

/// After a refusal: back to the loan page with the refusal (and the refused form, if any). A flash too
/// large for its cookie is answered in place instead.
pub(super) async fn refused(
    state: &AppState,
    staff: &Staff,
    id: LoanId,
    refusal: Flash,
) -> Result<Response, PageError> {
    match flash::redirect(state, staff, &format!("/prestamos/{id}"), &refusal) {
        Some(redirect) => Ok(redirect),
        None => {
            loan_page(
                state,
                staff,
                id,
                Some(refusal),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}
