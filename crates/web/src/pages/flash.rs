//! Post → redirect → get: every form answers with a redirect, and what the next page must say once (a
//! notice, the warnings of a saved client, a refused form with what was typed, a new API key) travels in
//! a one-time cookie (ADR 19). The page it is for shows it and deletes it, so a reload or a revisited URL
//! shows nothing again, and a reload never sends the form twice.
//!
//! The cookie is signed with the installation's secret over the session's CSRF token and the page's path:
//! another session, another page or a hand-made cookie gets nothing. What it carries is good for five
//! minutes (the instant is inside the signature); the cookie is `HttpOnly`, `SameSite=Strict`, and the
//! flash is never put in a URL.

use crate::auth::Staff;
use crate::pages::form::Form;
use crate::state::AppState;
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "credinet_flash";
const PURPOSE: &[u8] = b"credinet flash\n";
/// Long enough for the redirect to be followed on a slow phone, short enough not to linger.
const LIFETIME_SECONDS: i64 = 300;
/// Browsers keep cookies up to 4096 bytes; past this a refused form is answered in place instead.
const MAX_COOKIE: usize = 3800;

/// The flash with the instant past which it is stale (Unix seconds), as signed into the cookie.
#[derive(Serialize, Deserialize)]
struct Sealed {
    until: i64,
    flash: Flash,
}

/// What the next page says once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Flash {
    /// A change went through: «Préstamo aprobado.»
    Notice(String),
    /// A payment went through: the notice and the payment whose receipt the page links.
    Paid { notice: String, payment: i64 },
    /// Saved, with warnings to read now (a client's RFC check digit…).
    Warnings(Vec<String>),
    /// A form came back refused, with what was typed; `form` names which of the page's forms.
    Refused { form: String, typed: Form },
    /// A request refused as a whole (an action on a loan), said above the page's actions.
    Error(String),
    /// A new API key, the only time it is shown.
    NewKey(String),
    /// What each of several attempts came to (a test message per channel and chat).
    Outcomes(Vec<Outcome>),
}

/// One line of [`Flash::Outcomes`]: what was tried, how it went, and whether that is good news.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub label: String,
    pub text: String,
    pub ok: bool,
}

fn signature(state: &AppState, staff: &Staff, path: &str, payload: &str) -> String {
    hex::encode(
        state
            .login_csrf()
            .signature(PURPOSE, &[&staff.via.csrf_token, path, payload]),
    )
}

/// `303 See Other` to `to`, carrying `flash` for that page; `None` when the flash would not fit a cookie
/// (the caller then answers in place).
pub fn redirect(state: &AppState, staff: &Staff, to: &str, flash: &Flash) -> Option<Response> {
    let sealed = Sealed {
        until: state.store().now().timestamp() + LIFETIME_SECONDS,
        flash: flash.clone(),
    };
    let payload = hex::encode(serde_json::to_vec(&sealed).ok()?);
    let path = to.split('?').next().unwrap_or(to);
    let value = format!("{payload}.{}", signature(state, staff, path, &payload));
    if value.len() > MAX_COOKIE {
        return None;
    }
    let cookie = Cookie::build((COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.http().secure_cookies())
        .path("/")
        .build();
    let jar = CookieJar::new().add(cookie);
    Some((StatusCode::SEE_OTHER, jar, [(LOCATION, to.to_string())]).into_response())
}

/// `redirect` to `to` with a flash that always fits (a notice, an error, a key).
pub fn redirect_with(state: &AppState, staff: &Staff, to: &str, flash: Flash) -> Response {
    redirect(state, staff, to, &flash).unwrap_or_else(|| {
        tracing::warn!(to, "a flash did not fit its cookie");
        (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
    })
}

/// The flash for the page at `path`, if one came with the request, and the jar that deletes it: the
/// page's response must carry the jar.
pub fn take(
    state: &AppState,
    staff: &Staff,
    jar: CookieJar,
    path: &str,
) -> (CookieJar, Option<Flash>) {
    let Some(value) = jar.get(COOKIE).map(|c| c.value().to_string()) else {
        return (jar, None);
    };
    let Some((payload, signed)) = value.split_once('.') else {
        return (forget(jar), None);
    };
    let expected = signature(state, staff, path, payload);
    if !credinet_accounts::token::same_secret(&expected, signed) {
        // For another page (or another session): leave it for the page it is for.
        return (jar, None);
    }
    let now = state.store().now().timestamp();
    let flash = hex::decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Sealed>(&bytes).ok())
        .filter(|sealed| sealed.until >= now)
        .map(|sealed| sealed.flash);
    (forget(jar), flash)
}

fn forget(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(COOKIE).path("/"))
}
