//! The database tools run as subprocesses, with arguments (never a shell string) and the password in
//! their environment. Their standard error is collected on a thread of its own, so a chatty tool never
//! blocks on a full pipe, and it becomes the error a person reads when the tool fails.

use super::BackupError;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Tool {
    PgDump,
    PgRestore,
    MariadbDump,
    Mariadb,
    Rclone,
}

impl Tool {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Tool::PgDump => "pg_dump",
            Tool::PgRestore => "pg_restore",
            Tool::MariadbDump => "mariadb-dump",
            Tool::Mariadb => "mariadb",
            Tool::Rclone => "rclone",
        }
    }

    /// What to install when it is missing (Debian package names).
    fn package(self) -> &'static str {
        match self {
            Tool::PgDump | Tool::PgRestore => "postgresql-client",
            Tool::MariadbDump | Tool::Mariadb => "mariadb-client",
            Tool::Rclone => "rclone",
        }
    }
}

/// Which standard stream the caller talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pipe {
    /// The caller reads the tool's output (a dump).
    Stdout,
    /// The caller writes the tool's input (a restore, rclone's list of files).
    Stdin,
    /// Neither; the caller reads the output when the tool is done (`rclone lsf`).
    Output,
}

pub(crate) struct Running {
    tool: Tool,
    pub(crate) child: Child,
    stderr: Option<JoinHandle<String>>,
}

pub(crate) fn spawn(
    tool: Tool,
    args: &[String],
    env: &[(&'static str, String)],
    pipe: Pipe,
) -> Result<Running, BackupError> {
    let mut command = Command::new(tool.name());
    command
        .args(args)
        .stdin(if pipe == Pipe::Stdin {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(if matches!(pipe, Pipe::Stdout | Pipe::Output) {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().map_err(|e| BackupError::Tool {
        program: tool.name(),
        detail: if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "not installed (install the Debian package {})",
                tool.package()
            )
        } else {
            e.to_string()
        },
    })?;
    let stderr = child.stderr.take().map(|mut err| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        })
    });
    Ok(Running {
        tool,
        child,
        stderr,
    })
}

impl Running {
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
    }

    /// Waits for the tool; a non-zero exit is an error carrying what it printed.
    pub(crate) fn wait(mut self) -> Result<String, BackupError> {
        drop(self.child.stdin.take());
        let status = self.child.wait().map_err(|e| BackupError::Tool {
            program: self.tool.name(),
            detail: e.to_string(),
        })?;
        let stderr = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        if status.success() {
            Ok(stderr)
        } else {
            let detail = stderr.trim();
            Err(BackupError::Tool {
                program: self.tool.name(),
                detail: if detail.is_empty() {
                    format!("exited with {status}")
                } else {
                    format!("{status}: {}", last_lines(detail, 8))
                },
            })
        }
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join(" / ")
}
