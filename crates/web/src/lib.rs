//! The HTTP edge of Credinet: back-office pages, the `/v1` JSON API, authentication, health.
//! Handlers are thin: parse, authorize, call a service, render.

pub mod auth;
pub mod cloud_replies;
pub mod error;
pub mod guard;
pub mod key_listener;
pub mod monitoring;
pub mod origin;
pub mod pages;
pub mod routes;
pub mod serving;
pub mod settings;
pub mod startup;
pub mod state;
pub mod throttle;
pub mod wal;
pub mod whatsapp_graph;

pub use settings::HttpSettings;
pub use startup::Application;
