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
