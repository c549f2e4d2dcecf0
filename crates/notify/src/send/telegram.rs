//! Telegram Bot API `sendMessage` (HTML parse mode). Failures come as `{"ok": false, "error_code",
//! "description", "parameters": {"retry_after", "migrate_to_chat_id"}}`.

use super::{Outgoing, SendError, by_status, seconds, unreachable};
use serde::Deserialize;

#[derive(Deserialize)]
struct Answer {
    ok: bool,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    #[serde(default)]
    retry_after: Option<f64>,
    #[serde(default)]
    migrate_to_chat_id: Option<i64>,
}

pub async fn send(
    http: &reqwest::Client,
    api_base: &str,
    bot_token: &str,
    message: &Outgoing<'_>,
) -> Result<(), SendError> {
    let url = format!(
        "{}/bot{bot_token}/sendMessage",
        api_base.trim_end_matches('/')
    );
    let response = http
        .post(url)
        .json(&serde_json::json!({
            "chat_id": message.destination,
            "text": message.body,
            "parse_mode": "HTML",
            "link_preview_options": { "is_disabled": true },
        }))
        .send()
        .await
        .map_err(unreachable)?;
    let status = response.status();
    let text = response.text().await.map_err(unreachable)?;
    let answer: Option<Answer> = serde_json::from_str(&text).ok();
    if status.is_success() && answer.as_ref().is_some_and(|a| a.ok) {
        return Ok(());
    }
    let parameters = answer.as_ref().and_then(|a| a.parameters.as_ref());
    if let Some(to) = parameters.and_then(|p| p.migrate_to_chat_id) {
        return Err(SendError::ChatMigrated { to: to.to_string() });
    }
    let retry_after = parameters.and_then(|p| p.retry_after).and_then(seconds);
    let description = answer
        .and_then(|a| a.description)
        .unwrap_or_else(|| text.chars().take(200).collect());
    Err(by_status(status, retry_after, &description))
}
