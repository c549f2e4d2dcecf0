//! Starting `credinet serve` as a child process, for the tests that run real servers.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// `credinet --database-url DB serve --bind 127.0.0.1:0` without the caller's `DATABASE_URL`, logging
/// warnings only: the caller adds its settings and passes it to [`start`].
pub fn serve_command(db_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_credinet"));
    command
        .args(["--database-url", db_url, "serve", "--bind", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn");
    command
}

/// Starts the server and waits for its listening line; returns the child and its base URL. The rest
/// of its output is read and discarded, so the server never blocks on a full pipe.
pub fn start(mut command: Command) -> (Child, String) {
    let mut server = command
        .stdout(Stdio::piped())
        .spawn()
        .expect("start credinet serve");
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines.next().expect("a first line").unwrap();
    let url = listening
        .strip_prefix("Credinet listening on ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("not the listening line: {listening}"))
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    (server, url)
}
