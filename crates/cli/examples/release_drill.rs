//! A second build of credinet for the release test (`tests/release.rs`): the same binary, whose
//! `migrate` then makes a breaking change, as a migration written for code that did not ship with it
//! would — it renames `server_secret`, which `serve` reads at start. `migrate` succeeds, the service
//! cannot start, `/readyz` never answers, and `credinet release` must bring back the previous binary
//! *and* the database (the previous binary cannot start on the renamed table either).
//!
//! It is an example, not a feature of the real binary: `cargo build --example release_drill` builds it
//! beside `credinet` without rebuilding or replacing it, and a release build never contains it.

#[path = "../src/main.rs"]
mod credinet;
// The binary's modules name each other from the crate root (`crate::settings`).
use credinet::settings;

use credinet_store::Store;
use credinet_store::sea_orm::ConnectionTrait;
use std::process::ExitCode;

fn main() -> ExitCode {
    let code = credinet::main();
    let migrating = std::env::args().skip(1).any(|a| a == "migrate");
    if !migrating || code != ExitCode::SUCCESS {
        return code;
    }
    match break_the_schema() {
        Ok(()) => {
            println!("drill: renamed server_secret to server_secret_drill");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: the drill's breaking migration failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn break_the_schema() -> anyhow::Result<()> {
    let url = database_url()?;
    tokio::runtime::Runtime::new()?.block_on(async {
        let store = Store::connect(&url).await?;
        store
            .db()
            .execute_unprepared("ALTER TABLE server_secret RENAME TO server_secret_drill")
            .await?;
        store.close().await?;
        Ok(())
    })
}

/// The database `migrate` was given: `--database-url URL` or `DATABASE_URL`, as `credinet` reads it.
fn database_url() -> anyhow::Result<String> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(url) = args
        .iter()
        .position(|a| a == "--database-url")
        .and_then(|i| args.get(i + 1))
    {
        return Ok(url.clone());
    }
    std::env::var("DATABASE_URL").map_err(|_| anyhow::anyhow!("no database to break"))
}
