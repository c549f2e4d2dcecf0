//! Waits for `/readyz` to answer 200 (the database answers and no migration is pending), asking twice
//! a second until the deadline. A refused connection, a 503 and a timeout all mean "not yet": a
//! service that is starting looks like one that died until the deadline says otherwise.

use super::ReleaseError;
use std::time::{Duration, Instant};

const EVERY: Duration = Duration::from_millis(500);
const ASK_TIMEOUT: Duration = Duration::from_secs(5);

pub(crate) async fn wait_ready(url: &str, timeout: Duration) -> Result<(), ReleaseError> {
    let client = reqwest::Client::builder()
        .timeout(ASK_TIMEOUT)
        .build()
        .map_err(|e| ReleaseError::Invalid(format!("cannot build an HTTP client: {e}")))?;
    let deadline = Instant::now() + timeout;
    let mut last;
    loop {
        last = match client.get(url).send().await {
            Ok(answer) if answer.status().is_success() => return Ok(()),
            Ok(answer) => {
                let status = answer.status();
                let body = answer.text().await.unwrap_or_default();
                format!("{url} answered {status}: {}", body.trim())
            }
            Err(e) => format!("{url} did not answer: {e}"),
        };
        if Instant::now() + EVERY > deadline {
            break;
        }
        tokio::time::sleep(EVERY).await;
    }
    Err(ReleaseError::Invalid(format!(
        "not ready within {} s; last: {last}",
        timeout.as_secs()
    )))
}
