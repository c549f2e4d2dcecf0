//! The WhatsApp self-service assistant (SPEC §5): channels → orchestrator → router → dispatcher → modules →
//! redactor. Each stage is its own module with one job; the pipeline knows no HTTP (`web` turns a webhook
//! into the internal message and the reply back into the channel's answer).
//!
//! Built so far: the channels' parsers (webhook → [`message::Inbound`]) and the router (text + session
//! state → intent + confidence).

pub mod channels;
pub mod message;
pub mod router;

pub use router::{Awaiting, Intent, Routed, route};
