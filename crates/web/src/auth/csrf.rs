//! CSRF protection. Signed-in forms carry the session's token (checked by the session gate). The login
//! form, which has no session yet, uses a double-submit cookie: a random token both in a cookie and in
//! the form, which a cross-site page can neither read nor set.
//!
//! The cookie is signed (HMAC-SHA256 with the server's secret: `secret_key`, or one generated once and
//! kept in the database). Unsigned, a cookie planted by a sibling subdomain or a man in the middle on
//! plain http (cookie tossing) would pair with a form token of the attacker's choosing; signed, only a
//! token this installation issued is taken.

use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use credinet_accounts::token;
use credinet_core::masked::Masked;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Name of the hidden form field and of the login cookie.
pub const FIELD: &str = "csrf_token";
pub const LOGIN_COOKIE: &str = "credinet_login_csrf";
pub const REFUSAL: &str = "El formulario caducó o no vino de esta página (protección CSRF). Recargue la página e intente de nuevo.";

/// What the signature covers besides the token, so that a signature made for anything else with the
/// same secret is never a login cookie's.
const PURPOSE: &[u8] = b"credinet login csrf\n";

/// Issues and checks the login form's signed double-submit cookie.
#[derive(Clone)]
pub struct LoginCsrf {
    key: Masked<Vec<u8>>,
}

impl LoginCsrf {
    pub fn new(secret: &str) -> LoginCsrf {
        LoginCsrf {
            key: Masked::new(secret.as_bytes().to_vec()),
        }
    }

    /// The login form's token: the one in the cookie when its signature holds, or a new one whose
    /// signed cookie is set on the jar.
    pub fn token(&self, jar: CookieJar, secure: bool) -> (CookieJar, String) {
        if let Some(existing) = jar.get(LOGIN_COOKIE).and_then(|c| self.verified(c.value())) {
            return (jar, existing);
        }
        let value = token::random_token();
        let cookie = Cookie::build((LOGIN_COOKIE, format!("{value}.{}", self.sign(&value))))
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .path("/login")
            .build();
        (jar.add(cookie), value)
    }

    /// True when the login cookie carries this installation's signature and the form's token matches it.
    pub fn matches(&self, jar: &CookieJar, submitted: &str) -> bool {
        jar.get(LOGIN_COOKIE)
            .and_then(|c| self.verified(c.value()))
            .is_some_and(|token| token::same_secret(&token, submitted))
    }

    /// The token of a cookie value `token.signature` whose signature is right.
    fn verified(&self, cookie: &str) -> Option<String> {
        let (value, signature) = cookie.split_once('.')?;
        let signature = hex::decode(signature).ok()?;
        self.mac(value).verify_slice(&signature).ok()?;
        Some(value.to_string())
    }

    fn sign(&self, value: &str) -> String {
        hex::encode(self.mac(value).finalize().into_bytes())
    }

    /// The installation's signature of `parts` under `purpose`, for the back office's other signed
    /// cookie (the one-time flash, `pages::flash`): the purpose keeps either from passing for the other.
    pub fn signature(&self, purpose: &[u8], parts: &[&str]) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose())
            .expect("HMAC takes a key of any length");
        mac.update(purpose);
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        mac.finalize().into_bytes().to_vec()
    }

    fn mac(&self, value: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.key.expose())
            .expect("HMAC takes a key of any length");
        mac.update(PURPOSE);
        mac.update(value.as_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie_of(jar: &CookieJar) -> String {
        jar.get(LOGIN_COOKIE).unwrap().value().to_string()
    }

    #[test]
    fn a_token_issued_here_matches_its_form() {
        let csrf = LoginCsrf::new("a server secret of enough length, 32+");
        let (jar, token) = csrf.token(CookieJar::new(), false);
        assert!(csrf.matches(&jar, &token));
        assert!(!csrf.matches(&jar, "another token"));
        // The same cookie gives the same token back: several tabs, one cookie.
        let (jar, again) = csrf.token(jar, false);
        assert_eq!(again, token);
        assert!(csrf.matches(&jar, &token));
    }

    #[test]
    fn a_planted_unsigned_or_foreign_cookie_is_not_taken() {
        let ours = LoginCsrf::new("a server secret of enough length, 32+");
        let theirs = LoginCsrf::new("someone else's secret, also 32 chars");
        let planted = "a".repeat(64);
        let unsigned = CookieJar::new().add(Cookie::new(LOGIN_COOKIE, planted.clone()));
        assert!(!ours.matches(&unsigned, &planted), "an unsigned cookie");
        let (foreign, token) = theirs.token(CookieJar::new(), false);
        assert!(
            !ours.matches(&foreign, &token),
            "a cookie signed with another secret"
        );
        let forged = format!(
            "{planted}.{}",
            cookie_of(&foreign).split_once('.').unwrap().1
        );
        let forged = CookieJar::new().add(Cookie::new(LOGIN_COOKIE, forged));
        assert!(
            !ours.matches(&forged, &planted),
            "another token's signature"
        );
        // Asked for the form, the planted cookie is replaced by a signed one.
        let (jar, fresh) = ours.token(unsigned, false);
        assert_ne!(fresh, planted);
        assert!(ours.matches(&jar, &fresh));
    }
}
