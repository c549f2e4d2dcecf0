//! `credinet backup run|list|verify|restore|prune`: parses, asks `credinet_ops::backup`, prints. A bar
//! shows the bytes copied when stderr is a terminal.

use super::guard_production;
use crate::settings::Settings;
use anyhow::Context;
use credinet_ops::backup::{self, BackupEntry, DatabaseTarget, NoProgress, Progress};
use credinet_store::Store;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum Command {
    /// Back up the database now: a consistent copy while the server runs, compressed, with a manifest.
    Run,
    /// The backups in the backup directory, oldest first.
    List,
    /// Check a backup: checksum, restore into a scratch database, migrations, rows per table, audit.
    Verify {
        /// A backup's file name, or `latest`.
        #[arg(default_value = "latest")]
        name: String,
    },
    /// Replace the database with a backup. It is verified first and the current database is backed
    /// up before it is replaced. Stop the server first when the database is SQLite.
    Restore {
        /// A backup's file name, or `latest`.
        name: String,
        /// In production, the name of the database that will be replaced, to confirm.
        #[arg(long)]
        confirm: Option<String>,
    },
    /// Copy the backups to the off-site rclone remote (backup_remote) and apply the retention there.
    Sync,
    /// Delete the backups the retention policy (backup_keep_days, _weekly, _monthly) no longer keeps.
    Prune {
        /// Only show what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
}

pub async fn run(settings: &Settings, command: Command) -> anyhow::Result<ExitCode> {
    let url = &settings.store.database_url;
    let target = DatabaseTarget::parse(url)?;
    let dir = &settings.backup.dir;
    match command {
        Command::Run => {
            let store = connect(settings).await?;
            let report = backup::run(&store, &target, &settings.backup, progress()).await?;
            let m = &report.manifest;
            println!(
                "backup {} ({} bytes, {} rows, {:.1} s) in {}",
                m.file,
                m.size_bytes,
                m.total_rows(),
                m.duration_ms as f64 / 1000.0,
                dir.display()
            );
            // The off-site copy follows a successful backup when a remote is configured; its failure
            // is reported (and recorded) without undoing the backup.
            let code = if settings.backup.offsite.remote.is_some() {
                sync(&store, settings).await
            } else {
                ExitCode::SUCCESS
            };
            store.close().await.ok();
            Ok(code)
        }
        Command::Sync => {
            let store = connect(settings).await?;
            let code = sync(&store, settings).await;
            store.close().await.ok();
            Ok(code)
        }
        Command::List => {
            let entries = backup::list(dir)?;
            if entries.is_empty() {
                println!("no backups in {}", dir.display());
            }
            for entry in entries {
                match entry {
                    BackupEntry::Complete { manifest: m, .. } => println!(
                        "{}  {}  {:>12} bytes  {:>10} rows  schema {}  credinet {}",
                        m.file,
                        m.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
                        m.size_bytes,
                        m.total_rows(),
                        m.schema_version,
                        m.app_version
                    ),
                    BackupEntry::Incomplete { path, reason, .. } => println!(
                        "{}  INCOMPLETE: {reason}",
                        path.file_name().unwrap_or_default().to_string_lossy()
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { name } => {
            let store = connect(settings).await?;
            let v = backup::verify(&store, &target, dir, &name, progress()).await?;
            store.close().await.ok();
            if v.is_ok() {
                println!(
                    "{}: OK (checksum, restored into a scratch database, {} tables with the manifest's rows, audit of {} tenants)",
                    v.manifest.file,
                    v.manifest.row_counts.len(),
                    v.tenants_checked
                );
                if !v.pending_migrations.is_empty() {
                    println!(
                        "note: after a restore this credinet applies migrations {:?}",
                        v.pending_migrations
                    );
                }
                Ok(ExitCode::SUCCESS)
            } else {
                println!("{}: FAILED", v.manifest.file);
                for problem in &v.problems {
                    println!("  - {problem}");
                }
                Ok(ExitCode::from(2))
            }
        }
        Command::Restore { name, confirm } => {
            guard_production(settings, confirm.as_deref(), "restore")?;
            let store = connect(settings).await?;
            let report =
                backup::restore(store, &target, &settings.backup, &name, progress()).await?;
            println!(
                "restored {} into {} ({} rows); the database as it was is in {}",
                report.verification.manifest.file,
                target.name(),
                report.verification.manifest.total_rows(),
                report.safety.path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Prune { dry_run } => {
            let report =
                backup::prune(dir, settings.backup.retention, chrono::Utc::now(), dry_run)?;
            let verb = if dry_run { "would delete" } else { "deleted" };
            for path in &report.removed {
                println!("{verb} {}", path.display());
            }
            println!(
                "{} kept, {} {verb} (keep {} days, {} weekly, {} monthly)",
                report.kept.len(),
                report.removed.len(),
                settings.backup.retention.days,
                settings.backup.retention.weekly,
                settings.backup.retention.monthly
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn sync(store: &Store, settings: &Settings) -> ExitCode {
    let b = &settings.backup;
    match backup::sync(store, &b.dir, &b.offsite, b.retention).await {
        Ok(report) => {
            println!(
                "off-site copy: {} backups on {}, {} files removed by retention",
                report.remote_backups,
                b.offsite.remote.as_deref().unwrap_or_default(),
                report.removed.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: off-site copy failed: {e}");
            ExitCode::from(3)
        }
    }
}

/// The database as it is: a backup never migrates what it copies.
async fn connect(settings: &Settings) -> anyhow::Result<Store> {
    Store::connect(&settings.store.database_url)
        .await
        .context("cannot open the database to back up")
}

fn progress() -> Arc<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Arc::new(Bar(ProgressBar::hidden()))
    } else {
        Arc::new(NoProgress)
    }
}

/// Bytes through the current stage, on stderr.
struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &str, total: Option<u64>) {
        self.0
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        let template = match total {
            Some(_) => "{msg:12} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
            None => "{msg:12} {spinner} {bytes} ({bytes_per_sec})",
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.0.set_style(style.progress_chars("=> "));
        }
        self.0.set_message(name.to_string());
        self.0.set_length(total.unwrap_or(0));
        self.0.set_position(0);
    }

    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
