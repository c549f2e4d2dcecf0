//! The assistant's webhooks (SPEC §5): each turns a channel's request into the assistant's message, hands
//! it to the pipeline and turns the replies into the channel's answer. Nothing here decides what to
//! answer; a failure of the pipeline is logged and answered as the channel expects, never with a 5xx.

pub mod autoresponder;
pub mod cloud_api;
