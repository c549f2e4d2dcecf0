//! A tenant's currency: an ISO 4217 code. Amounts are centavos of it (SPEC §2); MXN unless told otherwise.

use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Three uppercase letters, e.g. "MXN".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Currency([u8; 3]);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a currency is an ISO 4217 code of three letters, such as MXN")]
pub struct CurrencyError;

impl Currency {
    pub const MXN: Currency = Currency(*b"MXN");

    /// Trims and uppercases; anything but three ASCII letters is refused.
    pub fn parse(raw: &str) -> Result<Currency, CurrencyError> {
        let code = raw.trim().to_ascii_uppercase();
        match code.as_bytes() {
            &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => Ok(Currency([a, b, c])),
            _ => Err(CurrencyError),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored, so this never falls back.
        std::str::from_utf8(&self.0).unwrap_or("MXN")
    }
}

impl Default for Currency {
    fn default() -> Self {
        Currency::MXN
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_string()
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Currency::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_code_is_trimmed_and_uppercased() {
        assert_eq!(Currency::parse(" mxn ").unwrap(), Currency::MXN);
        assert_eq!(Currency::parse("USD").unwrap().to_string(), "USD");
        assert_eq!(Currency::default(), Currency::MXN);
    }

    #[test]
    fn anything_but_three_letters_is_refused() {
        for bad in ["", "MX", "MXNN", "M1N", "$", "ÑXN"] {
            assert_eq!(Currency::parse(bad), Err(CurrencyError), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn a_parsed_code_reads_back_as_itself(s in "\\PC{0,5}") {
            if let Ok(c) = Currency::parse(&s) {
                prop_assert_eq!(Currency::parse(c.as_str()), Ok(c));
                prop_assert_eq!(c.as_str().len(), 3);
            }
        }
    }
}
