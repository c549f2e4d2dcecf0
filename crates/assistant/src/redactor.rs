//! The redactor: an outcome and the tenant's name to the reply's text, with the template of the
//! outcome's name (SPEC §5). Templates render in a sandbox: minijinja with no loader (no file access),
//! a fuel limit (bounded work) and a bounded output. Amounts read as Mexican pesos (`|pesos`, from
//! centavos) and dates in Spanish (`|fecha`, from an ISO date).

use crate::AssistantError;
use crate::outcome::Outcome;
use crate::templates::{DEFAULT_VERSION, DEFAULTS};
use chrono::NaiveDate;
use credinet_core::money::Money;
use minijinja::Environment;
use std::sync::OnceLock;

/// WhatsApp's limit on a text message.
pub const MAX_REPLY_CHARS: usize = 4096;
/// Enough for the longest shipped template many times over; a runaway loop stops here.
const FUEL: u64 = 50_000;

/// A reply's text and the template version that produced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub template: &'static str,
    pub version: i32,
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_fuel(Some(FUEL));
        env.add_filter("pesos", pesos);
        env.add_filter("fecha", fecha);
        for (name, source) in DEFAULTS {
            env.add_template(name, source)
                .expect("the shipped templates parse (checked by a test)");
        }
        env
    })
}

pub fn render(outcome: &Outcome, company: &str) -> Result<Rendered, AssistantError> {
    let template = outcome.template();
    let fail = |reason: String| AssistantError::Template { template, reason };
    let mut context = serde_json::to_value(outcome).map_err(|e| fail(e.to_string()))?;
    if let Some(map) = context.as_object_mut() {
        map.insert("empresa".into(), company.into());
    }
    let text = environment()
        .get_template(template)
        .and_then(|t| t.render(minijinja::Value::from_serialize(&context)))
        .map_err(|e| fail(e.to_string()))?;
    let text: String = text.trim().chars().take(MAX_REPLY_CHARS).collect();
    Ok(Rendered {
        text,
        template,
        version: DEFAULT_VERSION,
    })
}

fn pesos(centavos: i64) -> String {
    Money::from_centavos(centavos).to_string()
}

/// «2026-12-07» → «7 de diciembre de 2026»; anything else is shown as given.
fn fecha(iso: String) -> String {
    match NaiveDate::parse_from_str(&iso, "%Y-%m-%d") {
        Ok(d) => crate::months::long_date(d),
        Err(_) => iso,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{LoanBalance, PaymentLine};

    #[test]
    fn every_shipped_template_renders_in_spanish() {
        let outcomes = [
            Outcome::Menu { fallback: false },
            Outcome::Menu { fallback: true },
            Outcome::Thanks,
            Outcome::OptedOut,
            Outcome::Handoff,
            Outcome::Unsupported,
            Outcome::Diagnostic {
                channel: "autoresponder",
                sender_is_phone: true,
            },
            Outcome::AskIdentifier { again: false },
            Outcome::AskSecret { again: true },
            Outcome::Verified {
                first_name: "Ana".into(),
            },
            Outcome::VerificationFailed { attempts_left: 1 },
            Outcome::Locked { minutes: 30 },
            Outcome::NoLoans,
            Outcome::NothingDue,
            Outcome::NoStatement,
            Outcome::HowToPay {
                references: vec!["P-000001".into()],
                instructions: None,
            },
            Outcome::Faq {
                answer: "De 9 a 18 h".into(),
            },
            Outcome::PaymentHistory {
                payments: vec![PaymentLine {
                    loan: "P-000001".into(),
                    paid_on: "2026-12-01".into(),
                    amount: 50_000,
                }],
            },
        ];
        for outcome in outcomes {
            let r = render(&outcome, "Financiera Demo").unwrap();
            assert!(!r.text.is_empty(), "{outcome:?}");
            assert_eq!(r.version, DEFAULT_VERSION);
        }
    }

    #[test]
    fn amounts_read_as_pesos_and_dates_in_spanish() {
        let r = render(
            &Outcome::NextPayment {
                loan: "P-000007".into(),
                due_date: "2026-12-07".into(),
                amount: 123_456,
                overdue: 0,
            },
            "Financiera Demo",
        )
        .unwrap();
        assert_eq!(
            r.text,
            "Tu próximo pago del préstamo P-000007 es de $1,234.56 con fecha límite 7 de diciembre de 2026."
        );
        let r = render(
            &Outcome::Balance {
                loans: vec![LoanBalance {
                    number: "P-000007".into(),
                    outstanding: 1_000_000,
                    overdue: 25_000,
                }],
                total: 1_000_000,
            },
            "X",
        )
        .unwrap();
        assert_eq!(
            r.text,
            "Tu saldo del préstamo P-000007 es $10,000.00. De ese saldo, $250.00 está vencido."
        );
    }
}
