//! `credinet release NEW_BINARY`: parses, asks `credinet_ops::release`, prints. Run it with the binary
//! of the release serving now (`/opt/credinet/current/credinet release …`) and the service's settings.

use crate::settings::Settings;
use anyhow::Context;
use credinet_ops::backup::{DatabaseTarget, NoProgress};
use credinet_ops::release::{self, Outcome, ReleaseSettings, ServiceCommands};
use credinet_store::Store;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Exit status of a release that failed and was rolled back: the previous release serves.
const ROLLED_BACK: u8 = 2;

#[derive(clap::Args)]
pub struct ReleaseArgs {
    /// The new build of credinet to install.
    pub binary: PathBuf,
    /// The directory with `releases/` and `current` (the systemd unit starts `current/credinet`).
    #[arg(long, env = "CREDINET_RELEASE_ROOT", default_value = "/opt/credinet")]
    pub root: PathBuf,
    /// The release's directory name (default: its version and the UTC instant).
    #[arg(long)]
    pub name: Option<String>,
    /// Releases kept after a successful release, the new one included (at least 2).
    #[arg(long, env = "CREDINET_RELEASE_KEEP", default_value_t = 5)]
    pub keep: usize,
    /// The URL that must answer 200 once the new release serves (default: /readyz on `bind`).
    #[arg(long, env = "CREDINET_RELEASE_READYZ_URL")]
    pub readyz_url: Option<String>,
    /// Seconds the service may take to become ready after a start.
    #[arg(
        long,
        env = "CREDINET_RELEASE_READY_TIMEOUT_SECONDS",
        default_value_t = 60
    )]
    pub ready_timeout_seconds: u64,
    /// Seconds the previous release may take to become ready again after a rollback: it has served
    /// before, so waiting longer only delays the report of an outage that is already one.
    #[arg(
        long,
        env = "CREDINET_RELEASE_ROLLBACK_READY_TIMEOUT_SECONDS",
        default_value_t = 300
    )]
    pub rollback_ready_timeout_seconds: u64,
    /// The command that stops the service (a program and its arguments, no shell).
    #[arg(
        long,
        env = "CREDINET_RELEASE_STOP_COMMAND",
        default_value = "systemctl stop credinet"
    )]
    pub stop_command: String,
    /// The command that starts the service.
    #[arg(
        long,
        env = "CREDINET_RELEASE_START_COMMAND",
        default_value = "systemctl start credinet"
    )]
    pub start_command: String,
}

pub async fn run(
    settings: &Settings,
    config: Option<PathBuf>,
    args: ReleaseArgs,
) -> anyhow::Result<ExitCode> {
    let url = &settings.store.database_url;
    let target = DatabaseTarget::parse(url)?;
    let readyz_url = args
        .readyz_url
        .unwrap_or_else(|| readyz_on(settings.http.bind));
    let release_settings = ReleaseSettings {
        root: args.root,
        name: args.name,
        keep: args.keep,
        readyz_url,
        ready_timeout: Duration::from_secs(args.ready_timeout_seconds),
        rollback_ready_timeout: Duration::from_secs(args.rollback_ready_timeout_seconds),
        service: ServiceCommands::parse(&args.stop_command, &args.start_command)?,
        config,
        database_url: url.clone(),
    };
    let store = Store::connect(url)
        .await
        .context("cannot open the database to release")?;
    let report = release::release(
        store,
        &target,
        &settings.backup,
        &release_settings,
        &args.binary,
        Arc::new(NoProgress),
    )
    .await?;
    if let Some(migrated) = &report.migrated {
        println!("{migrated}");
    }
    match report.outcome {
        Outcome::Released { pruned } => {
            println!(
                "release {} serves (was {}); backup before it: {}",
                report.name,
                report.previous,
                report.backup.display()
            );
            for old in pruned {
                println!("removed release {old}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Outcome::RolledBack {
            failure,
            safety_backup,
        } => {
            println!(
                "release {} failed: {failure}\nrolled back: {} serves again on the database as it was before the release ({}); the database as the failed release left it is in {}",
                report.name,
                report.previous,
                report.backup.display(),
                safety_backup.display()
            );
            Ok(ExitCode::from(ROLLED_BACK))
        }
    }
}

/// `/readyz` on the address the service binds, asked on loopback when it binds every interface.
fn readyz_on(bind: std::net::SocketAddr) -> String {
    let host = match bind.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    format!("http://{host}:{}/readyz", bind.port())
}
