//! `backup list`: the backups in the directory, oldest first, with the files that never became one.

use super::BackupError;
use super::files::{instant_of, manifest_name};
use super::manifest::Manifest;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub enum BackupEntry {
    /// A backup with its manifest.
    Complete { path: PathBuf, manifest: Manifest },
    /// A backup file without a manifest (interrupted before the manifest was written), or a manifest
    /// that cannot be read: never used for a restore, removed by `prune`.
    Incomplete {
        path: PathBuf,
        at: DateTime<Utc>,
        reason: String,
    },
}

impl BackupEntry {
    pub fn path(&self) -> &Path {
        match self {
            BackupEntry::Complete { path, .. } | BackupEntry::Incomplete { path, .. } => path,
        }
    }

    pub fn file_name(&self) -> String {
        self.path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        match self {
            BackupEntry::Complete { manifest, .. } => manifest.created_at,
            BackupEntry::Incomplete { at, .. } => *at,
        }
    }
}

/// The backups in `dir`, oldest first. A missing directory has none.
pub fn list(dir: &Path) -> Result<Vec<BackupEntry>, BackupError> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(BackupError::io("cannot read", dir, e)),
    };
    let mut entries = Vec::new();
    for item in read {
        let item = item.map_err(|e| BackupError::io("cannot read", dir, e))?;
        let name = item.file_name().to_string_lossy().into_owned();
        // Hidden names are files being written; manifests are read with their backup.
        if name.starts_with('.') || name.ends_with(".json") {
            continue;
        }
        let Some(at) = instant_of(&name) else {
            continue;
        };
        let path = dir.join(&name);
        let manifest_path = dir.join(manifest_name(&name));
        let entry = if manifest_path.exists() {
            match Manifest::read(&manifest_path) {
                Ok(manifest) if manifest.file == name => BackupEntry::Complete { path, manifest },
                Ok(manifest) => BackupEntry::Incomplete {
                    path,
                    at,
                    reason: format!("its manifest describes another file ({})", manifest.file),
                },
                Err(e) => BackupEntry::Incomplete {
                    path,
                    at,
                    reason: e.to_string(),
                },
            }
        } else {
            BackupEntry::Incomplete {
                path,
                at,
                reason: "no manifest: the backup did not finish".to_string(),
            }
        };
        entries.push(entry);
    }
    entries.sort_by_key(|e| (e.created_at(), e.file_name()));
    Ok(entries)
}

/// The complete backup named `name` (its file name, its manifest's, or `latest`).
pub(crate) fn find(dir: &Path, name: &str) -> Result<(PathBuf, Manifest), BackupError> {
    let wanted = name.trim().trim_end_matches(".json");
    let entries = list(dir)?;
    let found = if wanted == "latest" {
        entries
            .into_iter()
            .rev()
            .find(|e| matches!(e, BackupEntry::Complete { .. }))
    } else {
        entries.into_iter().find(|e| e.file_name() == wanted)
    };
    match found {
        Some(BackupEntry::Complete { path, manifest }) => Ok((path, manifest)),
        Some(BackupEntry::Incomplete { path, reason, .. }) => Err(BackupError::Damaged {
            file: path.display().to_string(),
            reason,
        }),
        None => Err(BackupError::NotFound(format!(
            "'{name}' in {}",
            dir.display()
        ))),
    }
}
