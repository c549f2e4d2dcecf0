//! CSV exports of the reports, in the format of the lists' exports (`crate::csv`): English headers,
//! plain amounts, ISO dates, free text neutralized against formulas.

use super::collections::{CollectionsReport, Tally};
use crate::csv::{row, text};

fn tally(t: &Tally) -> [String; 4] {
    [
        t.payments.to_string(),
        t.collected.plain(),
        t.reversed_payments.to_string(),
        t.reversed.plain(),
    ]
}

const TALLY: [&str; 4] = ["payments", "collected", "reversed_payments", "reversed"];

/// One line per cut period: its first day, its last day, its cut, and the tally.
pub fn collections_by_period_csv(report: &CollectionsReport) -> String {
    let mut out = String::new();
    row(&mut out, &header(&["from", "to", "cut_date"]));
    for line in &report.periods {
        let mut fields = vec![
            line.period.from.to_string(),
            line.period.last_day().to_string(),
            line.period.cut.to_string(),
        ];
        fields.extend(tally(&line.tally));
        row(&mut out, &fields);
    }
    out
}

/// One line per person or key who registered payments in the range.
pub fn collections_by_collector_csv(report: &CollectionsReport) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &header(&["registered_by_kind", "registered_by_id", "registered_by"]),
    );
    for line in &report.collectors {
        let mut fields = match &line.who {
            Some(a) => vec![
                a.kind.as_str().to_string(),
                a.id.map(|i| i.to_string()).unwrap_or_default(),
                text(&a.label),
            ],
            None => vec![String::new(), String::new(), String::new()],
        };
        fields.extend(tally(&line.tally));
        row(&mut out, &fields);
    }
    out
}

fn header(first: &[&str]) -> Vec<String> {
    first
        .iter()
        .chain(TALLY.iter())
        .map(|s| s.to_string())
        .collect()
}
