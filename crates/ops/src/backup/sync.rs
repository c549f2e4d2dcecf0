//! `backup sync`: the off-site copy. `rclone copy` sends the complete backups (file and manifest) to the
//! configured remote — any rclone remote: Google Drive, S3, WebDAV, SFTP — and the remote is then pruned
//! with the local retention plan, applied to the instants in the remote's own file names. The remote is
//! never made a mirror of the local directory (`rclone sync`): a lost or empty local disk must not
//! delete the copies that exist to survive it. A failure records `offsite_sync_failed`; the next run
//! copies whatever is still missing.

use super::events::{self, OFFSITE_SYNC_FAILED};
use super::files::{instant_of, manifest_name};
use super::list::{BackupEntry, list};
use super::tools::{self, Pipe, Tool};
use super::{BackupError, Retention};
use chrono::{DateTime, Utc};
use credinet_store::Store;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Where the off-site copy goes.
#[derive(Debug, Clone, Default)]
pub struct OffsiteSettings {
    /// An rclone remote and path (`drive:credinet`, `s3:bucket/credinet`, or an on-the-fly
    /// `:webdav,url='https://…':credinet`); `None` turns the off-site copy off.
    pub remote: Option<String>,
    /// rclone's configuration file (default: rclone's own, `~/.config/rclone/rclone.conf`).
    pub rclone_config: Option<PathBuf>,
}

#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Backups (with their manifests) the remote holds after the copy.
    pub remote_backups: usize,
    /// Files removed from the remote by the retention plan.
    pub removed: Vec<String>,
}

/// Copies the complete backups of `dir` to the remote and prunes the remote; records
/// `offsite_sync_failed` when anything fails.
pub async fn sync(
    store: &Store,
    dir: &Path,
    offsite: &OffsiteSettings,
    retention: Retention,
) -> Result<SyncReport, BackupError> {
    let Some(remote) = offsite.remote.clone() else {
        return Err(BackupError::Invalid(
            "no off-site remote is configured (backup_remote, e.g. drive:credinet)".into(),
        ));
    };
    let result = copy_and_prune(dir, &remote, offsite, retention, store.now()).await;
    if let Err(e) = &result {
        tracing::error!(remote = %remote, error = %e, "off-site copy failed");
        events::emit(
            store,
            OFFSITE_SYNC_FAILED,
            None,
            serde_json::json!({ "remote": remote, "error": e.to_string() }),
        )
        .await;
    }
    result
}

async fn copy_and_prune(
    dir: &Path,
    remote: &str,
    offsite: &OffsiteSettings,
    retention: Retention,
    now: DateTime<Utc>,
) -> Result<SyncReport, BackupError> {
    let mut names = Vec::new();
    for entry in list(dir)? {
        if let BackupEntry::Complete { manifest, .. } = entry {
            names.push(manifest_name(&manifest.file));
            names.push(manifest.file);
        }
    }
    let common = common_args(offsite);
    // Files first, each manifest after its file: a remote interrupted halfway holds no manifest
    // without its backup.
    names.sort_by_key(|n| n.ends_with(".json"));
    let mut copy = vec![
        "copy".to_string(),
        dir.display().to_string(),
        remote.to_string(),
        "--files-from-raw".to_string(),
        "-".to_string(),
        "--no-traverse".to_string(),
    ];
    copy.extend(common.clone());
    rclone(copy, Some(names.join("\n") + "\n")).await?;

    let listed = rclone(
        [
            vec![
                "lsf".to_string(),
                "--files-only".to_string(),
                remote.to_string(),
            ],
            common.clone(),
        ]
        .concat(),
        None,
    )
    .await?;
    let remote_files: Vec<String> = listed.lines().map(str::to_string).collect();
    let backups: Vec<(String, DateTime<Utc>)> = remote_files
        .iter()
        .filter(|n| !n.ends_with(".json"))
        .filter_map(|n| instant_of(n).map(|at| (n.clone(), at)))
        .collect();
    let instants: Vec<DateTime<Utc>> = backups.iter().map(|(_, at)| *at).collect();
    let plan = retention.plan(&instants, now);
    let mut removed = Vec::new();
    for ((name, _), keep) in backups.iter().zip(&plan) {
        if !keep {
            // The manifest first, as locally: what is left of a half-removed backup looks incomplete.
            let manifest = manifest_name(name);
            if remote_files.contains(&manifest) {
                removed.push(manifest);
            }
            removed.push(name.clone());
        }
    }
    if !removed.is_empty() {
        let mut delete = vec![
            "delete".to_string(),
            remote.to_string(),
            "--files-from-raw".to_string(),
            "-".to_string(),
        ];
        delete.extend(common);
        rclone(delete, Some(removed.join("\n") + "\n")).await?;
    }
    Ok(SyncReport {
        remote_backups: plan.iter().filter(|k| **k).count(),
        removed,
    })
}

fn common_args(offsite: &OffsiteSettings) -> Vec<String> {
    let mut args = vec![
        // A remote that does not answer fails in seconds, not after rclone's minute.
        "--contimeout".to_string(),
        "10s".to_string(),
        "--low-level-retries".to_string(),
        "3".to_string(),
    ];
    if let Some(config) = &offsite.rclone_config {
        args.push("--config".to_string());
        args.push(config.display().to_string());
    }
    args
}

/// Runs rclone, feeding `input` on stdin when given; returns what it printed.
async fn rclone(args: Vec<String>, input: Option<String>) -> Result<String, BackupError> {
    tokio::task::spawn_blocking(move || {
        let pipe = if input.is_some() {
            Pipe::Stdin
        } else {
            Pipe::Output
        };
        let mut running = tools::spawn(Tool::Rclone, &args, &[], pipe)?;
        let mut output = String::new();
        if let Some(input) = input {
            if let Some(mut stdin) = running.child.stdin.take() {
                let _ = stdin.write_all(input.as_bytes());
            }
        } else if let Some(mut stdout) = running.child.stdout.take() {
            let _ = stdout.read_to_string(&mut output);
        }
        running.wait()?;
        Ok(output)
    })
    .await
    .map_err(|e| BackupError::Invalid(format!("the rclone thread stopped: {e}")))?
}
