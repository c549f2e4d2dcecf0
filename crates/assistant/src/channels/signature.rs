//! Checks of who sent a webhook: a shared token compared in constant time, and HMAC-SHA256 of the raw
//! body (Meta's `X-Hub-Signature-256: sha256=<hex>`, and the optional signature for other senders of
//! the AutoResponder endpoint).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// `presented == expected` in time that does not depend on where they differ.
pub fn token_matches(presented: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(presented.as_bytes().ct_eq(expected.as_bytes()))
}

/// Whether `header` (`sha256=` and 64 hex digits) is the HMAC-SHA256 of `body` under `secret`.
/// A missing prefix, bad hex or a wrong length is a wrong signature, not an error.
pub fn sha256_signature_matches(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(hex_digest) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// The `sha256=<hex>` header value for `body` (used by tests and by the fake Graph API's deliveries).
pub fn sha256_signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_matches_its_body_and_secret_only() {
        let header = sha256_signature(b"app-secret", b"{\"a\":1}");
        assert!(sha256_signature_matches(
            b"app-secret",
            b"{\"a\":1}",
            &header
        ));
        assert!(!sha256_signature_matches(
            b"app-secret",
            b"{\"a\":2}",
            &header
        ));
        assert!(!sha256_signature_matches(b"other", b"{\"a\":1}", &header));
        assert!(!sha256_signature_matches(
            b"app-secret",
            b"{\"a\":1}",
            &header[7..]
        ));
        assert!(!sha256_signature_matches(
            b"app-secret",
            b"{\"a\":1}",
            "sha256=zz"
        ));
    }

    #[test]
    fn an_empty_expected_token_matches_nothing() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("", ""));
    }
}
