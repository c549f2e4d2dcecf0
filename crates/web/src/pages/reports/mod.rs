//! Reports (SPEC §3): the portfolio by cut and collections by period and by cashier, each with its CSV.
//! Only the roles that read the lender's figures see them (`Role::can_read_reports`, ADR 10).

pub mod collections;
pub mod portfolio;

use crate::auth::Staff;
use crate::error::PageError;
use chrono::NaiveDate;
use credinet_lending::reports::{DateRange, RangeError};

/// Refuses the roles that do not read reports, with the Spanish error page.
pub fn require_reader(staff: &Staff) -> Result<(), PageError> {
    staff.require(staff.role.can_read_reports(), "consultar los reportes")
}

/// The range a report was asked for, or the last `periods` cut periods when none was given.
pub fn range_of(
    staff: &Staff,
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    periods: usize,
) -> Result<DateRange, PageError> {
    let default = DateRange::last_periods(&staff.tenant.settings.cut_days, today, periods);
    DateRange::new(from.unwrap_or(default.from), to.unwrap_or(default.to)).map_err(|e| {
        PageError::BadRequest(match e {
            RangeError::Reversed { from, to } => format!(
                "La fecha inicial ({}) es posterior a la final ({}).",
                from.format("%d/%m/%Y"),
                to.format("%d/%m/%Y")
            ),
            RangeError::TooLong { days, max } => format!(
                "El periodo pedido abarca {days} días; el máximo es {max}. Exporte las listas para periodos más largos."
            ),
        })
    })
}
