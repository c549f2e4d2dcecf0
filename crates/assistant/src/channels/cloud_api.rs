//! WhatsApp Cloud API webhooks (SPEC §5): the `GET` subscription handshake and the `POST` deliveries.
//!
//! A delivery batches changes: `{"object":"whatsapp_business_account","entry":[{"id":…,"changes":[{"field":
//! "messages","value":{"metadata":{"phone_number_id":…},"contacts":[…],"messages":[…],"statuses":[…]}}]}]}`.
//! Each change names the receiving number (`phone_number_id`), which says which tenant it is for. Every
//! message of the batch is taken; a message type the assistant does not read (image, audio, reaction…) is
//! kept as unsupported rather than dropped, so the person gets an answer. Meta redelivers until it gets a
//! 200, so the pipeline processes each message id once.

use super::{ParseError, shape_error};
use crate::message::{Channel, Content, Inbound, Sender};
use credinet_core::phone::Phone;
use serde::Deserialize;

/// The answer to Meta's `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`: the challenge when
/// the token is the tenant's, else `None` (answered 403).
pub fn handshake(
    mode: Option<&str>,
    verify_token: Option<&str>,
    challenge: Option<&str>,
    expected_token: &str,
) -> Option<String> {
    let token_ok = super::signature::token_matches(verify_token?, expected_token);
    (mode? == "subscribe" && token_ok).then(|| challenge.unwrap_or_default().to_string())
}

/// What one change of a delivery holds for one receiving number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The receiving number's id: the tenant is found by it.
    pub phone_number_id: String,
    pub messages: Vec<Inbound>,
    pub statuses: Vec<Status>,
}

/// What became of a reply we sent: `sent`, `delivered`, `read` or `failed` (with Meta's error title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub message_id: String,
    pub status: String,
    pub recipient: String,
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    value: Option<Value>,
}

#[derive(Deserialize)]
struct Value {
    metadata: Option<Metadata>,
    #[serde(default)]
    messages: Vec<Message>,
    #[serde(default)]
    statuses: Vec<RawStatus>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    phone_number_id: String,
}

#[derive(Deserialize)]
struct Message {
    #[serde(default)]
    from: String,
    #[serde(default)]
    id: String,
    #[serde(rename = "type", default)]
    kind: String,
    text: Option<TextBody>,
    button: Option<ButtonBody>,
    interactive: Option<Interactive>,
}

#[derive(Deserialize)]
struct TextBody {
    #[serde(default)]
    body: String,
}

