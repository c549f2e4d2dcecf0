//! What a module produced: data, never text (SPEC §5). The redactor renders an outcome with the template
//! of the same name; its fields are the template's variables (amounts in centavos, dates as ISO dates).

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    Menu {
        fallback: bool,
    },
    Thanks,
    OptedOut,
    Handoff,
    Unsupported,
    Diagnostic {
        channel: &'static str,
        sender_is_phone: bool,
    },
    /// Verification: the identifier is asked for (`again` when a message interrupted it).
    AskIdentifier {
        again: bool,
    },
    AskSecret {
        again: bool,
    },
    Verified {
        first_name: String,
    },
    VerificationFailed {
        attempts_left: i32,
    },
    Locked {
        minutes: i64,
    },
    /// A verified client with no active loan asked for loan data.
    NoLoans,
    Balance {
        loans: Vec<LoanBalance>,
        total: i64,
    },
    NextPayment {
        loan: String,
        due_date: String,
        amount: i64,
        overdue: i64,
    },
    NothingDue,
    PaymentHistory {
        payments: Vec<PaymentLine>,
    },
    Statement {
        loan: String,
        cut_date: String,
        opening: i64,
        charges: i64,
        payments: i64,
        closing: i64,
        overdue: i64,
        next_due_date: Option<String>,
        next_due_amount: i64,
    },
    NoStatement,
    HowToPay {
        references: Vec<String>,
        instructions: Option<String>,
    },
    Faq {
        answer: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanBalance {
    pub number: String,
    pub outstanding: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentLine {
    pub loan: String,
    pub paid_on: String,
    pub amount: i64,
}

impl Outcome {
    /// The template that renders it, also what each reply records beside the template's version.
    pub fn template(&self) -> &'static str {
        match self {
            Outcome::Menu { fallback: false } => "menu",
            Outcome::Menu { fallback: true } => "fallback",
            Outcome::Thanks => "thanks",
            Outcome::OptedOut => "opted_out",
            Outcome::Handoff => "handoff",
            Outcome::Unsupported => "unsupported",
            Outcome::Diagnostic { .. } => "diagnostic",
            Outcome::AskIdentifier { .. } => "ask_identifier",
            Outcome::AskSecret { .. } => "ask_secret",
            Outcome::Verified { .. } => "verified",
            Outcome::VerificationFailed { .. } => "verification_failed",
            Outcome::Locked { .. } => "verification_locked",
            Outcome::NoLoans => "no_loans",
            Outcome::Balance { .. } => "balance",
            Outcome::NextPayment { .. } => "next_payment",
            Outcome::NothingDue => "nothing_due",
            Outcome::PaymentHistory { .. } => "payment_history",
            Outcome::Statement { .. } => "statement",
            Outcome::NoStatement => "no_statement",
            Outcome::HowToPay { .. } => "how_to_pay",
            Outcome::Faq { .. } => "faq",
        }
    }
}
