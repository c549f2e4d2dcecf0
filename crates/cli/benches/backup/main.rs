//! Backup + verify of a large book (issue 20) against the tools an operator would otherwise use, on
//! the same data in the same run: `sqlite3 .backup` + `gzip` on SQLite, `pg_dump | gzip` on
//! PostgreSQL. Loads `--loans` loans (`credinet-portfolio-gen`, the cut bench's book) into a scratch
//! database, then times, one after the other: the baseline, `credinet backup run` and `credinet backup
//! verify latest` as child processes — the binary an operator runs. Prints a table; the target
//! (docs/benchmarks.md) is backup + verify ≤ 1.3× the baseline.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p credinet-cli --bench backup -- \
//!     --backend sqlite,postgres --loans 100000,1000000
//! ```
//!
//! The comparison is not like for like, on purpose: the baseline only copies and compresses, while
//! `verify` also restores the copy into a scratch database and checks its rows and audit chains. The
//! table shows `backup run` alone against the baseline as well. The baseline's gzip runs at its
//! default level 6, ours at 3 (ADR 24). With `--keep` the loaded database and the work directory (the
//! backup and its manifest) stay, and their names are printed: to try `pg_restore` by hand on the
//! same dump.

#[path = "../common/mod.rs"]
// The cut's checks and arguments in `common` are not used here.
#[allow(dead_code)]
mod common;

use anyhow::{Context, ensure};
use clap::Parser;
use common::{Backend, BookArgs, Books, child, last_cut_day, load_average, measure_books};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Backup + verify against sqlite3 .backup + gzip and pg_dump | gzip (docs/benchmarks.md).
#[derive(Debug, Parser)]
#[command(name = "backup")]
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
    baseline: child::Run,
    baseline_bytes: u64,
    backup: child::Run,
    verify: child::Run,
    backup_bytes: u64,
    /// The machine's 1-minute load average before the baseline: how many others wanted the cores.
    load_avg: f64,
}

impl Row {
    fn ours(&self) -> Duration {
        self.backup.wall + self.verify.wall
    }

    fn ratio(&self) -> f64 {
        self.ours().as_secs_f64() / self.baseline.wall.as_secs_f64()
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rt = common::runtime()?;
    // Any book will do; the cut bench's (in arrears at the last cut day) has every table filled.
    let date = last_cut_day();
    println!("book in arrears at {date}, seed {}", args.book.seed);
    let rows = measure_books(
        &rt,
        &args.books,
        &args.book,
        date,
        |backend, loans, loaded| measure(backend, loans, loaded, args.books.keep),
    )?;
    for r in &rows {
        println!(
            "{} {}: backup + verify took {:.2}× the baseline (target ≤ 1.3×): {}",
            r.backend.scratch().name(),
            r.loans,
            r.ratio(),
            if r.ratio() <= 1.3 { "met" } else { "missed" }
        );
    }
    Ok(())
}

fn measure(
    backend: Backend,
    loans: usize,
    loaded: &common::Loaded,
    keep: bool,
) -> anyhow::Result<Row> {
    eprintln!("  loaded in {:.1} s", loaded.took.as_secs_f64());
    let mut work = tempfile::tempdir().context("creating the work directory")?;
    if keep {
        work.disable_cleanup(true);
        eprintln!("  keeping the work directory {}", work.path().display());
    }
    let load_avg = load_average();

    eprintln!("  baseline");
    let baseline_file = work.path().join("baseline.gz");
    let baseline = child::measure(baseline_command(backend, loaded, &baseline_file)?, None)?;
    ensure!(
        baseline.succeeded(),
        "the baseline ended {:?}:\n{}",
        baseline.ended,
        baseline.output
    );
    let baseline_bytes = size(&baseline_file)?;
    std::fs::remove_file(&baseline_file)?;

    let dir = work.path().join("backups");
    let dir_text = dir.display().to_string();
    let env = [("CREDINET_BACKUP_DIR", dir_text.as_str())];
    eprintln!("  credinet backup run");
    let backup = child::credinet_with_env(&loaded.db.url, &["backup", "run"], &env, None)?;
    ensure!(
        backup.succeeded(),
        "credinet backup run ended {:?}:\n{}",
        backup.ended,
        backup.output
    );
    let (backup_bytes, loan_rows) = manifest_facts(&dir)?;
    ensure!(
        loan_rows == loans as u64,
        "the manifest counts {loan_rows} loans, the book has {loans}"
    );
    eprintln!("  credinet backup verify");
    let verify =
        child::credinet_with_env(&loaded.db.url, &["backup", "verify", "latest"], &env, None)?;
    ensure!(
        verify.succeeded(),
        "credinet backup verify ended {:?}:\n{}",
        verify.ended,
        verify.output
    );
    Ok(Row {
        backend,
        loans,
        load: loaded.took,
        baseline,
        baseline_bytes,
        backup,
        verify,
        backup_bytes,
        load_avg,
    })
}

/// `sqlite3 DB ".backup COPY"` then `gzip`, or `pg_dump | gzip`, as one shell pipeline whose failure
/// anywhere fails it.
fn baseline_command(
    backend: Backend,
    loaded: &common::Loaded,
    out: &Path,
) -> anyhow::Result<Command> {
    let out = out.display().to_string();
    let script = match backend {
        Backend::Sqlite => {
            let db = loaded
                .db
                .sqlite_file()
                .context("a SQLite scratch database has a file")?;
            let copy = format!("{}.copy", out.trim_end_matches(".gz"));
            format!(
                "sqlite3 '{}' \".backup '{copy}'\" && gzip -c '{copy}' > '{out}' && rm '{copy}'",
                db.display()
            )
        }
        Backend::Postgres => format!("pg_dump --dbname='{}' | gzip > '{out}'", loaded.db.url),
    };
    let mut command = Command::new("bash");
    command.args(["-o", "pipefail", "-c", &script]);
    Ok(command)
}

/// The size and the loan rows the newest manifest in `dir` records.
fn manifest_facts(dir: &Path) -> anyhow::Result<(u64, u64)> {
    let mut manifests: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    manifests.sort();
    let newest = manifests.last().context("the backup wrote no manifest")?;
    let manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(newest)?)?;
    let bytes = manifest["size_bytes"].as_u64().context("no size_bytes")?;
    let loans = manifest["row_counts"]["loan"]
        .as_u64()
        .context("no row count for loan")?;
    Ok((bytes, loans))
}

fn size(path: &Path) -> anyhow::Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("reading {}", path.display()))?
        .len())
}

impl common::Row for Row {
    const HEADER: &'static str = "| backend | loans | load (s) | baseline (s) | backup run (s) | verify (s) | run + verify (s) | × baseline | run × baseline | CPU baseline / run / verify (s) | MiB baseline / ours | load avg |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    fn line(&self) -> String {
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        format!(
            "| {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} / {:.1} / {:.1} | {:.1} / {:.1} | {:.1} |",
            self.backend.scratch().name(),
            self.loans,
            self.load.as_secs_f64(),
            self.baseline.wall.as_secs_f64(),
            self.backup.wall.as_secs_f64(),
            self.verify.wall.as_secs_f64(),
            self.ours().as_secs_f64(),
            self.ratio(),
            self.backup.wall.as_secs_f64() / self.baseline.wall.as_secs_f64(),
            self.baseline.cpu.as_secs_f64(),
            self.backup.cpu.as_secs_f64(),
            self.verify.cpu.as_secs_f64(),
            mib(self.baseline_bytes),
            mib(self.backup_bytes),
            self.load_avg
        )
    }
}
