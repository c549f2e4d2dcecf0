//! The bench's flags. Their names and meanings are those of the first version of this bench, so the
//! figures in docs/benchmarks.md stay comparable; `--no-pgbench` and `--postgres-url` came later.

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    #[value(alias = "postgresql")]
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn scratch(self) -> credinet_portfolio_gen::scratch::ScratchBackend {
        use credinet_portfolio_gen::scratch::ScratchBackend;
        match self {
            Backend::Sqlite => ScratchBackend::Sqlite,
            Backend::Postgres => ScratchBackend::Postgres,
        }
    }
}

/// Payment registration through the HTTP API with a large portfolio (docs/benchmarks.md).
#[derive(Debug, Clone, Parser)]
#[command(name = "payments")]
pub struct Args {
    #[arg(long, value_enum, default_value = "sqlite")]
    pub backend: Backend,
    /// Clients and disbursed loans seeded (one loan per client).
    #[arg(long, default_value_t = 100_000, value_parser = at_least_one)]
    pub loans: usize,
    /// Length of the measured window.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..))]
    pub seconds: u64,
    /// Seconds of load before the window, not counted.
    #[arg(long, default_value_t = 3)]
    pub warmup: u64,
    /// Keep-alive clients posting payments; also pgbench's number of clients.
    #[arg(long, default_value_t = 32, value_parser = at_least_one)]
    pub concurrency: usize,
    /// Worker threads of the application's runtime (the clients get their own runtime).
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    pub server_threads: usize,
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    pub client_threads: usize,
    /// Call the payment service directly instead of going through HTTP.
    #[arg(long)]
    pub direct: bool,
    /// Skip the pgbench run that follows the payments run (it measures the machine).
    #[arg(long)]
    pub no_pgbench: bool,
    /// PostgreSQL server for `--backend postgres` and for pgbench; a database is created on it and
    /// dropped at the end of each.
    #[arg(
        long,
        env = "CREDINET_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres",
        hide_env_values = true
    )]
    pub postgres_url: String,
    /// Print a row every this many seconds of the window: payments, latency, the SQLite log's size
    /// and this process's memory (the soak run, `scripts/soak-wal`). 0: only the final table.
    #[arg(long, default_value_t = 0)]
    pub report_every: u64,
    /// SQLite: the write-ahead log's bound given to the store (`sqlite_wal_limit_mib`).
    #[arg(long, default_value_t = credinet_store::DEFAULT_WAL_LIMIT_MIB)]
    pub wal_limit_mib: u64,
    /// Passed by `cargo bench` to every bench target; ignored.
    #[arg(long, hide = true)]
    pub bench: bool,
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(e) => Err(e.to_string()),
    }
}
