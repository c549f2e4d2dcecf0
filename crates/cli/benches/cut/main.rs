//! The period cut over a large book (issue 17): loads `--loans` active loans in arrears
//! (`credinet-portfolio-gen`, the payments bench's generator) into a scratch database, runs
//! `credinet cut run` on it as a child process — the binary an operator runs — and prints a table of
//! the cut's wall time, loans per second and the child's peak resident memory, after checking that
//! the cut is done, gave every loan a statement and kept closing = opening + charges − payments +
//! reversals on every statement.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p credinet-cli --bench cut -- \
//!     --backend sqlite,postgres --loans 10000,100000,1000000
//! ```
//!
//! PostgreSQL: the server of `--postgres-url` / `CREDINET_BENCH_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); each run creates a database there and drops it.
//! SQLite: a file under the temp directory, removed at the end. The cut date is the last cut day
//! (8th or 23rd) before today in Mexico City; the book stands as it would at that cut. Targets
//! (docs/benchmarks.md): 1,000,000 loans in ≤ 20 s on SQLite and ≤ 40 s on PostgreSQL, ≤ 1 GiB, time
//! growing no faster than the book from 100,000 to 1,000,000.

#[path = "../common/mod.rs"]
mod common;

use anyhow::{Context, ensure};
use clap::Parser;
use common::{
    Backend, BookArgs, Books, child, cut_args, last_cut_day, load_average, measure_books,
    state::cut_state,
};
use std::time::Duration;

/// The period cut over a generated book in arrears (docs/benchmarks.md).
#[derive(Debug, Parser)]
#[command(name = "cut")]
struct Args {
    #[command(flatten)]
    books: Books,
    #[command(flatten)]
    book: BookArgs,
}

struct Row {
    backend: Backend,
    loans: usize,
    load: Duration,
    cut: Duration,
    /// The child's CPU time (user + system).
    cpu: Duration,
    /// The machine's 1-minute load average as the cut started: how many others wanted the 2 cores.
    load_avg: f64,
    rss_kib: i64,
    statements: i64,
    past_due: i64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = common::runtime()?;
    let date = last_cut_day();
    println!("cut of {date}, seed {}", args.book.seed);
    let rows = measure_books(
        &rt,
        &args.books,
        &args.book,
        date,
        |backend, loans, loaded| measure(&rt, &args, backend, loans, loaded, date),
    )?;
    print_growth(&rows);
    Ok(())
}

fn measure(
    rt: &tokio::runtime::Runtime,
    args: &Args,
    backend: Backend,
    loans: usize,
    loaded: &common::Loaded,
    date: chrono::NaiveDate,
) -> anyhow::Result<Row> {
    eprintln!(
        "  loaded in {:.1} s ({} installments, {} payments, {} allocations); cutting",
        loaded.took.as_secs_f64(),
        loaded.generated.installments,
        loaded.generated.payments,
        loaded.generated.allocations
    );
    let cut_args = cut_args(date, args.book.page_size);
    let argv: Vec<&str> = cut_args.iter().map(String::as_str).collect();
    let load_avg = load_average();
    let run = child::credinet(&loaded.db.url, &argv, None).context("running credinet")?;
    ensure!(
        run.succeeded(),
        "credinet cut run ended {:?}:\n{}",
        run.ended,
        run.output
    );
    let state = rt.block_on(cut_state(&loaded.db.url, date))?;
    ensure!(
        state.status == "done" && state.loans_done == loans as i64,
        "the cut is not done over every loan: {state:?}"
    );
    ensure!(
        state.statements == loans as i64,
        "{} statements for {loans} loans",
        state.statements
    );
    ensure!(
        state.identity_breaks == 0,
        "{} statements break closing = opening + charges − payments + reversals",
        state.identity_breaks
    );
    Ok(Row {
        backend,
        loans,
        load: loaded.took,
        cut: run.wall,
        cpu: run.cpu,
        load_avg,
        rss_kib: run.peak_rss_kib,
        statements: state.statements,
        past_due: state.past_due,
    })
}

impl common::Row for Row {
    const HEADER: &'static str = "| backend | loans | load (s) | cut (s) | loans/s | cut CPU (s) | peak RSS (MiB) | statements | past due | load avg |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    fn line(&self) -> String {
        format!(
            "| {} | {} | {:.1} | {:.2} | {:.0} | {:.2} | {:.0} | {} | {} | {:.1} |",
            self.backend.scratch().name(),
            self.loans,
            self.load.as_secs_f64(),
            self.cut.as_secs_f64(),
            self.loans as f64 / self.cut.as_secs_f64(),
            self.cpu.as_secs_f64(),
            self.rss_kib as f64 / 1024.0,
            self.statements,
            self.past_due,
            self.load_avg
        )
    }
}

/// Time per loan from the smallest to the largest book of each backend: 1.0 is linear.
fn print_growth(rows: &[Row]) {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.backend == backend).collect();
        let (Some(small), Some(large)) = (
            of.iter().min_by_key(|r| r.loans),
            of.iter().max_by_key(|r| r.loans),
        ) else {
            continue;
        };
        if small.loans == large.loans {
            continue;
        }
        let per_loan = |r: &Row| r.cut.as_secs_f64() / r.loans as f64;
        println!(
            "{}: {}× the loans took {:.2}× the time ({:.2}× the time per loan)",
            backend.scratch().name(),
            large.loans / small.loans,
            large.cut.as_secs_f64() / small.cut.as_secs_f64(),
            per_loan(large) / per_loan(small)
        );
    }
}
