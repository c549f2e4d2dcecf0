//! CSV exports of the cuts and the reports, one [`Sheet`] each, as the lists' exports (`crate::csv`,
//! ADR 34): written for a program (`?format=raw`: English headers, stored codes, ISO dates, UTC
//! instants) or for a person in a Spanish spreadsheet (a BOM, Spanish headers and names, `dd/mm/aaaa`
//! dates, local times).

use super::collections::{CollectionsReport, Tally};
use super::par::BasisPoints;
use super::portfolio::PortfolioReport;
use crate::csv::{Cell, Sheet};
use crate::cuts::{Cut, CutStatus, Statement};
use credinet_store::repo::audit::ActorKind;

const TALLY: [(&str, &str); 4] = [
    ("payments", "Pagos"),
    ("collected", "Cobrado"),
    ("reversed_payments", "Pagos revertidos"),
    ("reversed", "Revertido"),
];

fn tally(t: &Tally) -> [Cell; 4] {
    [
        Cell::Plain(t.payments.to_string()),
        Cell::Plain(t.collected.plain()),
        Cell::Plain(t.reversed_payments.to_string()),
        Cell::Plain(t.reversed.plain()),
    ]
}

fn columns(first: &[(&'static str, &'static str)]) -> Sheet {
    Sheet::new(&[first, &TALLY[..]].concat())
}

/// Who registered payments, as a person reads the kind.
pub fn actor_kind_es(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::User => "usuario",
        ActorKind::ApiKey => "clave API",
        ActorKind::Cli => "línea de comandos",
        ActorKind::System => "sistema",
    }
}

/// One line per cut period: its first day, its last day, its cut, and the tally.
pub fn collections_by_period_sheet(report: &CollectionsReport) -> Sheet {
    let mut sheet = columns(&[("from", "Desde"), ("to", "Hasta"), ("cut_date", "Corte")]);
    for line in &report.periods {
        let mut cells = vec![
            Cell::Date(Some(line.period.from)),
            Cell::Date(Some(line.period.last_day())),
            Cell::Date(Some(line.period.cut)),
        ];
        cells.extend(tally(&line.tally));
        sheet.push(cells);
    }
    sheet
}

/// One line per person or key who registered payments in the range.
pub fn collections_by_collector_sheet(report: &CollectionsReport) -> Sheet {
    let mut sheet = columns(&[
        ("registered_by_kind", "Tipo"),
        ("registered_by_id", "Número"),
        ("registered_by", "Registrado por"),
    ]);
    for line in &report.collectors {
        let mut cells = match &line.who {
            Some(a) => vec![
                Cell::Code(a.kind.as_str(), actor_kind_es(a.kind)),
                Cell::Plain(a.id.map(|i| i.to_string()).unwrap_or_default()),
                Cell::Text(a.label.clone()),
            ],
            None => vec![
                Cell::Code("", "pagos importados"),
                Cell::Plain(String::new()),
                Cell::Code("", "Sin registro"),
            ],
        };
        cells.extend(tally(&line.tally));
        sheet.push(cells);
    }
    sheet
}

fn status_code(status: CutStatus) -> &'static str {
    match status {
        CutStatus::Running => "running",
        CutStatus::Done => "done",
    }
}

