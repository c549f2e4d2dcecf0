//! What the aggregates over installments share (the loans list's arrears, the dashboard's days): what an
//! installment falls due for and what is still owed on it, summed over its components, and the
//! installments of a tenant's loans in some states, joined to their loan of the same tenant.

use crate::entities::{installment, loan};
use credinet_core::ids::TenantId;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};

/// An installment's column, named with its table (the statements join `loan`).
pub(crate) fn col(c: installment::Column) -> Expr {
    Expr::col((installment::Entity, c))
}

/// Σ due over every component of an installment: principal, interest, late fee and their IVA.
pub(crate) fn due() -> Expr {
    use installment::Column as C;
    col(C::Principal)
        .add(col(C::Interest))
        .add(col(C::InterestIva))
        .add(col(C::LateFee))
        .add(col(C::LateFeeIva))
}

/// Σ due − Σ paid over every component of an installment.
pub(crate) fn owed() -> Expr {
    use installment::Column as C;
    due()
        .sub(col(C::PaidPrincipal))
        .sub(col(C::PaidInterest))
        .sub(col(C::PaidInterestIva))
        .sub(col(C::PaidLateFee))
        .sub(col(C::PaidLateFeeIva))
}

/// Installments of the tenant's loans whose state is one of `statuses` (as stored), each joined on its
/// loan of the same tenant.
pub(crate) fn of_loans(tenant: TenantId, statuses: &[&'static str]) -> SelectStatement {
    Query::select()
        .from(installment::Entity)
        .inner_join(
            loan::Entity,
            Expr::col((loan::Entity, loan::Column::Id))
                .equals((installment::Entity, installment::Column::LoanId))
                .and(
                    Expr::col((loan::Entity, loan::Column::TenantId))
                        .equals((installment::Entity, installment::Column::TenantId)),
                ),
        )
        .and_where(col(installment::Column::TenantId).eq(tenant.get()))
        .and_where(Expr::col((loan::Entity, loan::Column::Status)).is_in(statuses.iter().copied()))
        .to_owned()
}
