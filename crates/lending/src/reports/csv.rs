//! CSV exports of the reports, in the format of the lists' exports (`crate::csv`): English headers,
//! plain amounts, ISO dates, free text neutralized against formulas.

use super::collections::{CollectionsReport, Tally};
use super::par::BasisPoints;
use super::portfolio::PortfolioReport;
use crate::csv::{row, text};
use crate::cuts::{Cut, CutStatus, Statement};

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

/// One line per cut: its dates, status, progress and summary (empty while it runs).
pub fn cuts_csv(cuts: &[Cut]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "cut_date",
            "period_start",
            "status",
            "loans_total",
            "loans_done",
            "started_at",
            "finished_at",
            "loans",
            "billed",
            "collected",
            "reversed",
            "charged",
            "overdue",
            "overdue_loans",
            "outstanding",
            "outstanding_principal",
            "par15_principal",
            "par30_principal",
            "par15",
            "par30",
        ]
        .map(String::from),
    );
    for c in cuts {
        let mut fields = vec![
            c.cut_date.to_string(),
            c.period_start.to_string(),
            match c.status {
                CutStatus::Running => "running",
                CutStatus::Done => "done",
            }
            .to_string(),
            c.loans_total.to_string(),
            c.loans_done.to_string(),
            c.started_at.to_rfc3339(),
            c.finished_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ];
        match &c.summary {
            Some(s) => {
                let whole = s.outstanding_principal.centavos();
                fields.extend([
                    s.loans.to_string(),
                    s.billed.plain(),
                    s.collected.plain(),
                    s.reversed.plain(),
                    s.charged.plain(),
                    s.overdue.plain(),
                    s.overdue_loans.to_string(),
                    s.outstanding.plain(),
                    s.outstanding_principal.plain(),
                    s.par15_principal.plain(),
                    s.par30_principal.plain(),
                    BasisPoints::share(s.par15_principal.centavos(), whole).fraction(),
                    BasisPoints::share(s.par30_principal.centavos(), whole).fraction(),
                ]);
            }
            None => fields.extend(std::iter::repeat_n(String::new(), 13)),
        }
        row(&mut out, &fields);
    }
    out
}

/// One line per statement of a cut.
pub fn statements_csv(statements: &[Statement]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "loan_id",
            "cut_date",
            "opening",
            "late_fee",
            "late_fee_iva",
            "payments",
            "reversals",
            "closing",
            "billed",
            "overdue",
            "overdue_installments",
            "days_past_due",
            "bucket",
            "outstanding_principal",
            "next_due_date",
            "next_due_amount",
            "loan_status",
        ]
        .map(String::from),
    );
    for s in statements {
        let l = &s.line;
        row(
            &mut out,
            &[
                s.loan_id.to_string(),
                s.cut_date.to_string(),
                l.opening.plain(),
                l.late_fee.plain(),
                l.late_fee_iva.plain(),
                l.payments.plain(),
                l.reversals.plain(),
                l.closing.plain(),
                l.billed.plain(),
                l.overdue.plain(),
                l.overdue_installments.to_string(),
                l.days_past_due.to_string(),
                super::portfolio::bucket_code(l.bucket),
                l.outstanding_principal.plain(),
                l.next_due_date.map(|d| d.to_string()).unwrap_or_default(),
                l.next_due_amount.plain(),
                s.loan_status.as_str().to_string(),
            ],
        );
    }
    out
}

/// The portfolio at the latest cut by bucket.
pub fn buckets_csv(report: &PortfolioReport) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "cut_date",
            "bucket",
            "loans",
            "outstanding_principal",
            "outstanding",
            "overdue",
        ]
        .map(String::from),
    );
    let date = report
        .latest()
        .map(|c| c.cut.cut_date.to_string())
        .unwrap_or_default();
    for b in &report.buckets {
        row(
            &mut out,
            &[
                date.clone(),
                super::portfolio::bucket_code(b.bucket),
                b.loans.to_string(),
                b.outstanding_principal.plain(),
                b.outstanding.plain(),
                b.overdue.plain(),
            ],
        );
    }
    out
}
