//! What text people type may hold. Letters, digits, punctuation, spaces, tabs and line breaks; never
//! another control character. PostgreSQL refuses a NUL in text while SQLite and MariaDB store it, so
//! without this rule one backend answered 500 and the others kept garbage (ARCHITECTURE.md, "Traps
//! found by probing"); the other control characters have no business in a name, an address or a
//! reference either.

/// The position (counted in characters from 1) of the first control character other than a tab or a
/// line break, if any.
pub fn first_control_character(text: &str) -> Option<usize> {
    text.chars()
        .position(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .map(|i| i + 1)
}

/// A field of typed text that a rule may refuse, named so that each edge words it in its own language
/// (English here, for logs and `/v1`; Spanish on the back office's pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    FullName,
    Curp,
    Rfc,
    Address,
    Notes,
    Search,
    Reference,
    Reason,
    ProductName,
    HolidayName,
    Email,
    KeyName,
    LegalName,
}

impl Field {
    /// How English messages name the field ("the full name").
    pub fn as_english(self) -> &'static str {
        match self {
            Field::FullName => "the full name",
            Field::Curp => "the CURP",
            Field::Rfc => "the RFC",
            Field::Address => "the address",
            Field::Notes => "the notes",
            Field::Search => "the search",
            Field::Reference => "the reference",
            Field::Reason => "the reason",
            Field::ProductName => "the product name",
            Field::HolidayName => "the holiday's name",
            Field::Email => "the email",
            Field::KeyName => "the key name",
            Field::LegalName => "the legal name",
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_english())
    }
}

/// Why a typed text was refused; the message names the field and the place, never the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{0} is required")]
    Required(Field),
    #[error("{field} is too long (at most {max} characters)")]
    TooLong { field: Field, max: usize },
    #[error("{field} holds a control character (character {at}); remove it")]
    ControlCharacter { field: Field, at: usize },
}

/// Trims optional text: empty becomes `None`; longer than `max` characters, or holding a control
/// character, is refused.
pub fn optional(raw: Option<&str>, field: Field, max: usize) -> Result<Option<String>, TextError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            if let Some(at) = first_control_character(s) {
                return Err(TextError::ControlCharacter { field, at });
            }
            if s.chars().count() > max {
                return Err(TextError::TooLong { field, max });
            }
            Ok(Some(s.to_string()))
        }
    }
}

/// [`optional`], where nothing typed is refused too.
pub fn required(raw: &str, field: Field, max: usize) -> Result<String, TextError> {
    optional(Some(raw), field, max)?.ok_or(TextError::Required(field))
}

/// The error message for `what` (e.g. "the full name") holding a control character at `position`:
/// it names the field and the place, never the text.
pub fn control_character_message(what: &str, position: usize) -> String {
    format!("{what} holds a control character (character {position}); remove it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nul_and_other_control_characters_are_found_where_they_are() {
        assert_eq!(first_control_character("Ana\u{0}Ruiz"), Some(4));
        assert_eq!(first_control_character("\u{1b}[31m"), Some(1));
        assert_eq!(first_control_character("pago\u{7f}"), Some(5));
        assert_eq!(first_control_character("pago\u{85}"), Some(5));
    }

    #[test]
    fn tabs_line_breaks_accents_and_emoji_are_text() {
        assert_eq!(
            first_control_character("Calle 5 #12\r\nCol. Centro\tCDMX · Ñuñoa 😀"),
            None
        );
    }

    proptest! {
        #[test]
        fn printable_text_is_never_refused(s in "[^\\p{Cc}]*") {
            prop_assert_eq!(first_control_character(&s), None);
        }

        #[test]
        fn a_nul_anywhere_is_found(before in "[a-zñ ]{0,20}", after in "[a-zñ ]{0,20}") {
            let text = format!("{before}\u{0}{after}");
            prop_assert_eq!(first_control_character(&text), Some(before.chars().count() + 1));
        }
    }
}
