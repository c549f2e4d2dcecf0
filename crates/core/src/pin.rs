//! The assistant PIN staff set for a borrower (SPEC §5): the secret a person may give instead of their
//! birth date. Four to six digits, because people type it on a phone keypad from memory; a longer
//! secret would be a password, which borrowers do not have. Guessing is bounded by the assistant's
//! verification lock, not by the PIN's length.

use std::fmt;

pub const MIN_DIGITS: usize = 4;
pub const MAX_DIGITS: usize = 6;

/// A PIN as typed and accepted. `Debug` and `Display` never show it: it is a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    #[error("the PIN is empty")]
    Empty,
    #[error("the PIN has characters other than digits")]
    NotDigits,
    #[error("the PIN needs {MIN_DIGITS} to {MAX_DIGITS} digits, it has {0}")]
    Length(usize),
}

impl Pin {
    /// Spaces around the digits are forgiven (pasted text); anything else but ASCII digits is refused,
    /// so a PIN set here is exactly what the assistant reads from a message.
    pub fn parse(raw: &str) -> Result<Pin, PinError> {
        let pin = raw.trim();
        if pin.is_empty() {
            return Err(PinError::Empty);
        }
        if !pin.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinError::NotDigits);
        }
        if !(MIN_DIGITS..=MAX_DIGITS).contains(&pin.len()) {
            return Err(PinError::Length(pin.len()));
        }
        Ok(Pin(pin.to_string()))
    }

    /// The digits, read on purpose (to hash or compare them).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn four_to_six_digits_are_a_pin_and_nothing_else_is() {
        assert_eq!(Pin::parse(" 4821 ").unwrap().expose(), "4821");
        assert_eq!(Pin::parse("048210").unwrap().expose(), "048210");
        assert_eq!(Pin::parse(""), Err(PinError::Empty));
        assert_eq!(Pin::parse("   "), Err(PinError::Empty));
        assert_eq!(Pin::parse("123"), Err(PinError::Length(3)));
        assert_eq!(Pin::parse("1234567"), Err(PinError::Length(7)));
        assert_eq!(Pin::parse("12a4"), Err(PinError::NotDigits));
        assert_eq!(Pin::parse("12 34"), Err(PinError::NotDigits));
        // Arabic-Indic and full-width digits are digits to Unicode, not on a phone's keypad.
        assert_eq!(Pin::parse("١٢٣٤"), Err(PinError::NotDigits));
        assert_eq!(Pin::parse("１２３４"), Err(PinError::NotDigits));
    }

    #[test]
    fn a_pin_never_prints() {
        let pin = Pin::parse("4821").unwrap();
        assert!(!format!("{pin:?} {pin}").contains("4821"));
    }

    proptest! {
        #[test]
        fn every_accepted_pin_is_four_to_six_ascii_digits(raw in "\\PC{0,10}") {
            if let Ok(pin) = Pin::parse(&raw) {
                prop_assert!((MIN_DIGITS..=MAX_DIGITS).contains(&pin.expose().len()));
                prop_assert!(pin.expose().bytes().all(|b| b.is_ascii_digit()));
            }
        }
    }
}
