//! RFC (Registro Federal de Contribuyentes): the SAT tax id of a person (13 characters) or a company (12).
//!
//! The format is enforced, but a wrong check digit only warns: SAT has issued keys whose last character
//! does not match the published algorithm, and refusing a client's real RFC would be worse than a typo
//! slipping through with a visible warning.

use crate::masked;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `Display` is the RFC itself; `Debug` shows only the name letters (`GODE*********`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rfc(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RfcKind {
    /// Persona física: 4 letters, date, 3-character homoclave.
    Individual,
    /// Persona moral: 3 letters, date, 3-character homoclave.
    Company,
}

/// Which part of an RFC is wrong, named without the typed value (errors reach logs and API answers).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfcError {
    #[error(
        "the RFC is not valid: it has 13 characters (persona física) or 12 (persona moral), this one has {0}"
    )]
    Length(usize),
    #[error("the RFC is not valid: it must start with {expected} letters (A-Z, Ñ, &)")]
    NameLetters { expected: usize },
    #[error("the RFC is not valid: after the letters come 6 digits of a date as YYMMDD")]
    Date,
    #[error("the RFC is not valid: it must end with a 3-character homoclave of letters and digits")]
    Homoclave,
}

/// Accepted, but worth showing to the person who typed it. The characters are kept for code; the
/// message does not show them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RfcWarning {
    #[error(
        "the RFC check digit (last character) does not match the rest of the RFC; please double-check it"
    )]
    CheckDigit { expected: char, found: char },
}

const CHECK_ALPHABET: &str = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ";

/// SAT's generic RFCs (sales to the general public, foreign residents): valid by definition.
const GENERIC: [&str; 2] = ["XAXX010101000", "XEXX010101000"];

/// SAT's check digit of the first 12 characters (a company's 11 are left-padded with a space): weights 13..2,
/// remainder = Σ mod 11; 0 → '0', 11 − remainder = 10 → 'A', else 11 − remainder. `None` outside the alphabet.
pub fn check_digit(without_check: &[char]) -> Option<char> {
    let mut padded: Vec<char> = Vec::with_capacity(12);
    if without_check.len() == 11 {
        padded.push(' ');
    }
    padded.extend_from_slice(without_check);
    if padded.len() != 12 {
        return None;
    }
    let mut sum: u32 = 0;
    for (i, c) in padded.iter().enumerate() {
        let value = u32::try_from(CHECK_ALPHABET.chars().position(|a| a == *c)?).ok()?;
        sum += value * (13 - u32::try_from(i).ok()?);
    }
    match sum % 11 {
        0 => Some('0'),
        1 => Some('A'),
        remainder => char::from_digit(11 - remainder, 10),
    }
}

impl Rfc {
    /// Trims, uppercases and drops the separators people type ("GODE-561231-GR8", "GODE 561231 GR8").
    /// A check-digit mismatch returns the RFC together with a warning.
    pub fn parse(raw: &str) -> Result<(Rfc, Option<RfcWarning>), RfcError> {
        let normalized: String = raw
            .trim()
            .to_uppercase()
            .chars()
            .filter(|c| !matches!(c, '-' | ' '))
            .collect();
        let c: Vec<char> = normalized.chars().collect();
        let letters = match c.len() {
            13 => 4,
            12 => 3,
            n => return Err(RfcError::Length(n)),
        };
        if !c[..letters]
            .iter()
            .all(|&x| x.is_ascii_uppercase() || x == 'Ñ' || x == '&')
        {
            return Err(RfcError::NameLetters { expected: letters });
        }
        if date_of(&c[letters..letters + 6]).is_none() {
            return Err(RfcError::Date);
        }
        if !c[letters + 6..]
            .iter()
            .all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
        {
            return Err(RfcError::Homoclave);
        }
        let rfc = Rfc(normalized);
        if GENERIC.contains(&rfc.0.as_str()) {
            return Ok((rfc, None));
        }
        let found = c[c.len() - 1];
        let warning = check_digit(&c[..c.len() - 1])
            .filter(|expected| *expected != found)
            .map(|expected| RfcWarning::CheckDigit { expected, found });
        Ok((rfc, warning))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> RfcKind {
        if self.0.chars().count() == 13 {
            RfcKind::Individual
        } else {
            RfcKind::Company
        }
    }

    pub fn is_generic(&self) -> bool {
        GENERIC.contains(&self.0.as_str())
    }
}

/// YYMMDD is valid if it is a real date in the 1900s or the 2000s (the RFC does not say which; "000229"
/// is a real date, 29 Feb 2000).
fn date_of(yymmdd: &[char]) -> Option<NaiveDate> {
    let d: Vec<u32> = yymmdd
        .iter()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    let yy = i32::try_from(d[0] * 10 + d[1]).ok()?;
    let (month, day) = (d[2] * 10 + d[3], d[4] * 10 + d[5]);
    NaiveDate::from_ymd_opt(2000 + yy, month, day)
        .or_else(|| NaiveDate::from_ymd_opt(1900 + yy, month, day))
}

impl fmt::Debug for Rfc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letters = if self.kind() == RfcKind::Individual {
            4
        } else {
            3
        };
        write!(f, "Rfc({})", masked::ends(&self.0, letters, 0))
    }
}

