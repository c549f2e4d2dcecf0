//! What happened to a loan or a payment: the kind of a domain event, which is also the action of the
//! audit entry written beside it. The text is what the database stores and what the notifier and its
//! subscribers match on, so a variant's text never changes once released.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// A draft was created (audited only: nobody is notified of a draft).
    LoanCreated,
    LoanSubmitted,
    LoanApproved,
    LoanRejected,
    LoanDisbursed,
    /// The last centavo was paid.
    LoanPaid,
    LoanWrittenOff,
    PaymentRegistered,
    PaymentReversed,
    /// A scheduled job ran to its end; the payload carries its summary.
    SchedulerExecuted,
    /// A scheduled job failed; the payload carries the error.
    SchedulerFailed,
    /// A WhatsApp session failed verification too many times and is locked for a while (SPEC §5).
    VerificationLocked,
}

impl EventKind {
    pub const ALL: [EventKind; 12] = [
        EventKind::LoanCreated,
        EventKind::LoanSubmitted,
        EventKind::LoanApproved,
        EventKind::LoanRejected,
        EventKind::LoanDisbursed,
        EventKind::LoanPaid,
        EventKind::LoanWrittenOff,
        EventKind::PaymentRegistered,
        EventKind::PaymentReversed,
        EventKind::SchedulerExecuted,
        EventKind::SchedulerFailed,
        EventKind::VerificationLocked,
    ];

    /// The stored text (`payment_registered`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LoanCreated => "loan_created",
            EventKind::LoanSubmitted => "loan_submitted",
            EventKind::LoanApproved => "loan_approved",
            EventKind::LoanRejected => "loan_rejected",
            EventKind::LoanDisbursed => "loan_disbursed",
            EventKind::LoanPaid => "loan_paid",
            EventKind::LoanWrittenOff => "loan_written_off",
            EventKind::PaymentRegistered => "payment_registered",
            EventKind::PaymentReversed => "payment_reversed",
            EventKind::SchedulerExecuted => "scheduler_executed",
            EventKind::SchedulerFailed => "scheduler_failed",
            EventKind::VerificationLocked => "verification_locked",
        }
    }

    /// The kind stored as `raw`, exactly (stored text is never retyped by a person).
    pub fn parse(raw: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind '{0}'")]
pub struct UnknownEventKind(pub String);

impl FromStr for EventKind {
    type Err = UnknownEventKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventKind::parse(s).ok_or_else(|| UnknownEventKind(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_kind_round_trips_through_its_stored_text_and_serde() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.as_str().parse::<EventKind>(), Ok(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::Value::String(kind.as_str().into()));
            assert_eq!(serde_json::from_value::<EventKind>(json).unwrap(), kind);
        }
    }

    #[test]
    fn the_stored_texts_are_the_released_ones() {
        let texts: Vec<&str> = EventKind::ALL.into_iter().map(EventKind::as_str).collect();
        assert_eq!(
            texts,
            [
                "loan_created",
                "loan_submitted",
                "loan_approved",
                "loan_rejected",
                "loan_disbursed",
                "loan_paid",
                "loan_written_off",
                "payment_registered",
                "payment_reversed",
                "scheduler_executed",
                "scheduler_failed",
                "verification_locked",
            ]
        );
    }

    #[test]
    fn an_unknown_or_retyped_kind_is_refused() {
        assert_eq!(EventKind::parse("Payment_Registered"), None);
        assert_eq!(EventKind::parse(" loan_paid"), None);
        assert!("loan_lost".parse::<EventKind>().is_err());
    }
}
