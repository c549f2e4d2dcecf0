//! Spanish month names: the redactor writes dates with them («7 de diciembre de 2026») and verification
//! reads birth dates written with them («12 de mayo de 1985»).

use chrono::{Datelike, NaiveDate};

pub const MONTHS: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];

/// «7 de diciembre de 2026».
pub fn long_date(d: NaiveDate) -> String {
    format!(
        "{} de {} de {}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}
