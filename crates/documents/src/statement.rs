//! The loan statement of one cut: who and which loan, the period's balance (opening + charges −
//! payments + reversals = closing), where the loan stands (overdue, days past due, bucket, next
//! payment) and the period's movements. Laid out on Letter pages in Spanish; long lists of movements
//! continue on further pages, each with the loan's heading and "Página n de m".

use crate::DocumentError;
use crate::fonts::Faces;
use crate::sheet::{self, PAGE_HEIGHT, PAGE_WIDTH, Sheet, Weight};
use chrono::NaiveDate;
use credinet_core::lending::delinquency::DelinquencyBucket;
use credinet_core::money::Money;

/// What a statement shows; every figure is already computed by the cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The lender's legal name.
    pub lender: String,
    pub client: String,
    pub loan_number: String,
    pub cut_date: NaiveDate,
    /// First local day the period covers (the day of the previous cut, or the disbursement).
    pub period_from: NaiveDate,
    pub opening: Money,
    pub charges: Money,
    pub payments: Money,
    pub reversals: Money,
    pub closing: Money,
    pub overdue: Money,
    pub days_past_due: u32,
    pub bucket: DelinquencyBucket,
    pub next_due: Option<(NaiveDate, Money)>,
    /// The period's movements, oldest first.
    pub lines: Vec<StatementLine>,
}

/// One movement of the period.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementLine {
    pub date: NaiveDate,
    pub kind: LineKind,
    /// What identifies it for the borrower: the installment number of a charge, a payment's reference.
    pub detail: String,
    /// Always positive; the kind says whether it adds to or takes from the balance.
    pub amount: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    LateFee,
    LateFeeIva,
    Payment,
    Reversal,
}

impl LineKind {
    pub fn label_es(self) -> &'static str {
        match self {
            LineKind::LateFee => "Comisión por atraso",
            LineKind::LateFeeIva => "IVA de la comisión por atraso",
            LineKind::Payment => "Pago",
            LineKind::Reversal => "Reversa de pago",
        }
    }

    /// Charges and reversals raise the balance; payments lower it.
    pub fn is_charge(self) -> bool {
        !matches!(self, LineKind::Payment)
    }
}

impl Statement {
    /// closing = opening + charges − payments + reversals, in checked centavos.
    pub fn balances(&self) -> bool {
        self.opening
            .checked_add(self.charges)
            .and_then(|m| m.checked_sub(self.payments))
            .and_then(|m| m.checked_add(self.reversals))
            == Some(self.closing)
    }

    /// The PDF, or why it cannot be printed.
    pub fn to_pdf(&self) -> Result<Vec<u8>, DocumentError> {
        if !self.balances() {
            return Err(DocumentError::Unbalanced {
                opening: self.opening.to_string(),
                charges: self.charges.to_string(),
                payments: self.payments.to_string(),
                reversals: self.reversals.to_string(),
                closing: self.closing.to_string(),
            });
        }
        let faces = Faces::load()?;
        let title = format!(
            "Estado de cuenta {} al {}",
            self.loan_number,
            day(self.cut_date)
        );
        sheet::write(&faces, &self.layout(), &title)
    }

    /// The pages, planned without writing any PDF.
    pub(crate) fn layout(&self) -> Vec<Sheet> {
        let chunks: Vec<&[StatementLine]> = if self.lines.is_empty() {
            vec![&[]]
        } else {
            let mut chunks = Vec::new();
            let (first, rest) = self.lines.split_at(self.lines.len().min(FIRST_PAGE_LINES));
            chunks.push(first);
            chunks.extend(rest.chunks(OTHER_PAGE_LINES));
            chunks
        };
        let total = chunks.len();
        chunks
            .into_iter()
            .enumerate()
            .map(|(i, lines)| {
                let mut page = Sheet::default();
                let mut y = self.heading(&mut page);
                if i == 0 {
                    y = self.summary(&mut page, y);
                }
                self.movements(&mut page, y, lines, i > 0);
                page.rule(MARGIN, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 48.0, 0.5);
                page.note(
                    MARGIN,
                    PAGE_HEIGHT - 34.0,
                    8.0,
                    "Importes en pesos mexicanos (MXN). Saldo al corte = saldo anterior + cargos − pagos + reversas.",
                );
                page.right(
                    PAGE_WIDTH - MARGIN,
                    PAGE_HEIGHT - 34.0,
                    8.0,
                    Weight::Regular,
                    format!("Página {} de {total}", i + 1),
                );
                page
            })
            .collect()
    }

