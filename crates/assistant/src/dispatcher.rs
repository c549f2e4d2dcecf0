//! The dispatcher: from the router's intent and what the session is, to what to do (SPEC §5) — pure.
//! It decides who may see loan data (only a verified session), when the bot stays silent (handoff,
//! opt-out, groups), and which module answers; it reads and writes nothing.

use crate::router::{Awaiting, Intent, Routed};

/// What the session is when the message arrives.
#[derive(Debug, Clone, Copy)]
pub struct Situation {
    pub verified: bool,
    pub locked: bool,
    pub opted_out: bool,
    pub in_handoff: bool,
    pub awaiting: Awaiting,
    /// A group message on a tenant that does not answer groups.
    pub unanswered_group: bool,
    pub is_test: bool,
    /// An image, audio, reaction…: nothing to read.
    pub unsupported: bool,
}

/// What the pipeline does with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Recorded, not answered: a person is answering, the sender opted out, or an unanswered group.
    Silent,
    /// The AutoResponder app's test button: a diagnostic reply, the session untouched.
    Diagnostic,
    Unsupported,
    /// The menu; `fallback` when the message was not understood (after the FAQ had no answer).
    Menu {
        fallback: bool,
    },
    /// The sender opted out before and greets again: opted in, then the menu.
    OptIn,
    Thanks,
    OptOut,
    Handoff,
    /// Verification is locked after too many failures.
    Locked,
    /// Loan data asked by a session not verified: verification starts with the identifier.
    AskIdentifier,
    /// The session waits for a credential and the message is something else it does not answer
    /// («hola» while verifying): the question again, without costing an attempt.
    AskAgain(Awaiting),
    CheckIdentifier,
    CheckSecret,
    /// A lending module's answer for a verified session.
    Lending(Intent),
    /// Not understood: the tenant's FAQ, else the menu.
    Faq,
}

pub fn dispatch(routed: Routed, s: &Situation) -> Action {
    if s.in_handoff || s.unanswered_group {
        return Action::Silent;
    }
    if s.opted_out {
        return if routed.intent == Intent::Greeting {
            Action::OptIn
        } else {
            Action::Silent
        };
    }
    if s.is_test {
        return Action::Diagnostic;
    }
    if s.unsupported {
        return Action::Unsupported;
    }
    let verifying = matches!(s.awaiting, Awaiting::Identifier | Awaiting::Secret);
    match routed.intent {
        Intent::OptOut => Action::OptOut,
        Intent::Agent => Action::Handoff,
        Intent::Answer if s.locked => Action::Locked,
        Intent::Answer if s.awaiting == Awaiting::Identifier => Action::CheckIdentifier,
        Intent::Answer if s.awaiting == Awaiting::Secret => Action::CheckSecret,
        Intent::Answer => Action::Faq,
        _ if verifying && !s.locked => Action::AskAgain(s.awaiting),
        Intent::Greeting => Action::Menu { fallback: false },
        Intent::Thanks => Action::Thanks,
        Intent::Unknown => Action::Faq,
        Intent::Balance
        | Intent::NextPayment
        | Intent::PaymentHistory
        | Intent::Statement
        | Intent::HowToPay => {
            if s.verified {
                Action::Lending(routed.intent)
            } else if s.locked {
                Action::Locked
            } else {
                Action::AskIdentifier
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn situation() -> Situation {
        Situation {
            verified: false,
            locked: false,
            opted_out: false,
            in_handoff: false,
            awaiting: Awaiting::Nothing,
            unanswered_group: false,
            is_test: false,
            unsupported: false,
        }
    }

    fn routed(intent: Intent) -> Routed {
        Routed {
            intent,
            confidence: 0.9,
        }
    }

    #[test]
    fn loan_data_goes_to_a_verified_session_only() {
        let mut s = situation();
        assert_eq!(dispatch(routed(Intent::Balance), &s), Action::AskIdentifier);
        s.locked = true;
        assert_eq!(dispatch(routed(Intent::Balance), &s), Action::Locked);
        s.locked = false;
        s.verified = true;
        assert_eq!(
            dispatch(routed(Intent::Balance), &s),
            Action::Lending(Intent::Balance)
        );
    }

    #[test]
    fn a_handoff_or_an_opt_out_keeps_the_bot_silent_until_a_greeting_opts_in() {
        let mut s = situation();
        s.in_handoff = true;
        assert_eq!(dispatch(routed(Intent::Balance), &s), Action::Silent);
        s.in_handoff = false;
        s.opted_out = true;
        assert_eq!(dispatch(routed(Intent::Balance), &s), Action::Silent);
        assert_eq!(dispatch(routed(Intent::Greeting), &s), Action::OptIn);
    }

    #[test]
    fn while_verifying_a_greeting_asks_again_and_an_answer_is_checked() {
        let mut s = situation();
        s.awaiting = Awaiting::Secret;
        assert_eq!(
            dispatch(routed(Intent::Greeting), &s),
            Action::AskAgain(Awaiting::Secret)
        );
        assert_eq!(dispatch(routed(Intent::Answer), &s), Action::CheckSecret);
        assert_eq!(dispatch(routed(Intent::Agent), &s), Action::Handoff);
        s.locked = true;
        assert_eq!(dispatch(routed(Intent::Answer), &s), Action::Locked);
    }

    #[test]
    fn unanswered_groups_tests_and_pictures_are_told_apart() {
        let mut s = situation();
        s.is_test = true;
        assert_eq!(dispatch(routed(Intent::Unknown), &s), Action::Diagnostic);
        s.is_test = false;
        s.unsupported = true;
        assert_eq!(dispatch(routed(Intent::Unknown), &s), Action::Unsupported);
        s.unanswered_group = true;
        assert_eq!(dispatch(routed(Intent::Unknown), &s), Action::Silent);
    }
}
