//! Who is calling: staff in a browser (session cookie + CSRF token) or an integration (API key).

pub mod api_key;
pub mod csrf;
pub mod session;

pub use api_key::ApiCaller;
pub use session::Staff;