impl fmt::Display for Rfc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Deserializing accepts an RFC with a bad check digit (it only warns); the warning is for the form that
/// captured it, not for data read back.
impl<'de> Deserialize<'de> for Rfc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Rfc::parse(&s)
            .map(|(rfc, _)| rfc)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn published_rfcs_validate_without_warning() {
        // SAT's own RFC (company), IMSS's (company), and the SAT's persona física sample: the algorithm was
        // checked on these before computing any other key.
        for (raw, kind) in [
            ("SAT970701NN3", RfcKind::Company),
            ("IMS421231I45", RfcKind::Company),
            ("GODE561231GR8", RfcKind::Individual),
        ] {
            let (rfc, warning) = Rfc::parse(raw).unwrap();
            assert_eq!(warning, None, "{raw}");
            assert_eq!(rfc.kind(), kind);
        }
    }

    #[test]
    fn a_wrong_check_digit_warns_but_the_rfc_is_kept() {
        let (rfc, warning) = Rfc::parse("GODE561231GR9").unwrap();
        assert_eq!(rfc.as_str(), "GODE561231GR9");
        assert_eq!(
            warning,
            Some(RfcWarning::CheckDigit {
                expected: '8',
                found: '9'
            })
        );
    }

    #[test]
    fn separators_case_and_spaces_are_normalized() {
        let (rfc, warning) = Rfc::parse(" gode-561231-gr8 ").unwrap();
        assert_eq!((rfc.as_str(), warning), ("GODE561231GR8", None));
    }

    #[test]
    fn the_generic_public_rfcs_are_accepted_silently() {
        for generic in GENERIC {
            let (rfc, warning) = Rfc::parse(generic).unwrap();
            assert!(rfc.is_generic());
            assert_eq!(warning, None);
        }
    }

    #[test]
    fn a_remainder_of_one_gives_the_check_letter_a() {
        // Search a company base whose remainder is 1 and confirm the letter A is expected, then accepted.
        let base = (0..100)
            .map(|n| format!("ABC010101{n:02}"))
            .find(|b| check_digit(&chars(b)) == Some('A'))
            .unwrap();
        let (_, warning) = Rfc::parse(&format!("{base}A")).unwrap();
        assert_eq!(warning, None);
    }

    #[test]
    fn company_names_may_contain_ampersand_and_n_tilde() {
        let base = "A&Ñ0506307K";
        let digit = check_digit(&chars(base)).unwrap();
        let (rfc, warning) = Rfc::parse(&format!("{base}{digit}")).unwrap();
        assert_eq!((rfc.kind(), warning), (RfcKind::Company, None));
    }

    #[test]
    fn malformed_rfcs_are_refused_with_the_wrong_part() {
        assert_eq!(Rfc::parse(""), Err(RfcError::Length(0)));
        // 12 characters read as a company: after "GOD" the date is "E56123".
        assert_eq!(Rfc::parse("GODE561231GR"), Err(RfcError::Date));
        assert_eq!(Rfc::parse("GODE561231GR8X"), Err(RfcError::Length(14)));
        assert_eq!(
            Rfc::parse("G0DE561231GR8"),
            Err(RfcError::NameLetters { expected: 4 })
        );
        assert_eq!(Rfc::parse("GODE561331GR8"), Err(RfcError::Date));
        assert_eq!(Rfc::parse("GODE010229GR8"), Err(RfcError::Date));
        assert_eq!(Rfc::parse("GODE561231G.8"), Err(RfcError::Homoclave));
    }

    #[test]
    fn debug_errors_and_warnings_never_show_the_rfc() {
        let (rfc, warning) = Rfc::parse("GODE561231GR9").unwrap();
        assert_eq!(format!("{rfc:?}"), "Rfc(GODE*********)");
        assert!(!warning.unwrap().to_string().contains("GR9"));
        for typed in ["GODE561331GR8", "G0DE561231GR8", "GODE561231G.8"] {
            let message = Rfc::parse(typed).unwrap_err().to_string();
            assert!(
                !message.contains("5613") && !message.contains("G0DE"),
                "{message}"
            );
        }
    }

    proptest! {
        #[test]
        fn an_rfc_with_its_computed_check_digit_never_warns_and_any_other_does(
            letters in "[A-Z&Ñ]{3,4}", yy in 0u32..100, mm in 1u32..=12, dd in 1u32..=28,
            homoclave in "[A-Z0-9]{2}", other in "[0-9A]"
        ) {
            let base = format!("{letters}{yy:02}{mm:02}{dd:02}{homoclave}");
            let digit = check_digit(&chars(&base)).unwrap();
            let (rfc, warning) = Rfc::parse(&format!("{base}{digit}")).unwrap();
            prop_assert_eq!(warning, None);
            prop_assert_eq!(rfc.kind() == RfcKind::Individual, letters.chars().count() == 4);
            let other = other.chars().next().unwrap();
            if other != digit && !rfc.is_generic() {
                let (_, warning) = Rfc::parse(&format!("{base}{other}")).unwrap();
                prop_assert_eq!(warning, Some(RfcWarning::CheckDigit { expected: digit, found: other }));
            }
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,16}") {
            let _ = Rfc::parse(&s);
        }
    }
}
