//! Payment registration through the HTTP API with a large portfolio (issue 10, performance).
//!
//! Seeds one tenant with N clients and N disbursed loans (`store::repo::bulk`, not the per-loan
//! service), starts the real application in-process on its own runtime, and has `--concurrency`
//! keep-alive clients post small payments to random loans for `--seconds` after a short warm-up. Prints
//! one table row (requests, errors, payments/s, latency percentiles), checks in SQL that the payments
//! stored add up to what the clients were told was registered, then runs `pgbench -N` with the same
//! clients and seconds on a scratch database of the PostgreSQL server and prints payments/s ÷ its tps,
//! the figure tracked across machines (docs/benchmarks.md, "Current figures").
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p credinet-web --bench payments -- \
//!     --backend sqlite --loans 100000 --seconds 20 --concurrency 16
//! ```
//!
//! PostgreSQL: `--backend postgres`, server from `--postgres-url` / `CREDINET_BENCH_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/postgres`); a fresh database is created and dropped at
//! the end. SQLite: a temporary file, removed at the end. `--direct` calls the payment service without
//! HTTP, to separate the database's share of the cost from the edge's. `--no-pgbench` skips pgbench.
//! `scripts/bench-ab` compares two revisions with it.

mod args;
mod load;
mod pgbench;
mod reference;
mod report;
mod seed;

use anyhow::{bail, ensure};
use args::Args;
use clap::Parser;
use credinet_accounts::AccountSettings;
use credinet_core::money::Money;
use credinet_portfolio_gen::scratch::ScratchDb;
use credinet_store::repo::bulk;
use credinet_store::{Store, migrations};
use credinet_web::{Application, HttpSettings};
use load::Shared;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64};
use std::time::Instant;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
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

    let db = client_rt.block_on(ScratchDb::create(
        args.backend.scratch(),
        &args.postgres_url,
    ))?;
    let outcome = run(&args, &db, &server_rt, &client_rt);
    // The application's pool must be gone before PostgreSQL drops the database.
    drop(server_rt);
    client_rt.block_on(db.drop_it())?;
    let payments_per_second = outcome?;

    // After the run, on an otherwise idle server: never beside the payments.
    if !args.no_pgbench {
        match client_rt.block_on(pgbench::run(
            &args.postgres_url,
            args.concurrency,
            args.seconds,
        )) {
            Ok(run) => report::print_pgbench(payments_per_second, &run),
            Err(e) => println!("\npgbench: not measured: {e:#}"),
        }
    }
    Ok(())
}

/// Seeds, measures, prints the table and checks the money; returns payments/s.
fn run(
    args: &Args,
    db: &ScratchDb,
    server_rt: &tokio::runtime::Runtime,
    client_rt: &tokio::runtime::Runtime,
) -> anyhow::Result<f64> {
    println!(
        "backend {}, {} loans, {} clients for {} s (+{} s warm-up){}",
        args.backend.name(),
        args.loans,
        args.concurrency,
        args.seconds,
        args.warmup,
        if args.direct {
            ", direct service calls (no HTTP)"
        } else {
            ""
        }
    );
    println!("{}", reference::machine_reference());
    // Everything the application does with its pool happens on the application's runtime.
    let store = server_rt.block_on(async {
        let store = Store::connect_with_wal_limit(&db.url, args.wal_limit_mib).await?;
        migrations::run(&store).await?;
        anyhow::Ok(store)
    })?;
    let started = Instant::now();
    let seeded = server_rt.block_on(seed::seed(&store, args.loans))?;
    println!(
        "seeded {} clients, {} loans, {} installments in {:.1} s",
        args.loans,
        args.loans,
        seeded.installments,
        started.elapsed().as_secs_f64()
    );

    let app = server_rt.block_on(Application::build(
        store.clone(),
        HttpSettings::on_any_port(),
        AccountSettings::default(),
        credinet_assistant::AssistantSettings::default(),
        // The benchmark measures payments; no job is shown or run.
        credinet_ops::Registry::new(),
        None,
    ))?;
    let base = format!("http://{}", app.local_addr());
    let (stop_server, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = server_rt.spawn(app.serve(async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .tcp_nodelay(true)
        .build()?;
    let shared = Arc::new(Shared {
        base,
        key: seeded.cashier_key.clone(),
        http,
        store: store.clone(),
        tenant: seeded.tenant,
        loans: seeded.loans.clone(),
        remaining: seeded
            .outstanding
            .iter()
            .map(|o| AtomicI64::new(*o))
            .collect(),
        measuring: AtomicBool::new(false),
        stop: AtomicBool::new(false),
        interval: (args.report_every > 0).then(Default::default),
        sqlite_file: db.sqlite_file(),
    });

    // One payment through the real API before measuring anything: the seeded rows must be what the
    // service expects, or the numbers below mean nothing.
    let probe = client_rt.block_on(load::probe_payment(&shared, &seeded))?;
    println!("probe payment on a seeded loan: ok ({probe})");

    // With --direct the service runs on the application's runtime, as it would under a handler.
    let direct = args.direct.then(|| server_rt.handle().clone());
    let totals = client_rt.block_on(load::load(args, &shared, direct))?;

    let stored = server_rt.block_on(bulk::totals(store.db(), seeded.tenant))?;
    let _ = stop_server.send(());
    let _ = server_rt.block_on(server);
    server_rt.block_on(store.close())?;
    if let Some(file) = db.sqlite_file() {
        let mut wal = file.into_os_string();
        wal.push("-wal");
        let left = std::fs::metadata(&wal).map_or(0, |m| m.len());
        println!("after closing the store: WAL {left} bytes");
    }

    report::print_table(args, &totals);
    if !totals.error_bodies.is_empty() {
        println!("first errors:");
        for body in &totals.error_bodies {
            println!("  {body}");
        }
    }
    let believed = totals.ok_centavos + probe;
    println!(
        "check: Σ payment.amount = {} ({} rows), Σ acknowledged by clients = {}, Σ loan.total_paid = {}, \
         uncertain (timeouts/transport) = {}",
        Money::from_centavos(stored.payments_amount),
        stored.payments,
        Money::from_centavos(believed),
        Money::from_centavos(stored.loans_total_paid),
        Money::from_centavos(totals.uncertain_centavos),
    );
    let lost_or_doubled = stored.payments_amount - believed;
    if lost_or_doubled != 0 && lost_or_doubled > totals.uncertain_centavos {
        bail!(
            "the database holds {} more than the clients were acknowledged: lost or doubled payments",
            Money::from_centavos(lost_or_doubled)
        );
    }
    ensure!(
        stored.loans_total_paid == stored.payments_amount,
        "loans' cached total_paid ({}) disagrees with Σ payments ({})",
        stored.loans_total_paid,
        stored.payments_amount
    );
    println!("check: ok, no lost or doubled payment");
    Ok(totals.payments_per_second())
}
