//! `credinet notify`: channels and rules from the command line, and `notify test` reporting each
//! channel's result — a receiver that answers, and one that is not there.

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use credinet_store::testing::{Backend, TestDb};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

fn credinet(db_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credinet"))
        .args(["--database-url", db_url])
        .args(args)
        .env_remove("DATABASE_URL")
        .env("CREDINET_LOG", "warn")
        .output()
        .expect("run credinet")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

/// A webhook receiver keeping the signature header of each request.
async fn receiver() -> (String, Arc<Mutex<Vec<String>>>) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    let router = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, _body: String| {
            let seen = seen.clone();
            async move {
                let signature = headers
                    .get("x-credinet-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                seen.lock().unwrap().push(signature);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (url, got)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notify_test_reports_each_channel_and_fails_when_one_fails() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let (url, got) = receiver().await;
    let config = format!(r#"{{"kind":"webhook","url":"{url}","secret":"s3cr3t-hook"}}"#);
    let added = credinet(
        &db.url,
        &[
            "notify", "channel", "add", "--name", "guardia", "--json", &config,
        ],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert!(text(&added.stdout).contains("channel 1 'guardia' (webhook) added"));
    assert!(
        !text(&added.stdout).contains("s3cr3t"),
        "the secret is not printed"
    );

    let out = credinet(&db.url, &["notify", "test"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("ok      webhook 'guardia'"),
        "{}",
        text(&out.stdout)
    );
    let signatures = got.lock().unwrap().clone();
    assert_eq!(signatures.len(), 1);
    assert!(signatures[0].starts_with("v1="));

    // A second channel nobody listens on: reported by name, exit code 1, the first still ok.
    let dead = r#"{"kind":"webhook","url":"http://127.0.0.1:1/hook","secret":"x"}"#;
    let added = credinet(
        &db.url,
        &[
            "notify", "channel", "add", "--name", "apagado", "--json", dead,
        ],
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let out = credinet(&db.url, &["notify", "test"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("ok      webhook 'guardia'"), "{stdout}");
    assert!(
        stdout.contains("FAILED  webhook 'apagado'") && stdout.contains("could not be reached"),
        "{stdout}"
    );
    let only = credinet(&db.url, &["notify", "test", "--channel", "guardia"]);
    assert!(only.status.success());
    assert!(!text(&only.stdout).contains("apagado"));

    let listed = credinet(&db.url, &["notify", "channel", "list"]);
    assert!(text(&listed.stdout).contains("guardia") && !text(&listed.stdout).contains("s3cr3t"));
    let rule = credinet(
        &db.url,
        &[
            "notify",
            "rule",
            "add",
            "--event",
            "service_down",
            "--channel",
            "1",
        ],
    );
    assert!(rule.status.success(), "{}", text(&rule.stderr));
    assert!(text(&rule.stdout).contains("service_down → channel 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_channels_rules_and_retries_are_refused_in_one_line() {
    let db = TestDb::create(Backend::Sqlite).await.unwrap();
    let bad = credinet(
        &db.url,
        &[
            "notify",
            "channel",
            "add",
            "--name",
            "tg",
            "--json",
            r#"{"kind":"telegram","bot_token":"1:A","chat_ids":["hola"]}"#,
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(
        err.starts_with("error: ") && err.contains("'hola' is not a Telegram chat id"),
        "{err}"
    );
    let rule = credinet(
        &db.url,
        &[
            "notify",
            "rule",
            "add",
            "--event",
            "Pago Hecho",
            "--channel",
            "1",
        ],
    );
    assert!(
        text(&rule.stderr).contains("is not an event kind"),
        "{}",
        text(&rule.stderr)
    );
    let rule = credinet(
        &db.url,
        &["notify", "rule", "add", "--event", "*", "--channel", "99"],
    );
    assert!(
        text(&rule.stderr).contains("channel 99 not found"),
        "{}",
        text(&rule.stderr)
    );
    let retry = credinet(&db.url, &["notify", "retry", "--id", "5"]);
    assert!(text(&retry.stderr).contains("no dead letter 5"));
    let test = credinet(&db.url, &["notify", "test"]);
    assert!(text(&test.stderr).contains("no enabled channel"));
}

/// A `/readyz` that answers 200 or 503 as the test says.
async fn readyz() -> (String, Arc<Mutex<bool>>) {
    let up = Arc::new(Mutex::new(true));
    let state = up.clone();
    let router = Router::new().route(
        "/readyz",
        axum::routing::get(move || {
            let state = state.clone();
            async move {
                if *state.lock().unwrap() {
                    StatusCode::OK
                } else {
                    StatusCode::SERVICE_UNAVAILABLE
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/readyz", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (url, up)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_notifies_once_on_failure_and_once_on_recovery_across_restarts() {
    let (hook, got) = receiver().await;
    let (url, up) = readyz().await;
    let dir = std::env::temp_dir().join(format!("credinet-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let channels = dir.join("channels.json");
    std::fs::write(
        &channels,
        format!(r#"[{{"kind":"webhook","url":"{hook}","secret":"w"}}]"#),
    )
    .unwrap();
    let state = dir.join("state.json");
    // Each run is a new process, as under a timer: the state file is all that carries over.
    let run = || {
        let out = Command::new(env!("CARGO_BIN_EXE_credinet"))
            .args(["watch", "--url", &url, "--channels"])
            .arg(&channels)
            .arg("--state")
            .arg(&state)
            .env("CREDINET_LOG", "warn")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    assert!(run().contains("is up"));
    *up.lock().unwrap() = false;
    let first = run();
    assert!(
        first.contains("notified webhook of service_down") && first.contains("HTTP 503"),
        "{first}"
    );
    for _ in 0..3 {
        let again = run();
        assert!(
            !again.contains("notified"),
            "down again is not news: {again}"
        );
    }
    *up.lock().unwrap() = true;
    assert!(run().contains("notified webhook of service_recovered"));
    assert!(!run().contains("notified"));
    assert_eq!(
        got.lock().unwrap().len(),
        2,
        "one message down, one back up"
    );
    std::fs::remove_dir_all(&dir).ok();
}
