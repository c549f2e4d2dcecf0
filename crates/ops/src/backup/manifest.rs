//! The manifest beside each backup file: what it holds and how to check it.

use super::{BackupError, DatabaseKind};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest format; a newer one is refused rather than misread.
pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The backup file's name, in the same directory.
    pub file: String,
    pub database_kind: DatabaseKind,
    /// The name of the database it was taken from.
    pub database_name: String,
    /// The newest migration applied in the copy.
    pub schema_version: i64,
    /// The version of the `credinet` that took it.
    pub app_version: String,
    /// Rows per table at the copy's snapshot.
    pub row_counts: BTreeMap<String, u64>,
    /// Size of the compressed file in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the compressed file, hex.
    pub sha256: String,
    pub compression: String,
    pub created_at: DateTime<Utc>,
    pub duration_ms: u64,
}

impl Manifest {
    pub fn total_rows(&self) -> u64 {
        self.row_counts.values().sum()
    }

    pub(crate) fn read(path: &Path) -> Result<Manifest, BackupError> {
        let text = std::fs::read_to_string(path).map_err(|e| BackupError::Manifest {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).map_err(|e| BackupError::Manifest {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        if manifest.format > MANIFEST_FORMAT {
            return Err(BackupError::Manifest {
                path: path.display().to_string(),
                reason: format!(
                    "format {} is newer than this credinet reads ({MANIFEST_FORMAT}); use a newer credinet",
                    manifest.format
                ),
            });
        }
        Ok(manifest)
    }
}
