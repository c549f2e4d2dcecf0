//! A client's phone number in E.164, with Mexico as the default country.
//!
//! The same Mexican mobile reaches us in many spellings: typed by staff ("(55) 1234-5678", "044 55…"),
//! imported from old systems ("01 55…"), or reported by WhatsApp as "521" + 10 digits. They must all become
//! one key ("+52" + 10 digits) or duplicate detection and client matching fail.

use crate::masked;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A phone number in E.164 form, e.g. "+525512345678". `Display` is the number; `Debug` keeps only the
/// country code and the last two digits (`+52********78`).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

/// Why a phone was refused. The message says how to write one, never the typed value: errors reach logs
/// and API answers, and a phone is personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("a phone number is required")]
    Empty,
    #[error(
        "the phone is not valid: use digits, spaces, dashes, dots, parentheses and a leading +"
    )]
    InvalidCharacters,
    #[error(
        "the phone is not a Mexican number: write the 10 digits (e.g. 55 1234 5678), optionally with +52 in front"
    )]
    NotMexican,
    #[error(
        "the phone is not a valid international number: after + come the country code and number, 7 to 15 digits"
    )]
    NotInternational,
}

const MEXICO: &str = "52";

impl Phone {
    /// Parses a number as a person or an old system writes it; without a leading + it is Mexican.
    ///
    /// Accepted Mexican forms: 10 digits; "52" + 10; "521" + 10 (WhatsApp, and the pre-2019 mobile prefix);
    /// "044"/"045" + 10 (old mobile prefixes); "01" + 10 (old long-distance prefix). With "+", any country's
    /// E.164 number of 7 to 15 digits. The dialling prefix "00" is not read as "+": a short number starting
    /// with 00 would otherwise pass as some foreign number instead of being refused as a typo.
    pub fn parse(raw: &str) -> Result<Phone, PhoneError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let (international, body) = match s.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let mut digits = String::with_capacity(body.len());
        for c in body.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::InvalidCharacters);
        }
        if international {
            return Phone::from_international_digits(&digits);
        }
        national_mexican(&digits)
            .map(mexican)
            .ok_or(PhoneError::NotMexican)
    }

    /// The sender id of a WhatsApp Cloud API message: country code and number, digits only, no "+".
    pub fn from_whatsapp_id(wa_id: &str) -> Result<Phone, PhoneError> {
        let s = wa_id.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PhoneError::InvalidCharacters);
        }
        Phone::from_international_digits(s)
    }

    fn from_international_digits(digits: &str) -> Result<Phone, PhoneError> {
        if let Some(national) = digits.strip_prefix(MEXICO) {
            // "+52 1 55…" is the same line as "+52 55…": Mexico dropped the mobile "1" in 2019 but WhatsApp
            // and old contact lists still carry it.
            let ten = match national.len() {
                10 => Some(national),
                11 => national.strip_prefix('1'),
                _ => None,
            };
            return ten
                .filter(|t| is_mexican_ten(t))
                .map(mexican)
                .ok_or(PhoneError::NotMexican);
        }
        if !(7..=15).contains(&digits.len())
            || digits.starts_with('0')
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(PhoneError::NotInternational);
        }
        Ok(Phone(format!("+{digits}")))
    }

    /// "+525512345678".
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits without "+", the form WhatsApp's API takes as a recipient.
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }

    pub fn is_mexican(&self) -> bool {
        self.0.starts_with("+52")
    }

    /// The number as people read it on a page: a Mexican one grouped by its area code —
    /// «+52 55 1234 5678» in Mexico City, Guadalajara and Monterrey (the two-digit codes 55, 33, 81),
    /// «+52 222 123 4567» elsewhere; another country's as stored (its grouping is that country's).
    /// Only for display: `/v1`, exports and matching keep the E.164 form of `as_str`.
    pub fn grouped(&self) -> String {
        let Some(ten) = self.0.strip_prefix("+52").filter(|t| t.len() == 10) else {
            return self.0.clone();
        };
        let area = if TWO_DIGIT_AREAS.iter().any(|a| ten.starts_with(a)) {
            2
        } else {
            3
        };
        let (code, rest) = ten.split_at(area);
        let (first, last) = rest.split_at(rest.len() - 4);
        format!("+52 {code} {first} {last}")
    }
}

