//! Installs a new build as `releases/<name>/credinet`: copied into a hidden directory, synced, made
//! executable and renamed into place, so a release directory is complete or absent. Before anything
//! is copied the build is asked its version: a file that is not a credinet for this machine (another
//! architecture, a truncated download) is refused while nothing has changed.

use super::ReleaseError;
use super::layout::{BINARY, Layout};
use super::plan;
use chrono::{DateTime, Utc};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

/// What `NEW_BINARY --version` says, e.g. `credinet 0.1.0`.
pub(crate) fn version_of(binary: &Path) -> Result<String, ReleaseError> {
    let out = Command::new(binary)
        .arg("--version")
        .env_clear()
        .output()
        .map_err(|e| ReleaseError::io("cannot run", binary, e))?;
    if !out.status.success() {
        return Err(ReleaseError::Invalid(format!(
            "{} --version failed ({}): {}",
            binary.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Installs `binary` as release `name` (or a name from its version and `now`); returns the name.
pub(crate) fn install(
    layout: &Layout,
    binary: &Path,
    name: Option<&str>,
    now: DateTime<Utc>,
) -> Result<String, ReleaseError> {
    let version = version_of(binary)?;
    let name = match name {
        Some(name) => {
            plan::check_name(name).map_err(ReleaseError::Invalid)?;
            name.to_string()
        }
        None => plan::release_name(&version, now).map_err(ReleaseError::Invalid)?,
    };
    let releases = layout.releases();
    std::fs::create_dir_all(&releases)
        .map_err(|e| ReleaseError::io("cannot create", &releases, e))?;
    let target = layout.release_dir(&name);
    if target.exists() {
        return Err(ReleaseError::Invalid(format!(
            "release {name} is already installed in {}; give another --name",
            target.display()
        )));
    }
    let partial = releases.join(format!(".{name}.partial"));
    let _ = std::fs::remove_dir_all(&partial);
    let result = (|| {
        std::fs::create_dir(&partial)
            .map_err(|e| ReleaseError::io("cannot create", &partial, e))?;
        let copy = partial.join(BINARY);
        std::fs::copy(binary, &copy).map_err(|e| ReleaseError::io("cannot copy", binary, e))?;
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755))
            .map_err(|e| ReleaseError::io("cannot make executable", &copy, e))?;
        sync(&copy)?;
        sync(&partial)?;
        std::fs::rename(&partial, &target)
            .map_err(|e| ReleaseError::io("cannot rename into place", &target, e))?;
        sync(&releases)
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&partial);
    }
    result?;
    Ok(name)
}

pub(crate) fn sync(path: &Path) -> Result<(), ReleaseError> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| ReleaseError::io("cannot sync", path, e))
}
