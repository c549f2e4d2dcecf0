//! The one message type every channel turns its webhook into, and the pipeline works on.

use credinet_core::phone::Phone;

/// Which channel a message came through; sessions are per (tenant, channel, sender).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The Android app "AutoResponder for WhatsApp", rule "Connect your own server".
    AutoResponder,
    /// Meta's WhatsApp Cloud API.
    CloudApi,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::AutoResponder => "autoresponder",
            Channel::CloudApi => "cloud_api",
        }
    }
}

/// Who wrote. The Cloud API always says the number; AutoResponder says what the phone's notification
/// showed, which is the contact's name when the lender saved the borrower in the phone's contacts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sender {
    Phone(Phone),
    /// A contact name (or a number in a form that is not a phone number): kept as written, trimmed.
    Name(String),
}

impl Sender {
    /// A number when the text reads as one in any Mexican form («+52 1 55 1234 5678», «5512345678»),
    /// else a contact name.
    pub fn from_notification(shown: &str) -> Sender {
        let shown = shown.trim();
        let looks_numeric = shown.chars().any(|c| c.is_ascii_digit())
            && shown
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
        match looks_numeric.then(|| Phone::parse(shown)) {
            Some(Ok(phone)) => Sender::Phone(phone),
            _ => Sender::Name(shown.to_string()),
        }
    }

    /// The key a session is kept under: the E.164 number, or `name:` and the name.
    pub fn key(&self) -> String {
        match self {
            Sender::Phone(p) => p.as_str().to_string(),
            Sender::Name(n) => format!("name:{n}"),
        }
    }
}

/// What a message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Text typed, or the title of a button or list row the person tapped.
    Text(String),
    /// Something the assistant does not read (image, audio, sticker, reaction, location…), by the
    /// channel's name for it. Answered with a short «solo puedo leer texto», never with an error.
    Unsupported(String),
}

/// A message in, from either channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbound {
    pub channel: Channel,
    pub sender: Sender,
    pub content: Content,
    /// The channel's own id (Cloud API `wamid…`), used to process a redelivery once. AutoResponder has none.
    pub message_id: Option<String>,
    /// Sent in a group chat (AutoResponder only): no reply unless the tenant enables it.
    pub in_group: bool,
    /// The AutoResponder app's "test rule" button: answered with a diagnostic reply.
    pub is_test: bool,
}
