//! The router: from the text of a message and what the session is waiting for, to an intent and how
//! sure it is (SPEC §5). It reads Spanish as borrowers type it on WhatsApp — no accents, typos, chat
//! abbreviations, menu numbers — and does not read a negation as the thing negated («no quiero pagar» is
//! not a request for the bank details). It produces no text and touches no data: the dispatcher acts on
//! the intent, the redactor words the reply.

mod lexicon;
mod matcher;
pub mod normalize;

use lexicon::{CUES, GREETING, MENU_FILLER};

/// What a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Intent {
    /// A greeting or a request for the menu.
    Greeting,
    /// What is owed in all.
    Balance,
    /// The next installment: amount and date.
    NextPayment,
    /// Payments made so far.
    PaymentHistory,
    /// The statement of the latest period cut.
    Statement,
    /// The lender's bank data and the borrower's payment reference.
    HowToPay,
    /// Talk to a person: the bot stays silent in the session until an agent releases it.
    Agent,
    /// No more messages until the person writes again.
    OptOut,
    /// Thanks or goodbye: answered courteously, no menu.
    Thanks,
    /// The message answers what the session waits for (an identifier or a secret while verifying).
    Answer,
    /// Nothing recognised: the reply is the menu.
    Unknown,
}

impl Intent {
    /// The name kept with each routed message and used in `tests/data/router.tsv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Greeting => "greeting",
            Intent::Balance => "balance",
            Intent::NextPayment => "next_payment",
            Intent::PaymentHistory => "payment_history",
            Intent::Statement => "statement",
            Intent::HowToPay => "how_to_pay",
            Intent::Agent => "agent",
            Intent::OptOut => "opt_out",
            Intent::Thanks => "thanks",
            Intent::Answer => "answer",
            Intent::Unknown => "unknown",
        }
    }

    pub fn parse(name: &str) -> Option<Intent> {
        ALL.iter().copied().find(|i| i.as_str() == name)
    }
}

const ALL: [Intent; 11] = [
    Intent::Greeting,
    Intent::Balance,
    Intent::NextPayment,
    Intent::PaymentHistory,
    Intent::Statement,
    Intent::HowToPay,
    Intent::Agent,
    Intent::OptOut,
    Intent::Thanks,
    Intent::Answer,
    Intent::Unknown,
];

/// The menu, in the order its numbers are shown: «1» is the balance. «0» shows the menu again.
pub const MENU: [Intent; 6] = [
    Intent::Balance,
    Intent::NextPayment,
    Intent::PaymentHistory,
    Intent::Statement,
    Intent::HowToPay,
    Intent::Agent,
];

/// What the session is waiting for, as the orchestrator keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Awaiting {
    /// Nothing in particular.
    Nothing,
    /// A choice from the menu just shown: a bare number is surely a menu choice.
    MenuChoice,
    /// The identifier that starts verification (phone, loan number or CURP).
    Identifier,
    /// The secret that completes it (birth date or PIN).
    Secret,
}

/// The router's answer. `confidence` is between 0 and 1: 1 for a menu number the session asked for,
/// about 0.9 for a recognised phrase, less for a typo or a lone weak word, 0 for `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Routed {
    pub intent: Intent,
    pub confidence: f32,
}

pub fn route(text: &str, awaiting: Awaiting) -> Routed {
    let words = normalize::words(text);
    if let Some(intent) = menu_number(&words) {
        let waiting_for_credential = matches!(awaiting, Awaiting::Identifier | Awaiting::Secret);
        if !waiting_for_credential {
            let confidence = if awaiting == Awaiting::MenuChoice {
                1.0
            } else {
                0.8
            };
            return Routed { intent, confidence };
        }
    }
    let best = best_cue(&words);
    if matches!(awaiting, Awaiting::Identifier | Awaiting::Secret) {
        // While verifying, what looks like a credential is one, and so is text the router does not
        // recognise («doce de mayo del ochenta y cinco»); a recognised request («un asesor», «baja»,
        // «hola») is answered as itself and the question asked again.
        if looks_like_credential(&words) || best.is_none() {
            return Routed {
                intent: Intent::Answer,
                confidence: 0.9,
            };
        }
    }
    match best {
        Some(b) => Routed {
            intent: b.intent,
            confidence: match (b.weight, b.exact) {
                (w, true) if w > GREETING => 0.95,
                (_, true) => 0.85,
                (_, false) => 0.7,
            },
        },
        None => Routed {
            intent: Intent::Unknown,
            confidence: 0.0,
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Best {
    intent: Intent,
    weight: u8,
    exact: bool,
    at: usize,
}

/// The strongest cue in the message: a heavier cue first, then one typed without a typo, then the one
/// mentioned first («saldo y cómo pago» asks for the balance first).
fn best_cue(words: &[String]) -> Option<Best> {
    CUES.iter()
        .filter_map(|cue| {
            let found = matcher::find(cue, words)?;
            Some(Best {
                intent: cue.intent,
                weight: cue.weight,
                exact: found.exact,
                at: found.at,
            })
        })
        .max_by(|a, b| {
            (a.weight, a.exact, std::cmp::Reverse(a.at)).cmp(&(
                b.weight,
                b.exact,
                std::cmp::Reverse(b.at),
            ))
        })
}

/// «2», «opción 2», «la 3 porfavor»: one digit with nothing else but filler.
fn menu_number(words: &[String]) -> Option<Intent> {
    let mut digits = words
        .iter()
        .filter(|w| w.len() == 1 && w.as_bytes()[0].is_ascii_digit());
    let digit = digits.next()?;
    if digits.next().is_some() {
        return None;
    }
    let only_filler = words
        .iter()
        .all(|w| w == digit || MENU_FILLER.contains(&w.as_str()));
    if !only_filler {
        return None;
    }
    match digit.as_bytes()[0] - b'0' {
        0 => Some(Intent::Greeting),
        n => MENU.get(usize::from(n) - 1).copied(),
    }
}

/// A date, a phone or loan number, a PIN or a CURP: a word of four or more characters with digits in it.
fn looks_like_credential(words: &[String]) -> bool {
    words
        .iter()
        .any(|w| w.chars().count() >= 4 && w.chars().any(|c| c.is_ascii_digit()))
}
