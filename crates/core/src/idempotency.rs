//! The key a caller sends so that a retried request creates nothing new (`Idempotency-Key` on `/v1`, a
//! hidden field on the payment form).
//!
//! One limit for every edge and the service: the database column holds 100 characters. A key is printable
//! ASCII so it reads the same in a log, a header and a CSV, and no control character can split a line.

use std::fmt;

/// A checked idempotency key: 1 to [`IdempotencyKey::MAX_LEN`] printable ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdempotencyKeyError {
    #[error("an idempotency key cannot be empty")]
    Empty,
    #[error("an idempotency key has at most {max} characters, this one has {0}", max = IdempotencyKey::MAX_LEN)]
    TooLong(usize),
    #[error(
        "an idempotency key is printable ASCII (letters, digits, punctuation, spaces); character {position} is not"
    )]
    NotPrintable { position: usize },
}

impl IdempotencyKey {
    /// The most characters a key may have (the width of `payment.idempotency_key`).
    pub const MAX_LEN: usize = 100;

    /// Surrounding spaces are dropped; what remains must be 1 to 100 characters from `' '` to `'~'`.
    pub fn parse(raw: &str) -> Result<IdempotencyKey, IdempotencyKeyError> {
        let key = raw.trim_matches(' ');
        if key.is_empty() {
            return Err(IdempotencyKeyError::Empty);
        }
        if let Some(position) = key.chars().position(|c| !(' '..='~').contains(&c)) {
            return Err(IdempotencyKeyError::NotPrintable {
                position: position + 1,
            });
        }
        if key.len() > Self::MAX_LEN {
            return Err(IdempotencyKeyError::TooLong(key.len()));
        }
        Ok(IdempotencyKey(key.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_key_of_exactly_the_limit_is_accepted_and_one_more_is_refused() {
        let longest = "k".repeat(IdempotencyKey::MAX_LEN);
        assert_eq!(IdempotencyKey::parse(&longest).unwrap().as_str(), longest);
        assert_eq!(
            IdempotencyKey::parse(&format!("{longest}k")),
            Err(IdempotencyKeyError::TooLong(IdempotencyKey::MAX_LEN + 1))
        );
    }

    #[test]
    fn surrounding_spaces_are_dropped_and_inner_ones_kept() {
        let key = IdempotencyKey::parse("  pago 2026-01-20 #7  ").unwrap();
        assert_eq!(key.as_str(), "pago 2026-01-20 #7");
    }

    #[test]
    fn empty_and_blank_keys_are_refused() {
        assert_eq!(IdempotencyKey::parse(""), Err(IdempotencyKeyError::Empty));
        assert_eq!(
            IdempotencyKey::parse("   "),
            Err(IdempotencyKeyError::Empty)
        );
    }

    #[test]
    fn control_characters_and_non_ascii_are_refused_with_their_position() {
        assert_eq!(
            IdempotencyKey::parse("ab\ncd"),
            Err(IdempotencyKeyError::NotPrintable { position: 3 })
        );
        assert_eq!(
            IdempotencyKey::parse("a\tb"),
            Err(IdempotencyKeyError::NotPrintable { position: 2 })
        );
        assert_eq!(
            IdempotencyKey::parse("año"),
            Err(IdempotencyKeyError::NotPrintable { position: 2 })
        );
        assert_eq!(
            IdempotencyKey::parse("x\u{7f}"),
            Err(IdempotencyKeyError::NotPrintable { position: 2 })
        );
    }

    #[test]
    fn a_long_key_of_multibyte_characters_is_refused_as_not_printable() {
        // Counted before the length, so the message names what is wrong rather than a byte count.
        let key = "ñ".repeat(80);
        assert_eq!(
            IdempotencyKey::parse(&key),
            Err(IdempotencyKeyError::NotPrintable { position: 1 })
        );
    }

    proptest! {
        #[test]
        fn every_printable_ascii_key_within_the_limit_round_trips(key in "[!-~][ -~]{0,98}[!-~]") {
            let parsed = IdempotencyKey::parse(&key).unwrap();
            prop_assert_eq!(parsed.as_str(), key.as_str());
        }

        #[test]
        fn whatever_is_accepted_is_printable_ascii_within_the_limit(raw in "\\PC{0,120}|[\\x00-\\x7f]{0,120}") {
            if let Ok(key) = IdempotencyKey::parse(&raw) {
                prop_assert!(!key.as_str().is_empty());
                prop_assert!(key.as_str().len() <= IdempotencyKey::MAX_LEN);
                prop_assert!(key.as_str().chars().all(|c| (' '..='~').contains(&c)));
            }
        }
    }
}