/// One line per cut: its dates, status, progress and summary (empty while it runs).
pub fn cuts_sheet(cuts: &[Cut]) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("cut_date", "Corte"),
        ("period_start", "Inicio del periodo"),
        ("status", "Estado"),
        ("loans_total", "Préstamos por procesar"),
        ("loans_done", "Préstamos procesados"),
        ("started_at", "Iniciado"),
        ("finished_at", "Terminado"),
        ("loans", "Préstamos"),
        ("billed", "Exigible"),
        ("collected", "Cobrado"),
        ("reversed", "Revertido"),
        ("charged", "Cargos"),
        ("overdue", "Vencido"),
        ("overdue_loans", "Préstamos vencidos"),
        ("outstanding", "Saldo"),
        ("outstanding_principal", "Capital vigente"),
        ("par15_principal", "Capital en riesgo 15"),
        ("par30_principal", "Capital en riesgo 30"),
        ("par15", "PAR15 (fracción)"),
        ("par30", "PAR30 (fracción)"),
    ]);
    for c in cuts {
        let mut cells = vec![
            Cell::Date(Some(c.cut_date)),
            Cell::Date(Some(c.period_start)),
            Cell::Code(status_code(c.status), c.status.label_es()),
            Cell::Plain(c.loans_total.to_string()),
            Cell::Plain(c.loans_done.to_string()),
            Cell::Instant(Some(c.started_at)),
            Cell::Instant(c.finished_at),
        ];
        match &c.summary {
            Some(s) => {
                let whole = s.outstanding_principal.centavos();
                let share = |part: i64| BasisPoints::share(part, whole).fraction();
                cells.extend(
                    [
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
                        share(s.par15_principal.centavos()),
                        share(s.par30_principal.centavos()),
                    ]
                    .map(Cell::Plain),
                );
            }
            None => cells.extend(std::iter::repeat_n(Cell::Plain(String::new()), 13)),
        }
        sheet.push(cells);
    }
    sheet
}

/// One line per statement of a cut.
pub fn statements_sheet(statements: &[Statement]) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("loan_id", "Préstamo"),
        ("cut_date", "Corte"),
        ("opening", "Saldo inicial"),
        ("late_fee", "Cargo por atraso"),
        ("late_fee_iva", "IVA del cargo"),
        ("payments", "Pagos"),
        ("reversals", "Reversas"),
        ("closing", "Saldo final"),
        ("billed", "Exigible"),
        ("overdue", "Vencido"),
        ("overdue_installments", "Cuotas vencidas"),
        ("days_past_due", "Días de atraso"),
        ("bucket", "Clasificación"),
        ("outstanding_principal", "Capital vigente"),
        ("next_due_date", "Próximo vencimiento"),
        ("next_due_amount", "Próxima cuota"),
        ("loan_status", "Estado del préstamo"),
    ]);
    for s in statements {
        let l = &s.line;
        sheet.push(vec![
            Cell::Plain(s.loan_id.to_string()),
            Cell::Date(Some(s.cut_date)),
            Cell::Plain(l.opening.plain()),
            Cell::Plain(l.late_fee.plain()),
            Cell::Plain(l.late_fee_iva.plain()),
            Cell::Plain(l.payments.plain()),
            Cell::Plain(l.reversals.plain()),
            Cell::Plain(l.closing.plain()),
            Cell::Plain(l.billed.plain()),
            Cell::Plain(l.overdue.plain()),
            Cell::Plain(l.overdue_installments.to_string()),
            Cell::Plain(l.days_past_due.to_string()),
            Cell::Code(l.bucket.code(), l.bucket.label_es()),
            Cell::Plain(l.outstanding_principal.plain()),
            Cell::Date(l.next_due_date),
            Cell::Plain(l.next_due_amount.plain()),
            Cell::Code(s.loan_status.as_str(), s.loan_status.label_es()),
        ]);
    }
    sheet
}

/// The portfolio at the latest cut by bucket.
pub fn buckets_sheet(report: &PortfolioReport) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("cut_date", "Corte"),
        ("bucket", "Clasificación"),
        ("loans", "Préstamos"),
        ("outstanding_principal", "Capital vigente"),
        ("outstanding", "Saldo"),
        ("overdue", "Vencido"),
    ]);
    let date = report.latest().map(|c| c.cut.cut_date);
    for b in &report.buckets {
        sheet.push(vec![
            Cell::Date(date),
            Cell::Code(b.bucket.code(), b.bucket.label_es()),
            Cell::Plain(b.loans.to_string()),
            Cell::Plain(b.outstanding_principal.plain()),
            Cell::Plain(b.outstanding.plain()),
            Cell::Plain(b.overdue.plain()),
        ]);
    }
    sheet
}
