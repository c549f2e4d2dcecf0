//! The bench's flags.

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

/// The WhatsApp assistant under load through the AutoResponder webhook (docs/benchmarks.md).
#[derive(Debug, Clone, Parser)]
#[command(name = "assistant_load")]
pub struct Args {
    /// Backends to measure, one after the other: `sqlite`, `postgres` or `sqlite,postgres`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "sqlite")]
    pub backend: Vec<Backend>,
    /// Borrowers, each with a disbursed loan and a verified WhatsApp session.
    #[arg(long, default_value_t = 1_000, value_parser = at_least_one)]
    pub sessions: usize,
    /// Length of the closed-loop window that finds the most messages a second the server sustains.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub seconds: u64,
    /// Seconds of load before each window, not counted.
    #[arg(long, default_value_t = 2)]
    pub warmup: u64,
    /// Keep-alive clients of the closed loop, each sending its next message when the last is answered.
    #[arg(long, default_value_t = 64, value_parser = at_least_one)]
    pub concurrency: usize,
    /// The steady open-loop rate whose latencies are reported (messages a second, sent on schedule
    /// whether or not earlier ones were answered, so a slow server cannot slow the load down).
    #[arg(long, default_value_t = 1_000, value_parser = at_least_one)]
    pub rate: usize,
    /// Length of the steady window.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub steady_seconds: u64,
    /// Worker threads of the application's runtime (the clients get their own runtime).
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    pub server_threads: usize,
    #[arg(long, default_value_t = 2, value_parser = at_least_one)]
    pub client_threads: usize,
    /// Print where the time of one message goes: the pipeline stages' recorded durations.
    #[arg(long)]
    pub stages: bool,
    /// PostgreSQL server for `--backend postgres`; a database is created on it and dropped at the end.
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

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(e) => Err(e.to_string()),
    }
}
