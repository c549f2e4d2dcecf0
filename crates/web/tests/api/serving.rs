//! How connections are served, spoken to over raw TCP: a half-sent request is closed after the
//! header-read timeout, idle sockets do not keep others out, and an early answer says `Connection: close`.

use crate::helpers::{RequestExt, TestApp};
use credinet_store::each_backend;
use credinet_store::testing::TestDb;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

each_backend!(
    a_half_sent_request_line_is_closed_after_the_header_read_timeout,
    a_thousand_idle_sockets_do_not_keep_healthz_from_answering,
    an_answer_given_before_the_body_was_read_says_connection_close,
);

/// Far longer than any bound under test: only reached when the server never closes.
const NEVER: Duration = Duration::from_secs(120);

/// Reads until the server closes the connection; what it sent on the way.
async fn read_until_closed(stream: &mut TcpStream, what: &str) -> Vec<u8> {
    let mut received = Vec::new();
    match tokio::time::timeout(NEVER, stream.read_to_end(&mut received)).await {
        Ok(_) => received,
        Err(_) => panic!("{what}: the server kept the connection open for {NEVER:?}"),
    }
}

async fn a_half_sent_request_line_is_closed_after_the_header_read_timeout(db: TestDb) {
    let app = TestApp::spawn_with(db, |http| http.header_read_timeout_seconds = 1).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut slow = TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /healthz HT").await.unwrap();
    read_until_closed(&mut slow, "a half-sent request line").await;

    // The same bound ends a keep-alive connection left idle after its answer.
    let mut idle = TcpStream::connect(&address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut idle, "an idle keep-alive connection").await;
    assert!(
        String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"),
        "the request was answered before the idle connection was closed"
    );
}

async fn a_thousand_idle_sockets_do_not_keep_healthz_from_answering(db: TestDb) {
    let app = TestApp::spawn_with(db, |http| {
        http.header_read_timeout_seconds = 1;
        http.max_connections = 100;
    })
    .await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..1_100 {
        idle.push(TcpStream::connect(&address).await.unwrap());
    }
    let health = reqwest::Client::builder()
        .timeout(NEVER)
        .build()
        .unwrap()
        .get(app.url("/healthz"))
        .reply()
        .await;
    health.assert_status_because(200, "idle sockets are closed and do not hold the server");
    for (n, socket) in idle.iter_mut().enumerate() {
        read_until_closed(socket, &format!("idle socket {n}")).await;
    }
}

async fn an_answer_given_before_the_body_was_read_says_connection_close(db: TestDb) {
    let app = TestApp::spawn(db).await;
    let address = app.base.trim_start_matches("http://").to_string();
    let mut client = TcpStream::connect(&address).await.unwrap();
    // A body announced far over the limit (1 MiB); only its start is sent.
    client
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 5000000\r\n\r\ntenant=caja&email=",
        )
        .await
        .unwrap();
    let answer = String::from_utf8_lossy(&read_until_closed(&mut client, "after a 413").await)
        .to_lowercase();
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(
        answer.contains("\r\nconnection: close\r\n"),
        "a keep-alive client must be told that its next request needs a new connection: {answer}"
    );

    // A keep-alive client that sent a whole body keeps its connection.
    let mut client = TcpStream::connect(&address).await.unwrap();
    client
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let answers = String::from_utf8_lossy(&read_until_closed(&mut client, "two requests").await)
        .matches("HTTP/1.1 200")
        .count();
    assert_eq!(answers, 2, "both requests on one connection are answered");
}
