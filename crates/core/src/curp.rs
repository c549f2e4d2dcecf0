//! CURP (Clave Única de Registro de Población): the 18-character Mexican population key.
//!
//! Validated part by part so that staff are told *which* part is wrong (a typo in the date reads very
//! differently from a typo in the state), and by RENAPO's check digit, whose alphabet includes Ñ between
//! N and O — leaving Ñ out shifts every later letter and rejects valid keys.

use crate::masked;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// `Display` is the key itself (forms and statements show it); `Debug` shows only the name letters
/// (`HEGG**************`), so a CURP in a log or a panic message cannot be read back.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Curp(String);

/// Which part of a CURP is wrong. The message names the part and what it must be, never the typed
/// value: errors reach logs and API answers, and a CURP is personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurpError {
    #[error("the CURP is not valid: it has 18 characters, this one has {0}")]
    Length(usize),
    #[error("the CURP is not valid: characters 1-4 must be letters from the name")]
    NameLetters,
    #[error("the CURP is not valid: characters 5-10 must be the birth date as YYMMDD")]
    BirthDate,
    #[error("the CURP is not valid: character 11 must be the sex (H, M or X)")]
    Sex,
    #[error(
        "the CURP is not valid: characters 12-13 must be a state code (e.g. DF, JC, NL, NE for born abroad)"
    )]
    State,
    #[error("the CURP is not valid: characters 14-16 must be consonants from the name")]
    Consonants,
    #[error("the CURP is not valid: character 17 must be a digit or a letter")]
    Homoclave,
    #[error(
        "the CURP is not valid: its check digit (last character) does not match the other 17; check for a typo"
    )]
    CheckDigit,
}

/// The sex recorded in a CURP; RENAPO also issues X for non-binary people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CurpSex {
    H,
    M,
    X,
}

/// RENAPO's two-letter codes of the 32 states plus NE (born abroad).
const STATES: [&str; 33] = [
    "AS", "BC", "BS", "CC", "CL", "CM", "CS", "CH", "DF", "DG", "GT", "GR", "HG", "JC", "MC", "MN",
    "MS", "NT", "NL", "OC", "PL", "QT", "QR", "SP", "SL", "SR", "TC", "TS", "TL", "VZ", "YN", "ZS",
    "NE",
];

const CHECK_ALPHABET: &str = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ";

fn is_letter(c: char) -> bool {
    c.is_ascii_uppercase() || c == 'Ñ'
}

fn is_consonant(c: char) -> bool {
    is_letter(c) && !matches!(c, 'A' | 'E' | 'I' | 'O' | 'U')
}

