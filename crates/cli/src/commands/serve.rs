//! `credinet serve`.

use super::demo;
use super::open;
use crate::settings::Settings;
use credinet_ops::backup::DatabaseTarget;
use credinet_web::Application;
use credinet_web::pages::backups::Backups;
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
    let scheduler = super::jobs::scheduler(&settings, store.clone())?;
    let app = Application::build(
        store,
        settings.http.clone(),
        settings.accounts.clone(),
        settings.assistant.clone(),
        scheduler.registry().clone(),
        Some(Backups {
            target: DatabaseTarget::parse(&settings.store.database_url)?,
            settings: settings.backup.clone(),
        }),
    )
    .await?;
    // Delivers the outbox in the background; several `serve` processes share it through claims.
    let notifier = if settings.notify.enabled {
        Some(credinet_notify::Notifier::new(app.store().clone(), settings.notify.clone())?.spawn())
    } else {
        None
    };
    let url = format!("http://{}", app.local_addr());
    let shutdown = shutdown_signal();
    if args.demo {
        demo::seed(&settings, app.store(), &args.demo_args, &url).await?;
    }
    println!(
        "Credinet listening on {url} (database: {})",
        credinet_store::redact_url(&settings.store.database_url)
    );
    let (stop_scheduler, stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduling = settings.scheduler.enabled.then(|| {
        let every = settings.scheduler.tick();
        tokio::spawn(async move {
            scheduler
                .run_until(every, async {
                    let _ = stopped.await;
                })
                .await
        })
    });
    if scheduling.is_none() {
        println!("Scheduler disabled (scheduler_enabled = false): no jobs run in this process.");
    }
    let store = app.store().clone();
    app.serve(shutdown).await?;
    let _ = stop_scheduler.send(());
    if let Some(notifier) = notifier {
        // A message being sent gets its answer recorded, so a restart does not send it again.
        notifier.stop().await;
    }
    if let Some(task) = scheduling {
        // A run in progress finishes and is recorded before the process ends.
        let _ = task.await;
    }
    // Closing empties SQLite's write-ahead log into the database file: left behind, it made the next
    // start read it all (2.7 s for 915 MB).
    store.close().await?;
    println!("Credinet stopped.");
    Ok(ExitCode::SUCCESS)
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is called, not when the future
/// is first polled: a SIGTERM arriving just after the "listening" line must stop the server cleanly
/// (closing the store), not kill it.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let interrupt = signal(SignalKind::interrupt());
        let terminate = signal(SignalKind::terminate());
        async move {
            let wait = async |s: std::io::Result<tokio::signal::unix::Signal>| match s {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            };
            tokio::select! { _ = wait(interrupt) => {}, _ = wait(terminate) => {} }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
