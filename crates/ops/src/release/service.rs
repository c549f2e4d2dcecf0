//! Stopping and starting the service: two commands the installation configures (by default
//! `systemctl stop credinet` and `systemctl start credinet`). They run as programs with arguments,
//! never through a shell, with the release's standard output and error, so what systemd says reaches
//! the person releasing. Their exit status is what counts: whether the service then serves is for
//! `/readyz` to say.

use super::ReleaseError;
use std::process::{Command, Stdio};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceCommands {
    pub stop: Vec<String>,
    pub start: Vec<String>,
}

impl ServiceCommands {
    /// From two command lines, split at whitespace (no quoting: a path with spaces goes in a script).
    pub fn parse(stop: &str, start: &str) -> Result<ServiceCommands, ReleaseError> {
        let split = |what: &str, line: &str| {
            let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                Err(ReleaseError::Invalid(format!(
                    "the command that {what} the service is empty"
                )))
            } else {
                Ok(words)
            }
        };
        Ok(ServiceCommands {
            stop: split("stops", stop)?,
            start: split("starts", start)?,
        })
    }

    pub(crate) fn stop(&self, database_url: &str) -> Result<(), ReleaseError> {
        run(&self.stop, database_url)
    }

    pub(crate) fn start(&self, database_url: &str) -> Result<(), ReleaseError> {
        run(&self.start, database_url)
    }
}

/// Runs one command to its end. The database URL is passed as `DATABASE_URL`, as to `migrate`, so a
/// service started by a script serves the database the release backed up and migrated.
fn run(words: &[String], database_url: &str) -> Result<(), ReleaseError> {
    let shown = words.join(" ");
    tracing::info!(command = %shown, "service command");
    let status = Command::new(&words[0])
        .args(&words[1..])
        .env("DATABASE_URL", database_url)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| ReleaseError::Invalid(format!("cannot run `{shown}`: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(ReleaseError::Invalid(format!(
            "`{shown}` failed ({status})"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_split_at_whitespace_and_must_name_a_program() {
        let s =
            ServiceCommands::parse("systemctl  stop credinet", "systemctl start credinet").unwrap();
        assert_eq!(s.stop, ["systemctl", "stop", "credinet"]);
        assert_eq!(s.start, ["systemctl", "start", "credinet"]);
        let e = ServiceCommands::parse("  ", "systemctl start credinet").unwrap_err();
        assert!(e.to_string().contains("stops the service is empty"), "{e}");
    }
}
