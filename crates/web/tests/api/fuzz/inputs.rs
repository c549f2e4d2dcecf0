//! What the fuzz types: a seeded generator of hostile text, numbers and JSON values, drawn from the
//! families that broke or could break a backend (issue 16): control characters and NUL, direction
//! overrides and isolates, zero-width characters, 4-byte characters, very long text, huge and negative
//! numbers, numbers as strings and strings as numbers, wrong JSON types, and near-copies of a valid value
//! (another case, a trailing space, an accent dropped) that a case- or accent-blind collation could take
//! for the same.
//!
//! The same seed gives the same inputs on every run and every machine (`StdRng` of one `rand` version).

use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;

/// Characters no typed text should carry, and the ones that make a screen lie.
const CONTROLS: [char; 10] = [
    '\0', '\u{1}', '\u{8}', '\t', '\n', '\r', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
];
const BIDI: [char; 11] = [
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200E}', '\u{200F}',
];
const ZERO_WIDTH: [char; 7] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{3164}',
];
/// Outside the Basic Multilingual Plane: four bytes in UTF-8 (MySQL's `utf8mb3` cannot hold them).
const FOUR_BYTES: [&str; 6] = ["😀", "𝔸", "👩\u{200D}👧", "🇲🇽", "𠜎", "\u{10FFFF}"];
const WORDS: [&str; 12] = [
    "Ana",
    "José Pérez",
    "ÑANDÚ",
    "niño",
    "Caja 1",
    "  espacios  ",
    "a\u{301}",
    "O'Brien",
    "\"comillas\"",
    "<script>alert(1)</script>",
    "=HYPERLINK(\"x\")",
    "\\",
];
/// Text that means something to SQL, LIKE, URLs, HTML or a CSV reader.
const METACHARACTERS: [&str; 10] = [
    "' OR '1'='1",
    "%",
    "_",
    "%_%",
    "--",
    "; DROP TABLE client;",
    "&amp;",
    "%00",
    "../../etc/passwd",
    "\u{FFFD}",
];
/// Numbers a parser must refuse or bound, as they would be typed. The small ones that parse as an id
/// name 1, which the fixture owns on every backend: an id made during the fuzz differs between
/// backends (PostgreSQL spends sequence numbers on failed inserts) and would be a false difference.
pub const NUMBERS: [&str; 24] = [
    "0",
    "-1",
    "-0",
    "1",
    "2147483648",
    "-2147483649",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "1e3",
    "1e400",
    "-1e400",
    "1.5",
    "0.001",
    "99999999999999999999999999999999.99",
    "-100.00",
    "100.005",
    "1_000",
    "0x1F",
    "+1",
    " 1",
    "NaN",
];

/// One hostile text: one to four pieces of the families above, sometimes very long.
pub fn text(rng: &mut StdRng) -> String {
    let pieces = rng.gen_range(1..=4);
    let mut out = String::new();
    for _ in 0..pieces {
        match rng.gen_range(0..11) {
            0 => out.push(*CONTROLS.choose(rng).unwrap()),
            1 => out.push(*BIDI.choose(rng).unwrap()),
            2 => out.push(*ZERO_WIDTH.choose(rng).unwrap()),
            3 => out.push_str(FOUR_BYTES.choose(rng).unwrap()),
            4 | 5 => out.push_str(WORDS.choose(rng).unwrap()),
            6 => out.push_str(METACHARACTERS.choose(rng).unwrap()),
            7 => out.push_str(NUMBERS.choose(rng).unwrap()),
            8 => out.push_str(&long(rng)),
            9 => out.push(rng.gen_range('\u{A0}'..='\u{2FFF}')),
            _ => {}
        }
    }
    out
}

/// A long run: past every column's length, and sometimes past a whole text column's.
fn long(rng: &mut StdRng) -> String {
    let unit = ["x", "ñ", "😀", "\u{0}", " "].choose(rng).unwrap();
    let times = *[256, 1_000, 5_000, 70_000].choose(rng).unwrap();
    unit.repeat(times)
}