/// The area codes of two digits (Mexico City, Guadalajara, Monterrey); every other one has three.
const TWO_DIGIT_AREAS: [&str; 3] = ["55", "33", "81"];

/// Mexico's numbering plan: 10 digits, the first (area code) never 0 or 1.
fn is_mexican_ten(ten: &str) -> bool {
    ten.len() == 10 && ten.bytes().all(|b| b.is_ascii_digit()) && !ten.starts_with(['0', '1'])
}

/// The 10 national digits of a number written without "+", or `None` if it is no Mexican form we know.
fn national_mexican(digits: &str) -> Option<&str> {
    let ten = match digits.len() {
        10 => digits,
        12 if digits.starts_with("52") => &digits[2..],
        12 if digits.starts_with("01") => &digits[2..],
        13 if digits.starts_with("521") => &digits[3..],
        13 if digits.starts_with("044") || digits.starts_with("045") => &digits[3..],
        _ => return None,
    };
    is_mexican_ten(ten).then_some(ten)
}

fn mexican(ten: &str) -> Phone {
    Phone(format!("+{MEXICO}{ten}"))
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let country = if self.is_mexican() { 3 } else { 2 };
        write!(f, "Phone({})", masked::ends(&self.0, country, 2))
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CDMX_MOBILE: &str = "+525512345678";

    #[test]
    fn every_spelling_of_a_mexican_mobile_is_the_same_number() {
        for raw in [
            "55 1234 5678",
            "(55) 1234-5678",
            "55.1234.5678",
            "+52 55 1234 5678",
            "+52 1 55 1234 5678",
            "5215512345678",
            "525512345678",
            "044 55 1234 5678",
            "045 55 1234 5678",
            "01 55 1234 5678",
            " +52 (55) 1234-5678 ",
        ] {
            assert_eq!(
                Phone::parse(raw).map(|p| p.as_str().to_string()),
                Ok(CDMX_MOBILE.to_string()),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_whatsapp_sender_id_with_the_mobile_one_matches_the_client_number() {
        let from_whatsapp = Phone::from_whatsapp_id("5215512345678").unwrap();
        assert_eq!(from_whatsapp, Phone::parse("55 1234 5678").unwrap());
        assert_eq!(from_whatsapp.digits(), "525512345678");
        assert_eq!(
            Phone::from_whatsapp_id("14155550123").unwrap().as_str(),
            "+14155550123"
        );
        assert!(Phone::from_whatsapp_id("+5215512345678").is_err());
    }

    #[test]
    fn numbers_of_other_countries_need_a_plus_and_7_to_15_digits() {
        assert_eq!(
            Phone::parse("+1 (415) 555-0123").unwrap().as_str(),
            "+14155550123"
        );
        assert_eq!(
            Phone::parse("+34 612 345 678").unwrap().as_str(),
            "+34612345678"
        );
        assert!(!Phone::parse("+34 612 345 678").unwrap().is_mexican());
        assert!(matches!(
            Phone::parse("+1 234"),
            Err(PhoneError::NotInternational)
        ));
        assert!(matches!(
            Phone::parse("+1234567890123456"),
            Err(PhoneError::NotInternational)
        ));
        assert!(matches!(
            Phone::parse("+0 123 4567"),
            Err(PhoneError::NotInternational)
        ));
    }

    #[test]
    fn empty_letters_and_wrong_lengths_are_refused() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("  "), Err(PhoneError::Empty));
        assert!(matches!(Phone::parse("0"), Err(PhoneError::NotMexican)));
        assert!(matches!(
            Phone::parse("55 1234 567"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("55 1234 56789"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("+52 55 1234 567"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("+52 2 55 1234 5678"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("05 1234 5678"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("00 1234567"),
            Err(PhoneError::NotMexican)
        ));
        assert!(matches!(
            Phone::parse("55-CALL-NOW"),
            Err(PhoneError::InvalidCharacters)
        ));
        assert!(matches!(
            Phone::parse("+"),
            Err(PhoneError::InvalidCharacters)
        ));
        assert!(matches!(
            Phone::parse("55 1234 5678 ext 2"),
            Err(PhoneError::InvalidCharacters)
        ));
    }

    #[test]
    fn debug_and_errors_never_show_the_number() {
        let phone = Phone::parse("55 1234 5678").unwrap();
        assert_eq!(format!("{phone:?}"), "Phone(+52********78)");
        assert_eq!(phone.to_string(), CDMX_MOBILE);
        for typed in ["33 9876 543", "33-9876-CALL", "+1 987 6"] {
            let error = Phone::parse(typed).unwrap_err();
            for shown in [error.to_string(), format!("{error:?}")] {
                assert!(
                    !shown.contains("9876") && !shown.contains("987 6"),
                    "{shown}"
                );
            }
        }
    }

    #[test]
    fn a_phone_deserializes_only_through_parse() {
        let p: Phone = serde_json::from_str("\"5215512345678\"").unwrap();
        assert_eq!(p.as_str(), CDMX_MOBILE);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            format!("\"{CDMX_MOBILE}\"")
        );
        assert!(serde_json::from_str::<Phone>("\"hola\"").is_err());
    }

    #[test]
    fn a_mexican_number_is_grouped_by_its_area_code_for_pages() {
        for (raw, shown) in [
            ("55 1234 5678", "+52 55 1234 5678"),
            ("33 9876 5432", "+52 33 9876 5432"),
            ("81 2345 6789", "+52 81 2345 6789"),
            ("222 123 4567", "+52 222 123 4567"),
            ("5215512345678", "+52 55 1234 5678"),
            ("998 765 4321", "+52 998 765 4321"),
            ("56 1234 5678", "+52 561 234 5678"),
        ] {
            assert_eq!(Phone::parse(raw).unwrap().grouped(), shown, "{raw}");
        }
        let madrid = Phone::parse("+34 612 345 678").unwrap();
        assert_eq!(
            madrid.grouped(),
            "+34612345678",
            "another country's as stored"
        );
        assert_eq!(
            Phone::parse("55 1234 5678").unwrap().to_string(),
            CDMX_MOBILE,
            "Display stays E.164"
        );
    }

    proptest! {
        #[test]
        fn a_grouped_number_parses_back_to_the_same_phone(area in 2u8..=9, rest in "[0-9]{9}") {
            let phone = Phone::parse(&format!("{area}{rest}")).unwrap();
            let shown = phone.grouped();
            prop_assert_eq!(Phone::parse(&shown), Ok(phone.clone()));
            prop_assert_eq!(shown.len(), "+52 55 1234 5678".len());
            prop_assert_eq!(shown.matches(' ').count(), 3);
        }

        #[test]
        fn any_ten_digit_mexican_number_normalizes_the_same_in_every_form(
            area in 2u8..=9, rest in "[0-9]{9}"
        ) {
            let ten = format!("{area}{rest}");
            let expected = format!("+52{ten}");
            for raw in [
                ten.clone(),
                format!("52{ten}"),
                format!("521{ten}"),
                format!("044{ten}"),
                format!("01{ten}"),
                format!("+52{ten}"),
                format!("+521{ten}"),
            ] {
                prop_assert_eq!(Phone::parse(&raw).unwrap().as_str().to_string(), expected.clone());
            }
            let from_whatsapp = Phone::from_whatsapp_id(&format!("521{ten}")).unwrap();
            prop_assert_eq!(from_whatsapp.as_str(), expected.as_str());
        }

        #[test]
        fn a_parsed_phone_parses_back_to_itself(raw in "\\+?[0-9 ()-]{1,20}") {
            if let Ok(phone) = Phone::parse(&raw) {
                prop_assert_eq!(Phone::parse(phone.as_str()), Ok(phone.clone()));
                prop_assert!(phone.as_str().starts_with('+'));
                prop_assert!((8..=16).contains(&phone.as_str().len()));
            }
        }

        #[test]
        fn numbers_with_letters_are_refused(raw in "[0-9 ]{0,8}[a-zA-Z][0-9 ]{0,8}") {
            prop_assert!(Phone::parse(&raw).is_err());
        }

        #[test]
        fn short_national_numbers_are_refused(raw in "[0-9]{1,9}") {
            prop_assert!(Phone::parse(&raw).is_err());
        }
    }
}
