//! `credinet serve`.

use super::demo;
use super::open;
use crate::settings::Settings;
use credinet_web::Application;
use std::net::SocketAddr;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub bind: Option<SocketAddr>,
    /// Do not apply migrations at start; refuse to start when some are pending.
    #[arg(long)]
    pub no_migrate: bool,
    /// Create or refresh the demo tenant first and print how to sign in.
    #[arg(long)]
    pub demo: bool,
    #[command(flatten)]
    pub demo_args: demo::DemoArgs,
}

pub async fn run(settings: Settings, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = open(&settings).await?;
    let app = Application::build(store, settings.http.clone(), settings.accounts.clone()).await?;
    let url = format!("http://{}", app.local_addr());
    if args.demo {
        demo::seed(&settings, app.store(), &args.demo_args, &url).await?;
    }
    println!(
        "Credinet listening on {url} (database: {})",
        credinet_store::redact_url(&settings.store.database_url)
    );
    app.serve(shutdown_signal()).await?;
    println!("Credinet stopped.");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
