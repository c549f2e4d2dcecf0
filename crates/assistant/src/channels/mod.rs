//! Webhooks in, internal messages out: each channel's wire format parsed into [`crate::message::Inbound`]
//! and checked (tokens, signatures) without HTTP — `web` hands in the raw body and the headers it needs.

pub mod autoresponder;
pub mod cloud_api;
pub mod signature;

/// Why a webhook body was refused. `web` answers 400 with a problem body naming it; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the body is not JSON: {0}")]
    NotJson(String),
    #[error("the JSON does not have the expected shape: {0}")]
    Shape(String),
    #[error("{0} is missing or empty")]
    Missing(&'static str),
}

/// Serde's error, cut to one line and without the input (it may hold a borrower's message).
fn shape_error(e: &serde_json::Error) -> ParseError {
    match e.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            ParseError::NotJson(format!("line {} column {}", e.line(), e.column()))
        }
        _ => ParseError::Shape(e.to_string()),
    }
}
