//! CSRF protection. Signed-in forms carry the session's token (checked by the session gate). The login
//! form, which has no session yet, uses a double-submit cookie: a random value both in a cookie and in the
//! form, which a cross-site page can neither read nor set.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use credinet_accounts::token;

/// Name of the hidden form field and of the login cookie.
pub const FIELD: &str = "csrf_token";
pub const LOGIN_COOKIE: &str = "credinet_login_csrf";
pub const REFUSAL: &str = "El formulario caducó o no vino de esta página (protección CSRF). Recargue la página e intente de nuevo.";

/// The login form's token: the one already in the cookie, or a new one set on the jar.
pub fn login_token(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    if let Some(existing) = jar
        .get(LOGIN_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
    {
        return (jar, existing);
    }
    let value = token::random_token();
    let cookie = Cookie::build((LOGIN_COOKIE, value.clone()))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .path("/login")
        .build();
    (jar.add(cookie), value)
}

/// True when the login form's token matches its cookie.
pub fn login_token_matches(jar: &CookieJar, submitted: &str) -> bool {
    jar.get(LOGIN_COOKIE)
        .is_some_and(|c| token::same_secret(c.value(), submitted))
}
