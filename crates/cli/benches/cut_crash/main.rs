//! The period cut survives SIGKILL (issue 17): a book of `--loans` loans in arrears is loaded once and
//! copied; `credinet cut run` runs on the copy undisturbed (the reference), then on the original it is
//! started again and again and SIGKILLed at a random moment each time, until a run is left to finish.
//! The test passes when there were at least `--kills` kills, a further run changes nothing, and the
//! two databases are equal row by row — every table, every column but the instants (`compare.rs`) —
//! with closing = opening + charges − payments + reversals on every statement.
//!
//! ```text
//! scripts/cut-crash-test                       # SQLite and PostgreSQL, 20,000 loans, ≥ 20 kills each
//! scripts/cut-crash-test --backend sqlite --loans 50000 --kills 40 --seed 7
//! ```
//!
//! Each kill lands at a moment drawn uniformly between the process's start and a little past the
//! share of a whole cut that `--kills` kills leave to each run, so the kills fall everywhere: before
//! the cut is claimed, inside a page's transaction, between pages, on the last page. The seed (printed)
//! replays the same delays.

#[path = "../common/mod.rs"]
// The benchmarks' table loop and book sizes in `common` are not used here.
#[allow(dead_code)]
mod common;
mod compare;

use anyhow::{Context, bail, ensure};
use clap::Parser;
use common::child::{self, Ended};
use common::{Backend, BookArgs, cut_args, last_cut_day, load_book, state::cut_state};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

/// The period cut, SIGKILLed at random and resumed, ends as an uninterrupted one (README).
#[derive(Debug, Parser)]
#[command(name = "cut-crash")]
struct Args {
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "sqlite,postgres"
    )]
    backend: Vec<Backend>,
    #[arg(long, default_value_t = 20_000)]
    loans: usize,
    /// Kills required per backend before the cut may finish.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    kills: u32,
    #[command(flatten)]
    book: BookArgs,
}

struct Outcome {
    backend: Backend,
    kills: u32,
    runs: u32,
    reference: Duration,
    crashed: Duration,
    rows: usize,
    tables: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = common::runtime()?;
    let date = last_cut_day();
    println!(
        "cut of {date}, {} loans, at least {} kills per backend, seed {}",
        args.loans, args.kills, args.book.seed
    );
    let mut outcomes = Vec::new();
    for &backend in &args.backend {
        outcomes.push(one_backend(&rt, &args, backend, date)?);
    }
    println!(
        "\n| backend | loans | kills | runs | uninterrupted cut (s) | kill-and-resume loop (s) | tables | rows compared | result |\n|---|---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for o in &outcomes {
        println!(
            "| {} | {} | {} | {} | {:.2} | {:.1} | {} | {} | equal |",
            o.backend.scratch().name(),
            args.loans,
            o.kills,
            o.runs,
            o.reference.as_secs_f64(),
            o.crashed.as_secs_f64(),
            o.tables,
            o.rows
        );
    }
    Ok(())
}

fn one_backend(
    rt: &tokio::runtime::Runtime,
    args: &Args,
    backend: Backend,
    date: chrono::NaiveDate,
) -> anyhow::Result<Outcome> {
    eprintln!("{backend:?}: loading {} loans", args.loans);
    let crashed = rt.block_on(load_book(
        backend,
        &args.book.postgres_url,
        args.loans,
        args.book.seed,
        date,
    ))?;
    eprintln!(
        "  loaded in {:.1} s: {} installments, {} payments, {} allocations",
        crashed.took.as_secs_f64(),
        crashed.generated.installments,
        crashed.generated.payments,
        crashed.generated.allocations
    );
    let reference = rt.block_on(crashed.db.copy())?;
    let outcome = crash_and_compare(rt, args, backend, date, &crashed.db.url, &reference.url);
    rt.block_on(reference.drop_it())?;
    rt.block_on(crashed.db.drop_it())?;
    outcome
}

fn crash_and_compare(
    rt: &tokio::runtime::Runtime,
    args: &Args,
    backend: Backend,
    date: chrono::NaiveDate,
    crashed: &str,
    reference: &str,
) -> anyhow::Result<Outcome> {
    let cut = cut_args(date, args.book.page_size);
    let cut: Vec<&str> = cut.iter().map(String::as_str).collect();
    let whole = child::credinet(reference, &cut, None)?;
    ensure!(
        whole.succeeded(),
        "the uninterrupted cut failed ({:?}):\n{}",
        whole.ended,
        whole.output
    );
    // What a run costs before it cuts anything: the same command on a cut already done.
    let idle = child::credinet(reference, &cut, None)?;
    ensure!(
        idle.succeeded(),
        "re-running a done cut failed:\n{}",
        idle.output
    );
    let startup = idle.wall.min(whole.wall);
    let share = (whole.wall - startup).mul_f64(1.5 / f64::from(args.kills));
    let longest = startup + share;
    eprintln!(
        "  uninterrupted cut {:.2} s ({:.2} s of CPU), peak RSS {} MiB (start-up {:.2} s); killing after 0–{:.2} s",
        whole.wall.as_secs_f64(),
        whole.cpu.as_secs_f64(),
        whole.peak_rss_kib / 1024,
        startup.as_secs_f64(),
        longest.as_secs_f64()
    );

    let mut rng = StdRng::seed_from_u64(args.book.seed);
    let (mut kills, mut runs) = (0u32, 0u32);
    let started = Instant::now();
    loop {
        runs += 1;
        if runs > 50 * args.kills {
            bail!("{runs} runs without the cut finishing");
        }
        let delay = longest.mul_f64(rng.gen_range(0.0..1.0));
        let run = child::credinet(crashed, &cut, Some(delay))?;
        if run.ended == Ended::Signalled(libc::SIGKILL) {
            kills += 1;
            let done = rt
                .block_on(cut_state(crashed, date))
                .map(|s| format!("{} of {} loans cut", s.loans_done, s.loans_total))
                .unwrap_or_else(|_| "not claimed yet".into());
            eprintln!("  kill {kills} after {:.3} s: {done}", delay.as_secs_f64());
            continue;
        }
        ensure!(
            run.succeeded(),
            "run {runs} failed ({:?}):\n{}",
            run.ended,
            run.output
        );
        if kills >= args.kills {
            break;
        }
        bail!(
            "the cut finished after {kills} kills, fewer than {}; rerun with another --seed",
            args.kills
        );
    }
    let crashed_for = started.elapsed();
    // Once more: a done cut is not cut again.
    let again = child::credinet(crashed, &cut, None)?;
    ensure!(
        again.succeeded(),
        "re-running the cut failed:\n{}",
        again.output
    );

    let state = rt.block_on(cut_state(crashed, date))?;
    ensure!(
        state.status == "done"
            && state.statements == args.loans as i64
            && state.identity_breaks == 0,
        "after the kills: {state:?}"
    );
    let want = rt
        .block_on(compare::dump(reference))
        .context("reading the uninterrupted database")?;
    let got = rt
        .block_on(compare::dump(crashed))
        .context("reading the crashed database")?;
    if let Some(difference) = compare::difference(&want, &got) {
        bail!("{backend:?}: the crashed cut differs from the uninterrupted one: {difference}");
    }
    eprintln!(
        "  {:?}: {kills} kills in {runs} runs, {} rows in {} tables equal",
        backend,
        got.rows(),
        got.tables.len()
    );
    Ok(Outcome {
        backend,
        kills,
        runs,
        reference: whole.wall,
        crashed: crashed_for,
        rows: got.rows(),
        tables: got.tables.len(),
    })
}
