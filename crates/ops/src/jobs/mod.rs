//! The jobs, one file each, and the registry a server runs.

mod period_cut;
mod session_expiry;

pub use period_cut::PeriodCut;
pub use session_expiry::SessionExpiry;

use crate::registry::Registry;
use crate::settings::{SchedulerSettings, SchedulerSettingsError};

/// The jobs of a server configured by `settings`. `session_max_age` is the accounts' absolute session
/// lifetime (a session signed in longer ago is deleted even if it was used recently).
pub fn standard(
    settings: &SchedulerSettings,
    session_max_age: chrono::Duration,
) -> Result<Registry, SchedulerSettingsError> {
    Ok(Registry::new()
        .with(PeriodCut::new(settings.cut_time()?, settings.cut_grace()))
        .with(SessionExpiry::new(
            settings.session_expiry_schedule()?,
            session_max_age,
        )))
}
