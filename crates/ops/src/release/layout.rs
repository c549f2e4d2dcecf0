//! Where releases live under the root: `releases/<name>/credinet`, and `current`, a symbolic link to
//! `releases/<name>` (relative, so the root can be moved or mounted elsewhere).

use super::ReleaseError;
use super::plan::Installed;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

pub const BINARY: &str = "credinet";
pub const CURRENT: &str = "current";
pub const RELEASES: &str = "releases";

#[derive(Debug, Clone)]
pub struct Layout {
    root: PathBuf,
}

impl Layout {
    pub fn new(root: impl Into<PathBuf>) -> Layout {
        Layout { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn releases(&self) -> PathBuf {
        self.root.join(RELEASES)
    }

    pub fn release_dir(&self, name: &str) -> PathBuf {
        self.releases().join(name)
    }

    pub fn binary(&self, name: &str) -> PathBuf {
        self.release_dir(name).join(BINARY)
    }

    pub fn current_link(&self) -> PathBuf {
        self.root.join(CURRENT)
    }

    /// The release `current` points to; `None` when there is no `current` yet.
    pub fn current(&self) -> Result<Option<String>, ReleaseError> {
        let link = self.current_link();
        let target = match std::fs::read_link(&link) {
            Ok(target) => target,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ReleaseError::io("cannot read the link", &link, e)),
        };
        let parent_is_releases = target
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|p| p == RELEASES);
        match target.file_name().and_then(|n| n.to_str()) {
            Some(name) if parent_is_releases => Ok(Some(name.to_string())),
            _ => Err(ReleaseError::Invalid(format!(
                "{} points to {}, not to a directory of {}",
                link.display(),
                target.display(),
                self.releases().display()
            ))),
        }
    }

    /// The installed releases with when each was installed (its directory's modification time).
    pub fn installed(&self) -> Result<Vec<Installed>, ReleaseError> {
        let dir = self.releases();
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(ReleaseError::io("cannot read", &dir, e)),
        };
        let mut installed = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| ReleaseError::io("cannot read", &dir, e))?;
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            // A hidden directory is an installation in progress, not a release.
            if name.starts_with('.') {
                continue;
            }
            let meta = entry
                .metadata()
                .map_err(|e| ReleaseError::io("cannot read", &entry.path(), e))?;
            if !meta.is_dir() {
                continue;
            }
            let modified = meta
                .modified()
                .map_err(|e| ReleaseError::io("cannot read the time of", &entry.path(), e))?;
            installed.push(Installed {
                name,
                installed_at: DateTime::<Utc>::from(modified),
            });
        }
        Ok(installed)
    }
}
