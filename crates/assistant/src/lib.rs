//! The WhatsApp self-service assistant (SPEC §5): channels → orchestrator → router → dispatcher → modules →
//! redactor. Each stage is its own module with one job; the pipeline knows no HTTP (`web` turns a webhook
//! into the internal message and the reply back into the channel's answer).
//!
//! Where a message goes: [`orchestrator`] (session, dedupe, expiry) → [`router`] (intent) →
//! [`dispatcher`] (what to do, who may see loan data) → [`modules`] and [`verification`] (data) →
//! [`redactor`] (text, from [`templates`]).

pub mod channel_config;
pub mod channels;
pub mod client_pin;
pub mod dispatcher;
mod error;
pub mod message;
pub mod modules;
pub mod months;
pub mod orchestrator;
pub mod outcome;
pub mod redactor;
pub mod router;
pub mod session;
mod settings;
pub mod templates;
pub mod tenant_config;
pub mod transcripts;
pub mod verification;

pub use error::AssistantError;
pub use orchestrator::{Assistant, Handled, Reply};
pub use router::{Awaiting, Intent, Routed, route};
pub use settings::{AssistantSettings, AssistantSettingsError};
