//! Finding the lexicon's cues in a message's words: in order, with a word or two between them, a typo
//! forgiven on longer words, and a cue turned around by a negation just before it.

use super::lexicon::{Cue, NEGATIONS};

/// Where a cue was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The word the cue starts at.
    pub at: usize,
    /// Every word of the cue was typed as written (no typo forgiven).
    pub exact: bool,
}

/// Words that may stand between a negation and what it negates: «no *quiero* pagar», «no *voy a* pagar».
const BRIDGES: &[&str] = &[
    "quiero", "necesito", "ocupo", "puedo", "voy", "a", "me", "le", "les", "lo", "la",
];

/// How many other words may come between two words of a phrase («cuanto *es lo que* debo»).
const MAX_GAP: usize = 3;

/// The first place `cue` occurs in `words` without a negation before it.
pub fn find(cue: &Cue, words: &[String]) -> Option<Found> {
    let parts: Vec<&str> = cue.phrase.split(' ').collect();
    (0..words.len()).find_map(|start| {
        let found = match_at(&parts, words, start)?;
        (!negated(words, start)).then_some(found)
    })
}

fn match_at(parts: &[&str], words: &[String], start: usize) -> Option<Found> {
    let mut exact = same_or_typo(&words[start], parts[0])?;
    let mut at = start;
    for part in &parts[1..] {
        let window = (at + 1)..words.len().min(at + 2 + MAX_GAP);
        let (next, was_exact) = window
            .filter_map(|i| same_or_typo(&words[i], part).map(|e| (i, e)))
            .next()?;
        exact &= was_exact;
        at = next;
    }
    Some(Found { at: start, exact })
}

/// `Some(true)` when `typed` is `word`, `Some(false)` when it is `word` with one slip of the thumb
/// (two on long words), `None` otherwise. Short words must be exact: «duda» is not «deuda» and «caldo» is
/// not «saldo», so the first letter must match, and a five-letter word forgives only a swapped or wrong
/// letter, not a missing one.
fn same_or_typo(typed: &str, word: &str) -> Option<bool> {
    if typed == word {
        return Some(true);
    }
    let len = word.chars().count();
    if len < 5 || typed.chars().next() != word.chars().next() {
        return None;
    }
    let distance = strsim::damerau_levenshtein(typed, word);
    let allowed = match len {
        5 if typed.chars().count() != 5 => 0,
        5..=8 => 1,
        _ => 2,
    };
    (distance <= allowed).then_some(false)
}

/// A negation right before `start`, or before it with only bridging words between («no quiero pagar»).
fn negated(words: &[String], start: usize) -> bool {
    let mut i = start;
    let mut bridged = 0;
    while i > 0 && bridged <= 3 {
        i -= 1;
        let word = words[i].as_str();
        if NEGATIONS.contains(&word) {
            return true;
        }
        if !BRIDGES.contains(&word) {
            return false;
        }
        bridged += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::same_or_typo;

    #[test]
    fn typos_are_forgiven_only_on_longer_words_with_the_same_first_letter() {
        assert_eq!(same_or_typo("saldo", "saldo"), Some(true));
        assert_eq!(same_or_typo("sadlo", "saldo"), Some(false));
        assert_eq!(same_or_typo("caldo", "saldo"), None);
        assert_eq!(same_or_typo("sado", "saldo"), None);
        assert_eq!(same_or_typo("duda", "deuda"), None);
        assert_eq!(same_or_typo("asesro", "asesor"), Some(false));
        assert_eq!(same_or_typo("transferecia", "transferencia"), Some(false));
        assert_eq!(same_or_typo("trasferecia", "transferencia"), Some(false));
        assert_eq!(same_or_typo("pago", "pagar"), None);
    }
}
