//! Personal data wrapper: `Debug` and `Display` never show the value, so it cannot leak into logs.

use std::fmt;

/// A value that must not appear in logs, errors or traces: a password, a token, a CURP, a phone.
/// Read it on purpose with [`Masked::expose`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Masked<T>(T);

impl<T> Masked<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for Masked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> fmt::Display for Masked<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl<T> From<T> for Masked<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

/// What a masked value prints as when nothing of it may show (an address, a birth date, a hash).
pub const REDACTED: &str = "***";

/// Keeps the first `start` and the last `end` characters and stars the rest, one star per character
/// (`+52******78`): enough to tell two values apart in a log, not enough to read one. A value too short
/// to hide anything prints as [`REDACTED`].
pub fn ends(value: &str, start: usize, end: usize) -> String {
    let count = value.chars().count();
    if count <= start + end {
        return REDACTED.to_string();
    }
    value
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < start || i >= count - end {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// The initial of each word of a name and three stars (`Carla Gómez` → `C*** G***`).
pub fn initials(name: &str) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .map(|c| format!("{c}***"))
        .collect();
    if words.is_empty() {
        REDACTED.to_string()
    } else {
        words.join(" ")
    }
}

/// `Some(***)` / `None`: whether an optional value is there, not what it is.
pub fn presence<T>(value: &Option<T>) -> Option<Masked<()>> {
    value.as_ref().map(|_| Masked::new(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Masked::new("hunter2".to_string());
        assert_eq!(format!("{secret:?}"), "***");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(secret.expose(), "hunter2");
    }

    #[test]
    fn a_partly_masked_value_keeps_only_its_ends() {
        assert_eq!(ends("+525512345678", 3, 2), "+52********78");
        assert_eq!(ends("PEÑA800101HDFRRN03", 4, 0), "PEÑA**************");
        assert_eq!(ends("12345", 3, 2), REDACTED);
    }

    #[test]
    fn a_name_shows_only_its_initials() {
        assert_eq!(initials("Carla  Gómez Ñúñez"), "C*** G*** Ñ***");
        assert_eq!(initials("   "), REDACTED);
    }
}