/// A near-copy of a valid value: what a case-, accent- or space-blind comparison takes for it.
pub fn near_copy(rng: &mut StdRng, seed: &str) -> String {
    match rng.gen_range(0..6) {
        0 => seed.to_uppercase(),
        1 => seed.to_lowercase(),
        2 => format!("{seed} "),
        3 => format!(" {seed}"),
        4 => seed.replace('á', "a").replace('é', "e").replace('ñ', "n"),
        _ => format!("{seed}\u{0}"),
    }
}

/// A value typed into a field whose valid content is `seed`: hostile text, a number, or a near-copy.
pub fn typed(rng: &mut StdRng, seed: &str) -> String {
    match rng.gen_range(0..8) {
        0 | 1 => NUMBERS.choose(rng).unwrap().to_string(),
        2 => near_copy(rng, seed),
        3 => String::new(),
        _ => text(rng),
    }
}

/// A JSON value (as JSON text) sent where `seed` (JSON text) is valid: a string, a number written
/// beyond any integer or float type, a number as a string and a string as a number, another type.
pub fn json_value(rng: &mut StdRng, seed: &str) -> String {
    let unquoted = seed.trim_matches('"');
    match rng.gen_range(0..12) {
        0..=3 => string(&text(rng)),
        4 => NUMBERS.choose(rng).unwrap().trim().to_string(),
        5 => string(NUMBERS.choose(rng).unwrap()),
        // A string's content as a bare number, a number as a string.
        6 if seed.starts_with('"') => unquoted.to_string(),
        6 => string(seed),
        7 => string(&near_copy(rng, unquoted)),
        8 => ["true", "false", "null"].choose(rng).unwrap().to_string(),
        9 => ["[]", "{}", "[null]", "{\"a\":1}"]
            .choose(rng)
            .unwrap()
            .to_string(),
        10 => format!("[{seed}]"),
        _ => string(""),
    }
}

/// `s` as a JSON string (NUL and the other controls escaped as JSON requires).
pub fn string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// A whole body that is no JSON object of the endpoint: malformed, truncated, another type, nested
/// past any parser's depth, not UTF-8.
pub fn broken_json(rng: &mut StdRng, valid: &str) -> Vec<u8> {
    match rng.gen_range(0..10) {
        0 => valid.as_bytes()[..valid.len() / 2].to_vec(),
        1 => format!("{valid}{valid}").into_bytes(),
        2 => b"".to_vec(),
        3 => b"null".to_vec(),
        4 => format!("[{valid}]").into_bytes(),
        5 => "[".repeat(5_000).into_bytes(),
        6 => b"{\"a\":\"\\ud800\"}".to_vec(),
        7 => {
            let mut bytes = valid.as_bytes().to_vec();
            bytes.insert(bytes.len() / 2, 0xFF);
            bytes
        }
        8 => valid.replacen('{', "{\"\u{0}\":1,", 1).into_bytes(),
        _ => string(&text(rng)).into_bytes(),
    }
}

/// `s` cut to what a URL can carry: a client refuses a URL past 64 KiB, before any server sees it.
pub fn in_url(s: String) -> String {
    const MAX_CHARS: usize = 2_000;
    match s.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => s[..end].to_string(),
        None => s,
    }
}

/// Every byte of `s` but the unreserved ones percent-encoded: a path segment or query value carrying
/// exactly `s`.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Form fields as a browser sends them (`application/x-www-form-urlencoded`).
pub fn urlencoded(fields: &[(String, String)]) -> Vec<u8> {
    let pairs: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    pairs.join("&").into_bytes()
}

/// An escape that decodes to no UTF-8 or to nothing at all.
pub fn broken_escape(rng: &mut StdRng) -> &'static str {
    ["%FF", "%C3", "%ZZ", "%", "%2", "%C0%AF", "%ED%A0%80"]
        .choose(rng)
        .unwrap()
}