    /// Lender, title, client and loan; returns where the next block starts.
    fn heading(&self, page: &mut Sheet) -> f32 {
        let right = PAGE_WIDTH - MARGIN;
        // The lender's name can be long ("…, S.A. de C.V., SOFOM E.N.R."): it gets its own line.
        page.text(MARGIN, 54.0, 11.0, Weight::Bold, clip(&self.lender, 80));
        page.text(MARGIN, 78.0, 16.0, Weight::Bold, "Estado de cuenta");
        page.right(
            right,
            78.0,
            10.0,
            Weight::Regular,
            format!("Corte del {}", day(self.cut_date)),
        );
        page.rule(MARGIN, right, 90.0, 1.0);
        page.text(MARGIN, 110.0, 10.0, Weight::Bold, "Cliente");
        page.text(
            MARGIN + 80.0,
            110.0,
            10.0,
            Weight::Regular,
            self.client.clone(),
        );
        page.text(MARGIN, 126.0, 10.0, Weight::Bold, "Préstamo");
        page.text(
            MARGIN + 80.0,
            126.0,
            10.0,
            Weight::Regular,
            self.loan_number.clone(),
        );
        page.text(MARGIN, 142.0, 10.0, Weight::Bold, "Periodo");
        page.text(
            MARGIN + 80.0,
            142.0,
            10.0,
            Weight::Regular,
            format!(
                "del {} al {}",
                day(self.period_from),
                day(self.cut_date.pred_opt().unwrap_or(self.cut_date))
            ),
        );
        162.0
    }

    /// The balance of the period and where the loan stands, side by side.
    fn summary(&self, page: &mut Sheet, top: f32) -> f32 {
        let half = (PAGE_WIDTH - 2.0 * MARGIN - GUTTER) / 2.0;
        let rows = 5.0;
        page.shade(MARGIN, top, half, rows * ROW + 22.0);
        page.shade(MARGIN + half + GUTTER, top, half, rows * ROW + 22.0);
        let balance = [
            ("Saldo anterior", self.opening.to_string(), false),
            ("+ Cargos del periodo", self.charges.to_string(), false),
            ("− Pagos", self.payments.to_string(), false),
            ("+ Reversas de pagos", self.reversals.to_string(), false),
            ("= Saldo al corte", self.closing.to_string(), true),
        ];
        let standing = [
            ("Monto vencido", self.overdue.to_string()),
            ("Días de atraso", self.days_past_due.to_string()),
            ("Clasificación", self.bucket.label_es().to_string()),
            (
                "Próximo pago",
                self.next_due.map_or("—".to_string(), |(d, _)| day(d)),
            ),
            (
                "Importe del próximo pago",
                self.next_due
                    .map_or("—".to_string(), |(_, m)| m.to_string()),
            ),
        ];
        let x = MARGIN + 10.0;
        let x2 = MARGIN + half + GUTTER + 10.0;
        let mut y = top + 22.0;
        for ((label, amount, total), (label2, value2)) in balance.into_iter().zip(standing) {
            let weight = if total { Weight::Bold } else { Weight::Regular };
            page.text(x, y, 10.0, weight, label);
            page.right(MARGIN + half - 10.0, y, 10.0, weight, amount);
            page.text(x2, y, 10.0, Weight::Regular, label2);
            page.right(PAGE_WIDTH - MARGIN - 10.0, y, 10.0, Weight::Regular, value2);
            y += ROW;
        }
        top + rows * ROW + 46.0
    }

    /// The movements table: date, concept, charge, credit.
    fn movements(&self, page: &mut Sheet, top: f32, lines: &[StatementLine], continued: bool) {
        let right = PAGE_WIDTH - MARGIN;
        let title = if continued {
            "Movimientos del periodo (continuación)"
        } else {
            "Movimientos del periodo"
        };
        page.text(MARGIN, top, 11.0, Weight::Bold, title);
        let head = top + 20.0;
        page.text(MARGIN, head, 9.0, Weight::Bold, "Fecha");
        page.text(MARGIN + 70.0, head, 9.0, Weight::Bold, "Concepto");
        page.right(right - 90.0, head, 9.0, Weight::Bold, "Cargo");
        page.right(right, head, 9.0, Weight::Bold, "Abono");
        page.rule(MARGIN, right, head + 5.0, 0.5);
        let mut y = head + 19.0;
        if lines.is_empty() {
            page.note(MARGIN, y, 9.0, "Sin movimientos en el periodo.");
            return;
        }
        for line in lines {
            page.text(MARGIN, y, 9.0, Weight::Regular, day(line.date));
            let concept = if line.detail.is_empty() {
                line.kind.label_es().to_string()
            } else {
                format!("{} · {}", line.kind.label_es(), clip(&line.detail, 48))
            };
            page.text(MARGIN + 70.0, y, 9.0, Weight::Regular, concept);
            let column = if line.kind.is_charge() {
                right - 90.0
            } else {
                right
            };
            page.right(column, y, 9.0, Weight::Regular, line.amount.to_string());
            y += LINE;
        }
    }
}

const MARGIN: f32 = 48.0;
const GUTTER: f32 = 16.0;
const ROW: f32 = 17.0;
const LINE: f32 = 15.0;
/// Movements that fit under the heading and the summary, and on a page with the heading only.
const FIRST_PAGE_LINES: usize = 24;
const OTHER_PAGE_LINES: usize = 34;

/// A local date as the pages show it.
fn day(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Free text kept to one line of the table.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

#[cfg(test)]
mod tests;
