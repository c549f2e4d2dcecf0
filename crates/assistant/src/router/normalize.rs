//! From what a person typed on a phone to the words the router compares: lower case, accents and
//! punctuation gone, stretched letters shortened («holaaa»), chat abbreviations spelled out («q» → «que»).
//! Folding «ñ» to «n» loses nothing here: no keyword is told apart by it.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// The words of `text`, folded. Digits stay (menu numbers, dates, loan numbers); everything that is
/// neither a letter nor a digit separates words, except `/` and `-` between digits, which keep a date
/// («12/05/1985») one word.
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    let chars: Vec<char> = folded.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let joins_digits = matches!(c, '/' | '-' | '.')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_alphanumeric() || joins_digits {
            word.push(c);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
        .into_iter()
        .map(|w| spell_out(&shorten_stretched(&w)))
        .collect()
}

/// «holaaaa» → «hola», «siii» → «si»: a letter typed three or more times in a row counts once. Two stay
/// two, because Spanish writes «ll» and «rr» (and «cc» in «accion»).
fn shorten_stretched(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut run = 1;
        while i + run < chars.len() && chars[i + run] == c {
            run += 1;
        }
        let keep = if run >= 3 && c.is_alphabetic() {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(c, keep));
        i += run;
    }
    out
}

/// Chat spellings of Mexican WhatsApp, written out so the keywords need only the dictionary form.
fn spell_out(word: &str) -> String {
    let full = match word {
        "q" | "k" | "ke" | "qe" => "que",
        "xq" | "pq" | "porq" => "porque",
        "x" => "por",
        "xfa" | "porfa" | "plis" | "pls" => "porfavor",
        "dnd" | "dnde" => "donde",
        "cdo" | "qndo" | "kuando" => "cuando",
        "kuanto" | "qanto" | "cnto" => "cuanto",
        "kiero" | "qiero" => "quiero",
        "tmb" | "tb" => "tambien",
        "msj" | "msjs" | "mensages" => "mensajes",
        "info" => "informacion",
        "d" => "de",
        "pa" => "para",
        "sta" => "esta",
        "ola" => "hola",
        "bn" => "bien",
        other => other,
    };
    full.to_string()
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn accents_case_punctuation_and_stretched_letters_fold_away() {
        assert_eq!(
            words("¡¡Holaaaa!! ¿Cuánto DEBO?"),
            ["hola", "cuanto", "debo"]
        );
        assert_eq!(words("Próximo   pago..."), ["proximo", "pago"]);
        assert_eq!(words("llamar"), ["llamar"]);
    }

    #[test]
    fn dates_stay_one_word_and_abbreviations_are_spelled_out() {
        assert_eq!(words("nací el 12/05/1985"), ["naci", "el", "12/05/1985"]);
        assert_eq!(
            words("q onda, dnd pago xfa"),
            ["que", "onda", "donde", "pago", "porfavor"]
        );
    }

    #[test]
    fn nothing_typed_is_no_words() {
        assert!(words("").is_empty());
        assert!(words(" ¿?¡! 👍 ").is_empty());
    }
}
