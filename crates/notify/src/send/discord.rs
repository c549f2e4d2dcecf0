//! Discord "execute webhook". Mentions are disabled (`allowed_mentions.parse` empty), so `@everyone`
//! in a client's name notifies nobody. A 429 answers `{"retry_after": seconds, "global": bool}` and a
//! `Retry-After` header.

use super::{Outgoing, SendError, by_status, retry_after_header, seconds, unreachable};

pub async fn send(
    http: &reqwest::Client,
    webhook_url: &str,
    message: &Outgoing<'_>,
) -> Result<(), SendError> {
    let response = http
        .post(webhook_url)
        .query(&[("wait", "true")])
        .json(&serde_json::json!({
            "content": message.body,
            "allowed_mentions": { "parse": [] },
        }))
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let header = retry_after_header(&response);
    let text = response.text().await.map_err(unreachable)?;
    let body_wait = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("retry_after").and_then(|r| r.as_f64()))
        .and_then(seconds);
    Err(by_status(status, body_wait.or(header), &text))
}
