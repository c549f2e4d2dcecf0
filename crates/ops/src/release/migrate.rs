//! The new build migrates the database (`NEW migrate`): only it knows its migrations. It gets the
//! database as `DATABASE_URL` in its environment, not on its command line, where `ps` would show a
//! password, and the configuration file the release itself was given.

use super::ReleaseError;
use std::path::Path;
use std::process::{Command, Stdio};

/// What `migrate` printed (the migrations it applied), or its error as it wrote it.
pub(crate) fn migrate(
    binary: &Path,
    config: Option<&Path>,
    database_url: &str,
) -> Result<String, ReleaseError> {
    let mut command = Command::new(binary);
    if let Some(config) = config {
        command.arg("--config").arg(config);
    }
    let out = command
        .arg("migrate")
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ReleaseError::io("cannot run", binary, e))?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(said.trim().to_string())
    } else {
        Err(ReleaseError::Invalid(format!(
            "the new release's migrate failed ({}): {}",
            out.status,
            said.trim()
        )))
    }
}
