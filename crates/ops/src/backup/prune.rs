//! `backup prune`: deletes what the retention policy no longer keeps, and backups that never finished
//! once they are a day old (a younger one may still be being written). `dry_run` only reports.

use super::atomic::sync_dir;
use super::files::manifest_name;
use super::list::{BackupEntry, list};
use super::{BackupError, Retention};
use chrono::{DateTime, Duration, Utc};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct PruneReport {
    pub kept: Vec<PathBuf>,
    /// Removed, or with `dry_run` what would be.
    pub removed: Vec<PathBuf>,
    pub dry_run: bool,
}

pub fn prune(
    dir: &Path,
    retention: Retention,
    now: DateTime<Utc>,
    dry_run: bool,
) -> Result<PruneReport, BackupError> {
    let entries = list(dir)?;
    let complete: Vec<&BackupEntry> = entries
        .iter()
        .filter(|e| matches!(e, BackupEntry::Complete { .. }))
        .collect();
    let instants: Vec<DateTime<Utc>> = complete.iter().map(|e| e.created_at()).collect();
    let plan = retention.plan(&instants, now);
    let mut report = PruneReport {
        dry_run,
        ..Default::default()
    };
    for (entry, keep) in complete.iter().zip(plan) {
        if keep {
            report.kept.push(entry.path().to_path_buf());
        } else {
            report.removed.push(entry.path().to_path_buf());
        }
    }
    for entry in &entries {
        if let BackupEntry::Incomplete { path, at, .. } = entry
            && *at < now - Duration::days(1)
        {
            report.removed.push(path.clone());
        }
    }
    if !dry_run {
        for path in &report.removed {
            // The manifest goes first: a backup interrupted halfway through its removal is then
            // listed as incomplete, never as a complete backup missing its file.
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            remove_if_present(&dir.join(manifest_name(&name)))?;
            remove_if_present(path)?;
        }
        if !report.removed.is_empty() {
            sync_dir(dir)?;
        }
    }
    Ok(report)
}

fn remove_if_present(path: &Path) -> Result<(), BackupError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(BackupError::io("cannot remove", path, e)),
    }
}
