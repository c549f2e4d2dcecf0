//! The router against messages as borrowers write them (`tests/data/router.tsv`): prints the accuracy
//! and every miss, and holds the line at 95 %.

use credinet_assistant::router::{Awaiting, Intent, route};

struct Case {
    line: usize,
    awaiting: Awaiting,
    text: String,
    expected: Intent,
}

fn cases() -> Vec<Case> {
    let data = include_str!("data/router.tsv");
    data.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(
                cols.len(),
                3,
                "router.tsv line {}: three tab-separated columns",
                i + 1
            );
            let awaiting = match cols[0] {
                "-" => Awaiting::Nothing,
                "menu" => Awaiting::MenuChoice,
                "identifier" => Awaiting::Identifier,
                "secret" => Awaiting::Secret,
                other => panic!("router.tsv line {}: unknown state {other:?}", i + 1),
            };
            let expected = Intent::parse(cols[2]).unwrap_or_else(|| {
                panic!("router.tsv line {}: unknown intent {:?}", i + 1, cols[2])
            });
            Case {
                line: i + 1,
                awaiting,
                text: cols[1].to_string(),
                expected,
            }
        })
        .collect()
}

#[test]
fn the_router_reads_at_least_95_percent_of_real_style_messages_right() {
    let cases = cases();
    assert!(
        cases.len() >= 150,
        "at least 150 cases, found {}",
        cases.len()
    );
    let misses: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = route(&c.text, c.awaiting);
            (got.intent != c.expected).then(|| {
                format!(
                    "  line {:>3}: {:?} → {} (expected {})",
                    c.line,
                    c.text,
                    got.intent.as_str(),
                    c.expected.as_str()
                )
            })
        })
        .collect();
    let right = cases.len() - misses.len();
    let accuracy = right as f64 * 100.0 / cases.len() as f64;
    println!("router accuracy: {right}/{} = {accuracy:.1} %", cases.len());
    for miss in &misses {
        println!("{miss}");
    }
    assert!(
        accuracy >= 95.0,
        "accuracy {accuracy:.1} % is under 95 %:\n{}",
        misses.join("\n")
    );
}

#[test]
fn every_intent_of_the_spec_is_in_the_cases() {
    let cases = cases();
    for intent in [
        Intent::Greeting,
        Intent::Balance,
        Intent::NextPayment,
        Intent::PaymentHistory,
        Intent::Statement,
        Intent::HowToPay,
        Intent::Agent,
        Intent::OptOut,
        Intent::Answer,
        Intent::Unknown,
    ] {
        let n = cases.iter().filter(|c| c.expected == intent).count();
        assert!(
            n >= 3,
            "{} has {n} cases; every intent needs a few",
            intent.as_str()
        );
    }
}

#[test]
fn unknown_text_routes_to_unknown_with_no_confidence_so_the_menu_is_shown() {
    let routed = route("el clima de mañana en Puebla", Awaiting::Nothing);
    assert_eq!(routed.intent, Intent::Unknown);
    assert_eq!(routed.confidence, 0.0);
}

#[test]
fn a_menu_number_the_session_asked_for_is_certain() {
    let asked = route("3", Awaiting::MenuChoice);
    assert_eq!(asked.intent, Intent::PaymentHistory);
    assert_eq!(asked.confidence, 1.0);
    let unasked = route("3", Awaiting::Nothing);
    assert_eq!(unasked.intent, Intent::PaymentHistory);
    assert!(unasked.confidence < 1.0);
    // A number past the menu is not a choice.
    assert_eq!(route("9", Awaiting::MenuChoice).intent, Intent::Unknown);
}

#[test]
fn a_negated_request_is_not_the_request() {
    assert_eq!(
        route("no quiero pagar", Awaiting::Nothing).intent,
        Intent::Unknown
    );
    assert_eq!(
        route("quiero pagar", Awaiting::Nothing).intent,
        Intent::HowToPay
    );
    assert_eq!(
        route("no sé cuánto debo", Awaiting::Nothing).intent,
        Intent::Balance
    );
}

mod arbitrary_text {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever arrives (emoji, control characters, bidi marks, 4-byte characters, very long text),
        /// the router answers, with a confidence between 0 and 1.
        #[test]
        fn any_text_routes_without_panicking(text in "\\PC{0,400}", state in 0u8..4) {
            let awaiting = [Awaiting::Nothing, Awaiting::MenuChoice, Awaiting::Identifier, Awaiting::Secret]
                [usize::from(state)];
            let routed = route(&text, awaiting);
            prop_assert!((0.0..=1.0).contains(&routed.confidence));
        }

        #[test]
        fn any_unicode_including_controls_routes(text in any::<String>()) {
            let _ = route(&text, Awaiting::Nothing);
        }
    }
}
