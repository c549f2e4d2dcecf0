//! The WhatsApp assistant under load (issue 19, last "Done when"): N borrowers with a disbursed loan
//! each, every one verified in its own WhatsApp session, ask their balance through the AutoResponder
//! webhook of the real application over loopback; every message is fully recorded (session, both
//! messages, the five stage events) in one transaction, as in production.
//!
//! Per backend: seeds (`credinet-portfolio-gen`'s fresh book, a birth date for every client, the
//! tenant's AutoResponder token), starts the application on its own runtime, verifies every session
//! (balance question → phone → birth date, answers checked), then measures
//! - the closed loop: `--concurrency` keep-alive clients ask as fast as they are answered — the most
//!   messages a second the server sustains;
//! - the open loop: `--rate` messages a second on schedule — the latencies at that steady rate;
//!
//! checks each reply is the borrower's own balance, and in the database that every message answered
//! was recorded in full. Prints one table row per backend.
//!
//! ```text
//! cargo bench -p credinet-web --bench assistant_load -- --backend sqlite,postgres
//! ```
//!
//! PostgreSQL: server from `--postgres-url` / `CREDINET_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a fresh database is created and dropped at the end.
//! SQLite: a temporary file, removed at the end. `--stages` also prints the mean recorded duration of
//! each pipeline stage, to see where a message's time goes.

mod args;
mod check;
mod load;
mod report;
mod seed;

use args::{Args, Backend};
use clap::Parser;
use credinet_accounts::AccountSettings;
use credinet_assistant::AssistantSettings;
use credinet_portfolio_gen::scratch::ScratchDb;
use credinet_store::{Store, migrations};
use credinet_web::{Application, HttpSettings};
use load::Shared;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    report::print_row_header(&args);
    let mut rows = Vec::with_capacity(args.backend.len());
    for &backend in &args.backend {
        rows.push(measure(&args, backend)?);
    }
    report::print_table(&args, &rows);
    if let Some(failed) = rows.iter().find(|r| r.recorded.is_err()) {
        anyhow::bail!(
            "{}: messages were not fully recorded",
            failed.backend.name()
        );
    }
    Ok(())
}

/// One backend: a scratch database, its own runtimes, dropped before the next backend starts.
fn measure(args: &Args, backend: Backend) -> anyhow::Result<report::Row> {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("app")
        .enable_all()
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .thread_name("client")
        .enable_all()
        .build()?;
    let db = client_rt.block_on(ScratchDb::create(backend.scratch(), &args.postgres_url))?;
    let outcome = run(args, backend, &db, &server_rt, &client_rt);
    // The application's pool must be gone before PostgreSQL drops the database.
    drop(server_rt);
    client_rt.block_on(db.drop_it())?;
    outcome
}

fn run(
    args: &Args,
    backend: Backend,
    db: &ScratchDb,
    server_rt: &tokio::runtime::Runtime,
    client_rt: &tokio::runtime::Runtime,
) -> anyhow::Result<report::Row> {
    // Everything the application does with its pool happens on the application's runtime.
    let store = server_rt.block_on(async {
        let store = Store::connect(&db.url).await?;
        migrations::run(&store).await?;
        anyhow::Ok(store)
    })?;
    let started = Instant::now();
    let seeded = server_rt.block_on(seed::seed(&store, args.sessions))?;
    println!(
        "{}: seeded {} borrowers in {:.1} s",
        backend.name(),
        args.sessions,
        started.elapsed().as_secs_f64()
    );
    let app = server_rt.block_on(Application::build(
        store.clone(),
        HttpSettings::on_any_port(),
        AccountSettings::default(),
        AssistantSettings::default(),
        // The benchmark measures the assistant; no job is shown or run.
        credinet_ops::Registry::new(),
        None,
    ))?;
    let url = format!(
        "http://{}/v1/channels/autoresponder/{}",
        app.local_addr(),
        seeded.tenant.slug.as_str()
    );
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(app.serve(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency.max(256))
        .tcp_nodelay(true)
        .build()?;
    let shared = Arc::new(Shared {
        url,
        token: seeded.token,
        http,
        borrowers: seeded.borrowers,
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
    });

    let started = Instant::now();
    let verifying = client_rt.block_on(load::verify_all(&shared, args.concurrency))?;
    println!(
        "{}: verified {} sessions ({verifying} messages) in {:.1} s",
        backend.name(),
        args.sessions,
        started.elapsed().as_secs_f64()
    );
    let closed = client_rt.block_on(load::closed_loop(args, &shared))?;
    println!(
        "{}: closed loop {:.0} msg/s, {} errors",
        backend.name(),
        closed.per_second(),
        closed.errors
    );
    let open = client_rt.block_on(load::open_loop(args, &shared))?;
    println!(
        "{}: open loop at {} msg/s, {} errors",
        backend.name(),
        args.rate,
        open.errors
    );

    let _ = stop_server.send(());
    server_rt.block_on(server)??;
    let tenant = seeded.tenant.id;
    let counts = server_rt.block_on(check::recorded(&store, tenant))?;
    let sent = verifying + closed.sent + open.sent;
    let answered = verifying + closed.answered + open.answered;
    let recorded = counts.complete(args.sessions as u64, answered, sent);
    let stages = if args.stages {
        server_rt.block_on(check::stage_means(&store, tenant))?
    } else {
        Default::default()
    };
    Ok(report::Row {
        backend,
        closed,
        open,
        recorded,
        counts,
        stages,
    })
}
