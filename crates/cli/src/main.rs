//! `credinet`: one binary for the web back office, the API and the operations commands.

// Visible to the crate root that includes this file as a module (the release drill example).
pub(crate) mod commands;
pub(crate) mod settings;

use clap::{Parser, Subcommand};
use commands::{
    apikey, assistant, audit, backup, cut, demo, jobs, notify, release, serve, tenant, user, watch,
};
use settings::{Overrides, Settings};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "credinet",
    version,
    about = "Back office y asistente de WhatsApp para financieras y cajas"
)]
struct Cli {
    /// Configuration file (default: ./credinet.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL; overrides DATABASE_URL and the file.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the back office, the API and the webhooks.
    Serve(serve::ServeArgs),
    /// Apply pending database migrations (safe to run again).
    Migrate,
    /// Create or refresh the demo tenant and its staff, and print how to sign in.
    Demo(demo::DemoArgs),
    /// Lending companies served by this installation.
    #[command(subcommand)]
    Tenant(tenant::Command),
    /// Staff users of a tenant.
    #[command(subcommand)]
    User(user::Command),
    /// API keys of a tenant.
    #[command(subcommand)]
    Apikey(apikey::Command),
    /// The WhatsApp assistant's channel credentials per tenant.
    #[command(subcommand)]
    Assistant(assistant::Command),
    /// The audit log.
    #[command(subcommand)]
    Audit(audit::Command),
    /// Notification channels, routing rules and the outbox; `notify test` checks every channel.
    #[command(subcommand)]
    Notify(notify::Command),
    /// Check a Credinet's /readyz once (from a timer on another host) and notify when it goes down
    /// and when it recovers.
    Watch(watch::WatchArgs),
    /// Period cuts (cortes): run one, show them.
    #[command(subcommand)]
    Cut(cut::Command),
    /// Scheduled jobs: list them with their next and last runs, or run one now.
    #[command(subcommand)]
    Jobs(jobs::Command),
    /// Backups: take one, list, verify, restore, prune.
    #[command(subcommand)]
    Backup(backup::Command),
    /// Install a new build beside the old ones: back up, migrate, switch, restart, check /readyz, and
    /// roll back the binary and the database by itself when that fails.
    Release(release::ReleaseArgs),
}

/// Public so the release drill (`examples/release_drill.rs`) can run this binary as a module.
pub fn main() -> ExitCode {
    let _ = dotenvy_load();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Reads `.env` from the working directory when present; a malformed file is reported, not ignored.
fn dotenvy_load() -> anyhow::Result<()> {
    match settings::load_dotenv() {
        Ok(()) => Ok(()),
        Err(e) => {
            eprintln!("warning: {e}");
            Err(anyhow::anyhow!(e))
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut overrides = Overrides {
        database_url: cli.database_url.clone(),
        ..Default::default()
    };
    if let Command::Serve(args) = &cli.command {
        overrides.bind = args.bind;
        overrides.migrate_on_start = args.no_migrate.then_some(false);
    }
    let settings = Settings::load(cli.config.as_deref(), overrides)?;
    init_tracing(&settings);
    match cli.command {
        Command::Serve(args) => serve::run(settings, args).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::Demo(args) => demo::run(&settings, args).await,
        Command::Tenant(cmd) => tenant::run(&settings, cmd).await,
        Command::User(cmd) => user::run(&settings, cmd).await,
        Command::Apikey(cmd) => apikey::run(&settings, cmd).await,
        Command::Assistant(cmd) => assistant::run(&settings, cmd).await,
        Command::Audit(cmd) => audit::run(&settings, cmd).await,
        Command::Notify(cmd) => notify::run(&settings, cmd).await,
        Command::Watch(args) => watch::run(args).await,
        Command::Cut(cmd) => cut::run(&settings, cmd).await,
        Command::Jobs(cmd) => jobs::run(&settings, cmd).await,
        Command::Backup(cmd) => backup::run(&settings, cmd).await,
        Command::Release(args) => release::run(&settings, cli.config, args).await,
    }
}

fn init_tracing(settings: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.log));
    // Colour only for a person at a terminal: log files and journald keep plain text.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
