//! Email over SMTP with lettre: implicit TLS (`smtps://`), STARTTLS (`smtp://…?tls=required`) or plain
//! (`smtp://host:port`, for a local relay and tests), as the channel's URL says.

use super::{Outgoing, SendError};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub async fn send(
    smtp_url: &str,
    from: &str,
    to: &[String],
    message: &Outgoing<'_>,
    timeout: std::time::Duration,
) -> Result<(), SendError> {
    let mailbox = |raw: &str| {
        raw.parse::<Mailbox>()
            .map_err(|_| crate::channel::ChannelError::BadAddress {
                value: raw.to_string(),
            })
    };
    let mut builder = Message::builder()
        .from(mailbox(from)?)
        .subject(message.subject.unwrap_or("Credinet"))
        .header(ContentType::TEXT_PLAIN)
        // One id per stored message: a mail client shows a repeated delivery as the same message.
        .message_id(Some(format!("<credinet-notify-{}@credinet>", message.id)));
    for address in to {
        builder = builder.to(mailbox(address)?);
    }
    let email = builder
        .body(message.body.to_string())
        .map_err(|e| SendError::MailRefused {
            reason: e.to_string(),
        })?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
        .map_err(|_| crate::channel::ChannelError::BadSmtpUrl)?
        .timeout(Some(timeout))
        .build();
    match transport.send(email).await {
        Ok(_) => Ok(()),
        Err(e) if e.is_permanent() => Err(SendError::MailRefused {
            reason: e.to_string(),
        }),
        Err(e) => Err(SendError::MailFailed {
            reason: e.to_string(),
        }),
    }
}
