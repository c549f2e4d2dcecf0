//! Who is calling: staff in a browser (session cookie + CSRF token) or an integration (API key), both
//! handed to handlers as one [`Caller`] shape.

pub mod api_key;
pub mod caller;
pub mod csrf;
pub mod session;

pub use api_key::ApiCaller;
pub use caller::Caller;
pub use session::Staff;