/// RENAPO's check digit of the first 17 characters: Σ value(c)·(18−i), digit = (10 − Σ mod 10) mod 10.
/// `None` if a character is outside the alphabet.
pub fn check_digit(first17: &[char]) -> Option<char> {
    let mut sum: u32 = 0;
    for (i, c) in first17.iter().enumerate().take(17) {
        let value = CHECK_ALPHABET.chars().position(|a| a == *c)?;
        sum += u32::try_from(value).ok()? * (18 - u32::try_from(i).ok()?);
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

impl Curp {
    /// Trims and uppercases, then checks every part and the check digit.
    pub fn parse(raw: &str) -> Result<Curp, CurpError> {
        let normalized = raw.trim().to_uppercase();
        let c: Vec<char> = normalized.chars().collect();
        if c.len() != 18 {
            return Err(CurpError::Length(c.len()));
        }
        if !c[0..4].iter().all(|&x| is_letter(x)) {
            return Err(CurpError::NameLetters);
        }
        if birth_date_of(&c).is_none() {
            return Err(CurpError::BirthDate);
        }
        if !matches!(c[10], 'H' | 'M' | 'X') {
            return Err(CurpError::Sex);
        }
        let state: String = c[11..13].iter().collect();
        if !STATES.contains(&state.as_str()) {
            return Err(CurpError::State);
        }
        if !c[13..16].iter().all(|&x| is_consonant(x)) {
            return Err(CurpError::Consonants);
        }
        if !(c[16].is_ascii_digit() || c[16].is_ascii_uppercase()) {
            return Err(CurpError::Homoclave);
        }
        let expected = check_digit(&c[..17]).ok_or(CurpError::NameLetters)?;
        if c[17] != expected {
            return Err(CurpError::CheckDigit);
        }
        Ok(Curp(normalized))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date in the key. The century comes from character 17: a digit for 1900s births, a letter
    /// for 2000s births.
    pub fn birth_date(&self) -> NaiveDate {
        let c: Vec<char> = self.0.chars().collect();
        // parse() already proved the date valid; the fallback is unreachable and keeps this panic-free.
        birth_date_of(&c).unwrap_or(NaiveDate::MIN)
    }

    pub fn sex(&self) -> CurpSex {
        match self.0.chars().nth(10) {
            Some('H') => CurpSex::H,
            Some('M') => CurpSex::M,
            _ => CurpSex::X,
        }
    }

    /// The two-letter state of birth ("NE" for born abroad).
    pub fn state_code(&self) -> &str {
        // The first four characters may include the two-byte Ñ, so index by characters, not bytes.
        let start = self.0.char_indices().nth(11).map_or(0, |(i, _)| i);
        &self.0[start..start + 2]
    }
}

fn birth_date_of(c: &[char]) -> Option<NaiveDate> {
    let digits: Option<Vec<u32>> = c[4..10].iter().map(|d| d.to_digit(10)).collect();
    let d = digits?;
    let century = if c[16].is_ascii_digit() { 1900 } else { 2000 };
    let year = century + i32::try_from(d[0] * 10 + d[1]).ok()?;
    NaiveDate::from_ymd_opt(year, d[2] * 10 + d[3], d[4] * 10 + d[5])
}

impl fmt::Debug for Curp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Curp({})", masked::ends(&self.0, 4, 0))
    }
}

impl fmt::Display for Curp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Curp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Curp::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The example of RENAPO's instructivo normativo (Gloria Hernández García, Veracruz, 27 Apr 1956): the
    /// algorithm was checked on it before any key below was computed with it.
    const PUBLISHED: &str = "HEGG560427MVZRRL04";

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    fn with_check_digit(first17: &str) -> String {
        let digit = check_digit(&chars(first17)).unwrap();
        format!("{first17}{digit}")
    }

    #[test]
    fn the_published_renapo_example_is_valid() {
        let curp = Curp::parse(PUBLISHED).unwrap();
        assert_eq!(
            curp.birth_date(),
            NaiveDate::from_ymd_opt(1956, 4, 27).unwrap()
        );
        assert_eq!(curp.sex(), CurpSex::M);
        assert_eq!(curp.state_code(), "VZ");
        // A second published key (born 1928 in San Luis Potosí) agrees with the algorithm too.
        assert!(Curp::parse("MAHJ280603MSPRRV09").is_ok());
    }

    #[test]
    fn a_curp_is_trimmed_and_uppercased() {
        assert_eq!(
            Curp::parse("  hegg560427mvzrrl04 ").unwrap().as_str(),
            PUBLISHED
        );
    }

    #[test]
    fn a_letter_in_position_17_means_born_in_the_2000s() {
        let key = with_check_digit("PEGJ050101HJCRRNA");
        assert_eq!(
            Curp::parse(&key).unwrap().birth_date(),
            NaiveDate::from_ymd_opt(2005, 1, 1).unwrap()
        );
        let key = with_check_digit("PEGJ000229HJCRRNA");
        assert_eq!(
            Curp::parse(&key).unwrap().birth_date(),
            NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
        );
    }

    #[test]
    fn february_29_of_1900_is_not_a_birth_date() {
        let key = with_check_digit("PEGJ000229HJCRRN0");
        assert_eq!(Curp::parse(&key), Err(CurpError::BirthDate));
    }

    #[test]
    fn the_check_alphabet_counts_n_tilde_between_n_and_o() {
        // Ñ is 24, O is 25: a key with Ñ in the name letters validates only with Ñ in the alphabet.
        let key = with_check_digit("PEÑA800101HDFRRN0");
        assert!(Curp::parse(&key).is_ok());
        assert_eq!(Curp::parse(&key).unwrap().state_code(), "DF");
        // The published key carries R, V and Z, all after Ñ: it validates only because Ñ is counted.
        assert!(Curp::parse(PUBLISHED).is_ok());
    }

    #[test]
    fn non_binary_and_born_abroad_keys_are_accepted() {
        let key = with_check_digit("LOPA990315XNEPRR0");
        let curp = Curp::parse(&key).unwrap();
        assert_eq!(curp.sex(), CurpSex::X);
        assert_eq!(curp.state_code(), "NE");
    }

    #[test]
    fn each_wrong_part_is_named() {
        assert_eq!(Curp::parse(""), Err(CurpError::Length(0)));
        assert_eq!(Curp::parse("HEGG560427MVZRRL0"), Err(CurpError::Length(17)));
        assert_eq!(
            Curp::parse("HE1G560427MVZRRL04"),
            Err(CurpError::NameLetters)
        );
        assert_eq!(Curp::parse("HEGG561327MVZRRL04"), Err(CurpError::BirthDate));
        assert_eq!(Curp::parse("HEGG5604A7MVZRRL04"), Err(CurpError::BirthDate));
        assert_eq!(Curp::parse("HEGG560427FVZRRL04"), Err(CurpError::Sex));
        assert_eq!(Curp::parse("HEGG560427MXXRRL04"), Err(CurpError::State));
        assert_eq!(
            Curp::parse("HEGG560427MVZRAL04"),
            Err(CurpError::Consonants)
        );
        assert_eq!(Curp::parse("HEGG560427MVZRRL-4"), Err(CurpError::Homoclave));
        assert_eq!(
            Curp::parse("HEGG560427MVZRRL05"),
            Err(CurpError::CheckDigit)
        );
    }

    #[test]
    fn an_error_names_the_part_and_never_echoes_the_key() {
        let message = Curp::parse("HEGG561327MVZRRL04").unwrap_err().to_string();
        assert_eq!(
            message,
            "the CURP is not valid: characters 5-10 must be the birth date as YYMMDD"
        );
        for typed in [
            "HEGG561327MVZRRL04",
            "HE1G560427MVZRRL04",
            "HEGG560427MVZRRL05",
        ] {
            let error = Curp::parse(typed).unwrap_err();
            assert!(!error.to_string().contains("HEGG"), "{error}");
            assert!(!format!("{error:?}").contains("5604"), "{error:?}");
        }
    }

    #[test]
    fn debug_shows_only_the_name_letters() {
        let curp = Curp::parse(PUBLISHED).unwrap();
        assert_eq!(format!("{curp:?}"), "Curp(HEGG**************)");
        assert_eq!(curp.to_string(), PUBLISHED);
    }

    #[test]
    fn a_key_often_quoted_as_an_example_fails_its_check_digit() {
        // "GODE561231HDFRRN04" circulates as a sample CURP; its check digit computes to 0, not 4.
        assert_eq!(
            Curp::parse("GODE561231HDFRRN04"),
            Err(CurpError::CheckDigit)
        );
        assert_eq!(check_digit(&chars("GODE561231HDFRRN0")), Some('0'));
        assert!(Curp::parse("GODE561231HDFRRN00").is_ok());
    }

    proptest! {
        #[test]
        fn any_well_formed_key_with_its_check_digit_is_accepted_and_any_other_digit_refused(
            name in "[A-Z]{4}", yy in 0u32..100, mm in 1u32..=12, dd in 1u32..=28, sex in "[HMX]",
            state in proptest::sample::select(STATES.to_vec()), consonants in "[B-DF-HJ-NP-TV-Z]{3}",
            homoclave in "[0-9A-Z]", wrong in 1u32..10
        ) {
            let first17 = format!("{name}{yy:02}{mm:02}{dd:02}{sex}{state}{consonants}{homoclave}");
            let key = with_check_digit(&first17);
            let curp = Curp::parse(&key).unwrap();
            prop_assert_eq!(curp.as_str(), key.as_str());
            let right = key.chars().last().and_then(|c| c.to_digit(10)).unwrap();
            let bad = format!("{first17}{}", (right + wrong) % 10);
            let refused = matches!(Curp::parse(&bad), Err(CurpError::CheckDigit));
            prop_assert!(refused);
        }

        #[test]
        fn arbitrary_text_never_panics_and_is_rarely_a_curp(s in "\\PC{0,24}") {
            if let Ok(curp) = Curp::parse(&s) {
                prop_assert_eq!(curp.as_str().chars().count(), 18);
            }
        }
    }
}
