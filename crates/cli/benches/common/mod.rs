//! What the cut and backup benchmarks and the cut crash test share: the backends they take, the book
//! they load (`credinet-portfolio-gen`, in arrears at the last cut day), the `credinet` child process
//! they run, the checks of a finished cut, and the loop that loads, measures and tabulates each
//! backend × size.

pub mod child;
pub mod state;

use anyhow::Context;
use chrono::{Datelike, Days, NaiveDate};
use clap::{Args, ValueEnum};
use credinet_core::zone::Zone;
use credinet_portfolio_gen::scratch::{ScratchBackend, ScratchDb};
use credinet_portfolio_gen::{Book, Generated, Spec, generate};
use credinet_store::{Store, migrations};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    #[value(alias = "postgresql")]
    Postgres,
}

impl Backend {
    pub fn scratch(self) -> ScratchBackend {
        match self {
            Backend::Sqlite => ScratchBackend::Sqlite,
            Backend::Postgres => ScratchBackend::Postgres,
        }
    }
}

/// The arguments the cut bench and the cut crash test share (`#[command(flatten)]` in both).
#[derive(Debug, Args)]
pub struct BookArgs {
    /// Loans per page of the cut (its default when not given).
    #[arg(long)]
    pub page_size: Option<u64>,
    /// Seeds the generated book (and the crash test's kill delays).
    #[arg(long, default_value_t = 17)]
    pub seed: u64,
    #[arg(
        long,
        env = "CREDINET_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        hide_env_values = true
    )]
    pub postgres_url: String,
    /// Passed by `cargo bench` to every bench target; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}

/// The books a benchmark measures, one after the other: every backend × every size.
#[derive(Debug, Args)]
pub struct Books {
    /// Backends to measure, comma-separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "sqlite")]
    pub backend: Vec<Backend>,
    /// Book sizes to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "10000")]
    pub loans: Vec<usize>,
    /// Keeps each loaded database instead of dropping it (its URL is printed), to look at it by hand.
    #[arg(long)]
    pub keep: bool,
}

/// A line of a benchmark's Markdown table.
pub trait Row {
    /// The header and its alignment line.
    const HEADER: &'static str;
    fn line(&self) -> String;
}

/// The runtime the benchmarks drive the store with (the work itself runs in `credinet` children).
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

/// Loads each book of `books` in turn (backends outer, sizes inner), measures it with `measure`,
/// drops it (unless `--keep`), prints each row on stderr as it comes and the whole table on stdout at
/// the end; returns the rows.
pub fn measure_books<R: Row>(
    rt: &tokio::runtime::Runtime,
    books: &Books,
    book: &BookArgs,
    as_of: NaiveDate,
    mut measure: impl FnMut(Backend, usize, &Loaded) -> anyhow::Result<R>,
) -> anyhow::Result<Vec<R>> {
    let mut rows = Vec::new();
    for &backend in &books.backend {
        for &loans in &books.loans {
            eprintln!("{backend:?}, {loans} loans: loading");
            let loaded = rt.block_on(load_book(
                backend,
                &book.postgres_url,
                loans,
                book.seed,
                as_of,
            ))?;
            let measured = measure(backend, loans, &loaded);
            if books.keep {
                eprintln!("  kept the database {}", loaded.db.url);
            } else {
                rt.block_on(loaded.db.drop_it())?;
            }
            let row = measured?;
            if rows.is_empty() {
                eprintln!("{}", R::HEADER);
            }
            eprintln!("{}", row.line());
            rows.push(row);
        }
    }
    println!("\n{}", R::HEADER);
    for row in &rows {
        println!("{}", row.line());
    }
    Ok(rows)
}

/// The 1-minute load average (`/proc/loadavg`), or NaN where there is none: how many others wanted
/// the cores while a row was measured.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// The latest cut day (the 8th or the 23rd, the tenant's default cut days) before today in Mexico
/// City: a cut that may run now.
pub fn last_cut_day() -> NaiveDate {
    let today = Zone::mexico_city().local_date(chrono::Utc::now());
    let mut day = today;
    while day.day() != 8 && day.day() != 23 {
        day = day - Days::new(1);
    }
    day
}

/// A scratch database holding `loans` loans in arrears at `as_of`, and how long the load took.
pub struct Loaded {
    pub db: ScratchDb,
    pub generated: Generated,
    pub took: Duration,
}

pub async fn load_book(
    backend: Backend,
    admin_url: &str,
    loans: usize,
    seed: u64,
    as_of: NaiveDate,
) -> anyhow::Result<Loaded> {
    let db = ScratchDb::create(backend.scratch(), admin_url).await?;
    let started = Instant::now();
    let store = Store::connect(&db.url).await.context("connecting")?;
    migrations::run(&store).await.context("migrating")?;
    let spec = Spec {
        loans,
        book: Book::InArrears { as_of },
        seed,
        now: store.now(),
    };
    let step = (loans / 10).max(1);
    let mut shown = 0;
    let generated = generate(&store, spec, |done| {
        if done >= shown + step || done == loans {
            shown = done;
            eprintln!("  loaded {done} of {loans} loans");
        }
    })
    .await
    .context("loading the book")?;
    store.close().await?;
    Ok(Loaded {
        db,
        generated,
        took: started.elapsed(),
    })
}

/// `credinet cut run` for the generated tenant and `date`.
pub fn cut_args(date: NaiveDate, page_size: Option<u64>) -> Vec<String> {
    let mut args = vec![
        "cut".to_string(),
        "run".into(),
        "--tenant".into(),
        credinet_portfolio_gen::TENANT_SLUG.into(),
        "--date".into(),
        date.to_string(),
    ];
    if let Some(size) = page_size {
        args.extend(["--page-size".into(), size.to_string()]);
    }
    args
}
