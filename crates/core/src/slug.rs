//! A tenant's slug: the short name in URLs, webhooks and the login form.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TenantSlug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("a tenant slug needs 2 to 40 characters, got {0}")]
    Length(usize),
    #[error(
        "a tenant slug uses only lowercase letters a-z, digits and '-', and starts with a letter: '{0}'"
    )]
    Characters(String),
}

impl TenantSlug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let s = raw.trim();
        let len = s.chars().count();
        if !(2..=40).contains(&len) {
            return Err(SlugError::Length(len));
        }
        let valid_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let starts_with_letter = s.starts_with(|c: char| c.is_ascii_lowercase());
        if !valid_chars || !starts_with_letter || s.ends_with('-') {
            return Err(SlugError::Characters(s.to_string()));
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_a_plain_slug() {
        assert_eq!(
            TenantSlug::parse(" caja-norte ").unwrap().as_str(),
            "caja-norte"
        );
    }

    #[test]
    fn refuses_uppercase_spaces_and_paths() {
        for bad in ["Caja", "caja norte", "../x", "caja-", "9caja", "x", "ñandu"] {
            assert!(TenantSlug::parse(bad).is_err(), "{bad} should be refused");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_slug_is_always_url_safe(s in "\\PC{0,50}") {
            if let Ok(slug) = TenantSlug::parse(&s) {
                prop_assert!(slug.as_str().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }
}
