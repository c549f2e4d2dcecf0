//! The backups page (issue 20, ADR 32): `/respaldos` lists the installation's backups and the latest
//! tasks; an operator starts a backup or the verification of one (in the background, one at a time,
//! with its progress polled live like a running cut's) and downloads a backup file.
//!
//! A backup holds every tenant, so the page is not a tenant's: it exists only for the admins of the
//! operator tenant (`operator_tenant` in credinet.toml) or, when none is named, for the admins of the
//! only tenant of a single-tenant installation. Everyone else gets 404, as for a page that is not there:
//! a tenant admin of a shared installation must never learn of, let alone download, another tenant's
//! data.

pub mod download;
pub mod list;
pub mod start;

use crate::auth::Staff;
use crate::error::PageError;
use crate::state::AppState;
use credinet_ops::backup::{BackupEntry, BackupSettings, DatabaseTarget};
use credinet_store::repo::tenants;

/// What the page works on: the live database and where its backups are.
#[derive(Debug, Clone)]
pub struct Backups {
    pub target: DatabaseTarget,
    pub settings: BackupSettings,
}

/// Whether a caller may use the backups page: an admin of the operator tenant when one is configured,
/// else an admin of the installation's only tenant.
pub fn may_use(is_admin: bool, tenant_slug: &str, operator: Option<&str>, tenants: usize) -> bool {
    if !is_admin {
        return false;
    }
    match operator {
        Some(operator) => operator == tenant_slug,
        None => tenants == 1,
    }
}

/// The page's setup when `staff` may use it; 404 otherwise (and when this server has no backups).
pub(crate) async fn admitted<'a>(
    state: &'a AppState,
    staff: &Staff,
) -> Result<&'a Backups, PageError> {
    let Some(backups) = state.backups() else {
        return Err(PageError::NotFound);
    };
    let is_admin = staff.role.can_administer();
    if !is_admin {
        return Err(PageError::NotFound);
    }
    let operator = state.http().operator_tenant.as_deref();
    // Counted only when no operator is named: the rule then depends on there being a single tenant.
    let count = match operator {
        Some(_) => 0,
        None => tenants::list(state.store().db()).await?.len(),
    };
    if may_use(is_admin, staff.tenant.slug.as_str(), operator, count) {
        Ok(backups)
    } else {
        Err(PageError::NotFound)
    }
}

/// The complete backup named exactly `file` in the directory: a name from the list, never a path.
pub(crate) fn complete_backup(backups: &Backups, file: &str) -> Result<BackupEntry, PageError> {
    let entries = credinet_ops::backup::list(&backups.settings.dir).map_err(|e| {
        tracing::error!(error = %e, "cannot read the backup directory");
        PageError::Internal
    })?;
    entries
        .into_iter()
        .find(|e| matches!(e, BackupEntry::Complete { .. }) && e.file_name() == file)
        .ok_or(PageError::NotFound)
}

/// A stage of a task as a person reads it.
fn stage_label(stage: &str) -> &'static str {
    match stage {
        "copying" => "Copiando la base de datos",
        "dumping" => "Volcando la base de datos",
        "compressing" => "Comprimiendo la copia",
        "checksum" => "Comprobando la suma SHA-256",
        "restoring" => "Restaurando en una base de prueba",
        _ => "Trabajando",
    }
}

/// Bytes as a person reads them: `850 B`, `12.4 MB`, `1.2 GB` (decimal units, one decimal).
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_admin_of_the_operator_tenant_may_use_the_page_when_one_is_named() {
        assert!(may_use(true, "operadora", Some("operadora"), 5));
        assert!(!may_use(true, "caja-norte", Some("operadora"), 5));
        assert!(!may_use(false, "operadora", Some("operadora"), 5));
        // Named, it holds even when the operator is the only tenant left.
        assert!(!may_use(true, "caja-norte", Some("operadora"), 1));
    }

    #[test]
    fn without_an_operator_only_the_admin_of_a_single_tenant_installation_may_use_it() {
        assert!(may_use(true, "caja", None, 1));
        assert!(!may_use(true, "caja", None, 2));
        assert!(!may_use(false, "caja", None, 1));
        assert!(!may_use(true, "caja", None, 0));
    }

    #[test]
    fn sizes_read_in_decimal_units() {
        assert_eq!(size(850), "850 B");
        assert_eq!(size(12_400_000), "12.4 MB");
        assert_eq!(size(1_234_567_890), "1.2 GB");
    }
}
