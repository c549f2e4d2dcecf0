//! Names of backup files: `credinet-<UTC instant>-<kind>.<ext>` with the manifest at `<name>.json`.
//! The instant leads so names sort by time.

use super::DatabaseKind;
use chrono::{DateTime, NaiveDateTime, Utc};

const PREFIX: &str = "credinet-";
const INSTANT: &str = "%Y%m%dT%H%M%S%.3fZ";

pub(crate) fn backup_name(created_at: DateTime<Utc>, kind: DatabaseKind) -> String {
    format!(
        "{PREFIX}{}-{}.{}",
        created_at.format(INSTANT),
        kind.as_str(),
        kind.extension()
    )
}

pub(crate) fn manifest_name(backup: &str) -> String {
    format!("{backup}.json")
}

/// The instant in a backup's (or its manifest's) file name; `None` for any other name. The remote copy
/// has no manifest it could read cheaply, so its retention goes by these names.
pub(crate) fn instant_of(name: &str) -> Option<DateTime<Utc>> {
    let rest = name.strip_prefix(PREFIX)?;
    let end = rest.find('Z')?;
    NaiveDateTime::parse_from_str(&rest[..=end], INSTANT)
        .ok()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_name_carries_its_instant_and_kind() {
        let at = Utc.with_ymd_and_hms(2026, 12, 3, 2, 0, 5).unwrap();
        let name = backup_name(at, DatabaseKind::Postgres);
        assert_eq!(name, "credinet-20261203T020005.000Z-postgres.dump.gz");
        assert_eq!(instant_of(&name), Some(at));
        assert_eq!(instant_of(&manifest_name(&name)), Some(at));
        assert_eq!(instant_of("notes.txt"), None);
    }
}
