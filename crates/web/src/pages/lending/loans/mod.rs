//! `/prestamos`: the loan list, the approval queue, the loan page with its schedule, payments and the
//! actions its status and the viewer's role allow. One file per verb.

mod act;
mod apply;
mod list;
mod show;
mod statement;

pub use act::act;
pub use apply::apply;
pub use list::{export, list, queue};
pub use show::show;
pub(super) use show::{Refused, loan_page};
pub use statement::{pdf as statement_pdf, show as statement};

use axum::response::{IntoResponse, Redirect, Response};
use credinet_core::ids::LoanId;

/// After a successful change: back to the loan page with a notice (post/redirect/get).
pub(super) fn done(id: LoanId, code: &str) -> Response {
    Redirect::to(&format!("/prestamos/{id}?aviso={code}")).into_response()
}
