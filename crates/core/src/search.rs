//! What a person types into a search box, read once into what the store compares.
//!
//! Names are compared folded: lower case, accents gone, runs of spaces one space. «alvarez» finds
//! «Leticia Álvarez Morales» and «HERNANDEZ» finds «Hernández» on every backend, because the store keeps
//! the folded name in a column of its own, written by this same function on every insert, update and
//! backfill (migration 10, ADR 25). A backend's collation is not used: SQLite's `LIKE` folds ASCII case
//! only, PostgreSQL's folds nothing, MariaDB's default folds both — three answers to one search.
//!
//! «ñ» folds to «n» (NFD writes it «n» + a combining tilde): people search from keyboards without it, and
//! no two clients are told apart by it alone; the name shown is always the stored one.
//!
//! A phone is matched in any form the phone parser accepts (spaces, +52, the WhatsApp «521…» form, the old
//! 044/01 prefixes) and by at least four of its digits; a loan number with or without its leading zeros.

use crate::phone::Phone;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// `text` lower case, without accents, its words separated by single spaces and no space at either end.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    // Lower case first: «İ» lowers to «i» + a combining dot, which the decomposition then drops.
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    for c in lower.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            if !folded.is_empty() && !folded.ends_with(' ') {
                folded.push(' ');
            }
        } else {
            folded.push(c);
        }
    }
    if folded.ends_with(' ') {
        folded.pop();
    }
    folded
}

/// The fewest digits a partial phone search takes: fewer would match most of the book.
pub const MIN_PHONE_DIGITS: usize = 4;

/// The widest loan number a search reads (loan numbers are a per-tenant counter, zero-padded to six).
const MAX_LOAN_NUMBER_DIGITS: usize = 12;

/// The ways one search text can name a client: a client matches when any of them does.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSearch {
    /// The folded text, found anywhere in the folded name.
    pub name: String,
    /// The whole text read as a phone, compared with the stored E.164 number.
    pub phone: Option<Phone>,
    /// The text's digits when it has at least [`MIN_PHONE_DIGITS`], found anywhere in the phone.
    pub phone_digits: Option<String>,
    /// The text upper-cased when it could begin a CURP (four or more letters and digits).
    pub curp_prefix: Option<String>,
    /// The text read as a loan number ("123", "#123", "000123" → "000123"): the client who holds it.
    pub loan_number: Option<String>,
}

impl ClientSearch {
    /// `None` for a text with nothing to search (empty or only spaces): no filter.
    pub fn read(text: &str) -> Option<ClientSearch> {
        let name = fold(text);
        if name.is_empty() {
            return None;
        }
        let trimmed = text.trim();
        let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
        let upper = trimmed.to_uppercase();
        Some(ClientSearch {
            phone: Phone::parse(trimmed).ok(),
            phone_digits: (digits.len() >= MIN_PHONE_DIGITS).then(|| digits.clone()),
            curp_prefix: (upper.chars().count() >= 4
                && upper.chars().all(|c| c.is_ascii_alphanumeric() || c == 'Ñ'))
            .then_some(upper),
            loan_number: loan_number(trimmed),
            name,
        })
    }
}

/// A loan number as stored: the counter zero-padded to six digits.
pub fn loan_number(text: &str) -> Option<String> {
    let digits = text.trim().trim_start_matches('#').trim();
    if digits.is_empty()
        || digits.len() > MAX_LOAN_NUMBER_DIGITS
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    (n > 0).then(|| format!("{n:06}"))
}

/// A search is personal data (a name, a phone): `Debug` shows only which ways it can match.
impl std::fmt::Debug for ClientSearch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSearch")
            .field("phone", &self.phone.is_some())
            .field("phone_digits", &self.phone_digits.is_some())
            .field("curp_prefix", &self.curp_prefix.is_some())
            .field("loan_number", &self.loan_number.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(fold("Leticia Álvarez Morales"), "leticia alvarez morales");
        assert_eq!(fold("HERNÁNDEZ"), "hernandez");
        assert_eq!(fold("Peña Ibáñez"), "pena ibanez");
        assert_eq!(fold("Güemes"), "guemes");
        assert_eq!(fold("  Ana \t  María  "), "ana maria");
    }

    #[test]
    fn a_whatsapp_number_reads_as_the_stored_phone() {
        let s = ClientSearch::read("5215512345678").expect("a search");
        assert_eq!(s.phone.as_ref().map(Phone::as_str), Some("+525512345678"));
        let typed = ClientSearch::read("+52 (55) 1234-5678").expect("a search");
        assert_eq!(typed.phone, s.phone);
    }

    #[test]
    fn a_short_number_reads_as_a_loan_number_and_not_as_phone_digits() {
        let s = ClientSearch::read("123").expect("a search");
        assert_eq!(s.loan_number.as_deref(), Some("000123"));
        assert_eq!(s.phone_digits, None);
        assert_eq!(loan_number("#000123").as_deref(), Some("000123"));
        assert_eq!(loan_number("0"), None);
        assert_eq!(loan_number("12a"), None);
    }

    #[test]
    fn only_spaces_is_no_search() {
        assert_eq!(ClientSearch::read(" \t "), None);
    }

    proptest! {
        #[test]
        fn folding_twice_is_folding_once(text in "\\PC{0,40}") {
            let once = fold(&text);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn a_folded_name_has_no_upper_case_and_no_combining_mark(text in "\\PC{0,40}") {
            let folded = fold(&text);
            prop_assert!(!folded.nfd().any(is_combining_mark));
            prop_assert!(!folded.starts_with(' ') && !folded.ends_with(' ') && !folded.contains("  "));
        }
    }
}