#[derive(Deserialize)]
struct ButtonBody {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct Interactive {
    button_reply: Option<Titled>,
    list_reply: Option<Titled>,
}

#[derive(Deserialize)]
struct Titled {
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct RawStatus {
    #[serde(default)]
    id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    recipient_id: String,
    #[serde(default)]
    errors: Vec<StatusError>,
}

#[derive(Deserialize)]
struct StatusError {
    #[serde(default)]
    title: String,
}

/// Every change of a delivery, in order. Changes of other fields (account updates, templates) carry no
/// messages and are left out; a message without an id or a sender is refused, because it could be
/// neither deduplicated nor answered.
pub fn parse(body: &[u8]) -> Result<Vec<Delivery>, ParseError> {
    let body: Body = serde_json::from_slice(body).map_err(|e| shape_error(&e))?;
    let mut deliveries = Vec::new();
    for change in body.entry.into_iter().flat_map(|e| e.changes) {
        let Some(value) = change.value.filter(|_| change.field == "messages") else {
            continue;
        };
        let phone_number_id = value
            .metadata
            .map(|m| m.phone_number_id)
            .filter(|id| !id.trim().is_empty())
            .ok_or(ParseError::Missing("metadata.phone_number_id"))?;
        let messages = value
            .messages
            .into_iter()
            .map(inbound)
            .collect::<Result<Vec<_>, _>>()?;
        let statuses = value
            .statuses
            .into_iter()
            .map(|s| Status {
                message_id: s.id,
                status: s.status,
                recipient: s.recipient_id,
                error: s.errors.into_iter().next().map(|e| e.title),
            })
            .collect();
        deliveries.push(Delivery {
            phone_number_id,
            messages,
            statuses,
        });
    }
    Ok(deliveries)
}

fn inbound(m: Message) -> Result<Inbound, ParseError> {
    if m.id.trim().is_empty() {
        return Err(ParseError::Missing("messages[].id"));
    }
    if m.from.trim().is_empty() {
        return Err(ParseError::Missing("messages[].from"));
    }
    let tapped = m
        .interactive
        .and_then(|i| i.button_reply.or(i.list_reply))
        .map(|t| t.title);
    let content = match (m.kind.as_str(), m.text, m.button, tapped) {
        ("text", Some(text), _, _) => Content::Text(text.body),
        ("button", _, Some(button), _) => Content::Text(button.text),
        ("interactive", _, _, Some(title)) => Content::Text(title),
        (kind, ..) => Content::Unsupported(if kind.is_empty() {
            "unknown".into()
        } else {
            kind.into()
        }),
    };
    // Meta sends Mexican mobiles as 521 + 10 digits; `Phone` makes them the key staff typed.
    let sender = match Phone::from_whatsapp_id(&m.from) {
        Ok(phone) => Sender::Phone(phone),
        Err(_) => Sender::Name(m.from.trim().to_string()),
    };
    Ok(Inbound {
        channel: Channel::CloudApi,
        sender,
        content,
        message_id: Some(m.id),
        in_group: false,
        is_test: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BATCH: &str = r#"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[
      {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "contacts":[{"profile":{"name":"Leticia"},"wa_id":"5215512345678"}],
        "messages":[
          {"from":"5215512345678","id":"wamid.A1","timestamp":"1764700000","type":"text","text":{"body":"Hola"}},
          {"from":"5215512345678","id":"wamid.A2","timestamp":"1764700001","type":"image",
           "image":{"mime_type":"image/jpeg","sha256":"x","id":"m1"}},
          {"from":"5215512345678","id":"wamid.A3","timestamp":"1764700002","type":"interactive",
           "interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Mi saldo"}}},
          {"from":"5215512345678","id":"wamid.A4","timestamp":"1764700003","type":"reaction",
           "reaction":{"message_id":"wamid.X","emoji":"👍"}}]}},
      {"field":"messages","value":{"messaging_product":"whatsapp",
        "metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
        "statuses":[{"id":"wamid.OUT1","status":"delivered","timestamp":"1764700004","recipient_id":"5215512345678"},
                    {"id":"wamid.OUT2","status":"failed","timestamp":"1764700005","recipient_id":"5215512345678",
                     "errors":[{"code":131047,"title":"Re-engagement message"}]}]}}]}]}"#;

    #[test]
    fn a_batch_gives_every_message_and_status() {
        let deliveries = parse(BATCH.as_bytes()).unwrap();
        assert_eq!(deliveries.len(), 2);
        let first = &deliveries[0];
        assert_eq!(first.phone_number_id, "106540352242922");
        let contents: Vec<&Content> = first.messages.iter().map(|m| &m.content).collect();
        assert_eq!(
            contents,
            [
                &Content::Text("Hola".into()),
                &Content::Unsupported("image".into()),
                &Content::Text("Mi saldo".into()),
                &Content::Unsupported("reaction".into()),
            ]
        );
        // The 521 form of a Mexican mobile is the number staff typed.
        assert_eq!(first.messages[0].sender.key(), "+525512345678");
        assert_eq!(first.messages[0].message_id.as_deref(), Some("wamid.A1"));
        let statuses = &deliveries[1].statuses;
        assert_eq!(statuses[0].status, "delivered");
        assert_eq!(statuses[1].error.as_deref(), Some("Re-engagement message"));
    }

    #[test]
    fn a_message_without_id_or_receiving_number_is_refused() {
        let no_id = r#"{"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"1"},
            "messages":[{"from":"5215512345678","type":"text","text":{"body":"x"}}]}}]}]}"#;
        assert_eq!(
            parse(no_id.as_bytes()),
            Err(ParseError::Missing("messages[].id"))
        );
        let no_number = r#"{"entry":[{"changes":[{"field":"messages","value":{"messages":[]}}]}]}"#;
        assert_eq!(
            parse(no_number.as_bytes()),
            Err(ParseError::Missing("metadata.phone_number_id"))
        );
        assert!(matches!(parse(b"not json"), Err(ParseError::NotJson(_))));
        assert_eq!(parse(br#"{"object":"page"}"#), Ok(vec![]));
    }

    #[test]
    fn the_handshake_echoes_the_challenge_for_the_right_token_only() {
        let ok = handshake(Some("subscribe"), Some("tok"), Some("1158201444"), "tok");
        assert_eq!(ok.as_deref(), Some("1158201444"));
        assert_eq!(
            handshake(Some("subscribe"), Some("bad"), Some("1"), "tok"),
            None
        );
        assert_eq!(
            handshake(Some("unsubscribe"), Some("tok"), Some("1"), "tok"),
            None
        );
        assert_eq!(handshake(None, None, None, "tok"), None);
    }
}
