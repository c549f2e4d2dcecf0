//! What text people type may hold. Letters, digits, punctuation, spaces, tabs and line breaks; never
//! another control character. PostgreSQL refuses a NUL in text while SQLite and MariaDB store it, so
//! without this rule one backend answered 500 and the others kept garbage (ARCHITECTURE.md, "Traps
//! found by probing"); the other control characters have no business in a name, an address or a
//! reference either.
//!
//! Two more things are refused, because they make a screen show something other than what is stored
//! (issue 16, ADR 14): a direction override or isolate (U+202A–U+202E, U+2066–U+2069), which reorders
//! what follows it (U+202E shows "Ana gpj.exe" as "Ana exe.jpg"); and text with nothing visible in it
//! (only zero-width spaces, joiners, soft hyphens…), a name that looks empty on every list.

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
    #[error(
        "{field} holds a text-direction control (character {at}), which makes it read differently from what it is; remove it"
    )]
    DirectionControl { field: Field, at: usize },
    #[error("{0} has no visible character")]
    NothingVisible(Field),
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
            if let Some(i) = s.chars().position(is_direction_control) {
                return Err(TextError::DirectionControl { field, at: i + 1 });
            }
            if s.chars().all(is_invisible) {
                return Err(TextError::NothingVisible(field));
            }
            if s.chars().count() > max {
                return Err(TextError::TooLong { field, max });
            }
            Ok(Some(s.to_string()))
        }
    }
}

/// The embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and the isolates (LRI, RLI, FSI, PDI).
/// The marks (LRM, RLM, ALM) only nudge neutral characters and stay allowed.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whitespace, the blank that braille and Hangul fillers draw, and Unicode's default-ignorable code
/// points (DerivedCoreProperties.txt, Default_Ignorable_Code_Point): characters a renderer shows as
/// nothing.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
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

    #[test]
    fn a_name_of_only_invisible_characters_is_refused() {
        for name in [
            "\u{200B}",
            "\u{200B}\u{200D}\u{2060}",
            "\u{00AD}\u{00AD}",
            "\u{FEFF}",
            "\u{3164}",
            "\u{2800}",
            "\u{200C} \u{200B}",
            "\u{E0041}\u{E0042}",
        ] {
            assert_eq!(
                required(name, Field::FullName, 200),
                Err(TextError::NothingVisible(Field::FullName)),
                "{name:?}"
            );
        }
    }

    #[test]
    fn invisible_characters_beside_visible_ones_are_kept() {
        // Joiners inside emoji sequences and words are legitimate.
        for name in [
            "👩\u{200D}👩\u{200D}👧 familia",
            "Ana\u{00AD}lía",
            "Pérez\u{200B}",
        ] {
            assert_eq!(required(name, Field::FullName, 200).as_deref(), Ok(name));
        }
    }

    #[test]
    fn direction_overrides_and_isolates_are_refused_where_they_are() {
        assert_eq!(
            required("Ana \u{202E}gpj.exe", Field::Notes, 100),
            Err(TextError::DirectionControl {
                field: Field::Notes,
                at: 5
            })
        );
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2066}', '\u{2067}', '\u{2068}',
            '\u{2069}',
        ] {
            assert_eq!(
                required(&format!("x{c}"), Field::Notes, 100),
                Err(TextError::DirectionControl {
                    field: Field::Notes,
                    at: 2
                }),
                "U+{:04X}",
                c as u32
            );
        }
        // The marks only nudge punctuation: an Arabic or Hebrew name may need them.
        assert!(required("Ruiz\u{200F} (cliente)", Field::FullName, 100).is_ok());
    }

    proptest! {
        #[test]
        fn visible_printable_text_is_kept(
            s in "[^\\p{Cc}\\p{Cf}\\p{Z}\\p{Mn}\\p{Cn}\\x{115F}\\x{1160}\\x{2800}\\x{3164}\\x{FFA0}]{1,40}"
        ) {
            prop_assert_eq!(required(&s, Field::Notes, 100), Ok(s.clone()));
        }

        #[test]
        fn an_override_anywhere_is_found(before in "[a-zñ]{1,20}", after in "[a-zñ ]{0,20}") {
            let text = format!("{before}\u{202E}{after}");
            prop_assert_eq!(
                optional(Some(&text), Field::Notes, 100),
                Err(TextError::DirectionControl { field: Field::Notes, at: before.chars().count() + 1 })
            );
        }

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
