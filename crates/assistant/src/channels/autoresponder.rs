//! The AutoResponder for WhatsApp app's "Connect your own server" rule (SPEC §5): its request, its
//! answer, and its credentials.
//!
//! The app sends, for each notification it reads:
//! `{"appPackageName": "…", "messengerPackageName": "com.whatsapp", "query": {"sender": "…",
//! "message": "…", "isGroup": false, "groupParticipant": "…", "ruleId": 1, "isTestMessage": false}}`
//! (`ruleId` and `isTestMessage` are missing in older versions) and shows the `replies` of the answer.
//! It has no message id and retries on its own, so the pipeline must make a repeated delivery harmless.

use super::{ParseError, shape_error, signature};
use crate::message::{Channel, Content, Inbound, Sender};
use base64::Engine;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default)]
    query: Option<Query>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Query {
    #[serde(default)]
    sender: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    is_group: Option<bool>,
    #[serde(default)]
    group_participant: Option<String>,
    #[serde(default)]
    is_test_message: Option<bool>,
}

/// The app's request as an internal message.
pub fn parse(body: &[u8]) -> Result<Inbound, ParseError> {
    let request: Request = serde_json::from_slice(body).map_err(|e| shape_error(&e))?;
    let query = request.query.ok_or(ParseError::Missing("query"))?;
    let in_group = query.is_group.unwrap_or(false);
    // In a group the notification's title is the group; the person is the participant.
    let shown = match (in_group, query.group_participant.as_deref().map(str::trim)) {
        (true, Some(participant)) if !participant.is_empty() => participant.to_string(),
        _ => query.sender.unwrap_or_default(),
    };
    if shown.trim().is_empty() {
        return Err(ParseError::Missing("query.sender"));
    }
    let message = query.message.ok_or(ParseError::Missing("query.message"))?;
    Ok(Inbound {
        channel: Channel::AutoResponder,
        sender: Sender::from_notification(&shown),
        content: Content::Text(message),
        message_id: None,
        in_group,
        is_test: query.is_test_message.unwrap_or(false),
    })
}

/// The answer the app shows: every reply in order; none is an empty list (the app stays silent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub replies: Vec<AnswerReply>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerReply {
    pub message: String,
}

impl Answer {
    pub fn new(replies: impl IntoIterator<Item = String>) -> Answer {
        Answer {
            replies: replies
                .into_iter()
                .map(|message| AnswerReply { message })
                .collect(),
        }
    }
}

/// What the request presented as the tenant's token. The app can send a Basic auth password or a custom
/// header, not a signature; other senders may use a bearer token.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The tenant's configured header (e.g. `X-Credinet-Token`), when it has one.
    pub custom_header: Option<&'a str>,
}

impl Presented<'_> {
    /// Whether any presented form carries `expected`, each compared in constant time.
    pub fn carries(&self, expected: &str) -> bool {
        let from_authorization = self.authorization.and_then(token_in_authorization);
        let custom = self.custom_header.map(|v| v.trim().to_string());
        [from_authorization, custom]
            .into_iter()
            .flatten()
            .any(|t| signature::token_matches(&t, expected))
    }
}

impl Presented<'_> {
    /// Whether any presented form carries the token whose SHA-256 digest (hex) is `expected_digest` —
    /// the form a tenant's token is stored in (ADR 23) — each digest compared in constant time.
    pub fn carries_digest(&self, expected_digest: &str) -> bool {
        let from_authorization = self.authorization.and_then(token_in_authorization);
        let custom = self.custom_header.map(|v| v.trim().to_string());
        [from_authorization, custom]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .any(|t| {
                credinet_accounts::token::same_secret(
                    &credinet_accounts::token::digest(&t),
                    expected_digest,
                )
            })
    }
}

/// `Bearer T` → T; `Basic base64(user:T)` → T (the user name is ignored: the app fills it freely).
fn token_in_authorization(header: &str) -> Option<String> {
    let (scheme, value) = header.trim().split_once(' ')?;
    let value = value.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(value.to_string());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value)
            .ok()?;
        let pair = String::from_utf8(decoded).ok()?;
        return pair
            .split_once(':')
            .map(|(_, password)| password.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_app_request_parses() {
        let body = br#"{"appPackageName":"tkstudio.autoresponderforwa","messengerPackageName":"com.whatsapp",
            "query":{"sender":"+52 1 55 1234 5678","message":"Hola","isGroup":false,"groupParticipant":"",
            "ruleId":3,"isTestMessage":false}}"#;
        let m = parse(body).unwrap();
        assert_eq!(m.sender.key(), "+525512345678");
        assert_eq!(m.content, Content::Text("Hola".into()));
        assert!(!m.in_group && !m.is_test);
    }

    #[test]
    fn an_older_app_without_rule_id_and_test_flag_parses_and_a_contact_name_stays_a_name() {
        let body = r#"{"appPackageName":"tkstudio.autoresponderforwa","messengerPackageName":"com.whatsapp",
            "query":{"sender":"Doña Leti Álvarez","message":"saldo","isGroup":false}}"#;
        let m = parse(body.as_bytes()).unwrap();
        assert_eq!(m.sender, Sender::Name("Doña Leti Álvarez".into()));
        assert!(!m.is_test);
    }

    #[test]
    fn in_a_group_the_participant_is_the_sender() {
        let body = br#"{"query":{"sender":"Tanda de la colonia","message":"hola","isGroup":true,
            "groupParticipant":"5512345678","isTestMessage":true}}"#;
        let m = parse(body).unwrap();
        assert_eq!(m.sender.key(), "+525512345678");
        assert!(m.in_group && m.is_test);
    }

    #[test]
    fn missing_fields_and_bad_json_are_refused_by_name() {
        assert_eq!(parse(b"{}"), Err(ParseError::Missing("query")));
        assert_eq!(
            parse(br#"{"query":{"message":"x"}}"#),
            Err(ParseError::Missing("query.sender"))
        );
        assert_eq!(
            parse(br#"{"query":{"sender":"Ana"}}"#),
            Err(ParseError::Missing("query.message"))
        );
        assert!(matches!(parse(b"{\"query\":"), Err(ParseError::NotJson(_))));
        assert!(matches!(
            parse(br#"{"query":{"sender":5}}"#),
            Err(ParseError::Shape(_))
        ));
    }

    #[test]
    fn the_token_is_accepted_as_bearer_basic_password_or_custom_header() {
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("cualquiera:s3cret")
        );
        for presented in [
            Presented {
                authorization: Some("Bearer s3cret"),
                custom_header: None,
            },
            Presented {
                authorization: Some(&basic),
                custom_header: None,
            },
            Presented {
                authorization: None,
                custom_header: Some("s3cret"),
            },
        ] {
            assert!(presented.carries("s3cret"), "{presented:?}");
            assert!(!presented.carries("other"), "{presented:?}");
        }
        assert!(!Presented::default().carries("s3cret"));
        assert!(
            !Presented {
                authorization: Some("Basic !!!"),
                custom_header: None
            }
            .carries("s3cret")
        );
    }

    #[test]
    fn the_answer_is_the_apps_replies_shape() {
        let answer = Answer::new(["Hola".to_string(), "¿En qué te ayudo?".to_string()]);
        assert_eq!(
            serde_json::to_string(&answer).unwrap(),
            r#"{"replies":[{"message":"Hola"},{"message":"¿En qué te ayudo?"}]}"#
        );
        assert_eq!(
            serde_json::to_string(&Answer::new([])).unwrap(),
            r#"{"replies":[]}"#
        );
    }
}
