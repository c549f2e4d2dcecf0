//! CSV exports of the lists (RFC 4180: comma-separated, CRLF line ends, fields with a comma, a quote or a
//! line break quoted, quotes doubled). Text typed by people that starts with `=`, `+`, `-` or `@` gets a
//! leading apostrophe so a spreadsheet does not run it as a formula (CSV injection); amounts are written
//! plainly (`1234.56`, which a Mexican spreadsheet reads as a number).
//!
//! Each export is one [`Sheet`] written for one of two readers (ADR 34): a program (`/v1`, the pages'
//! `?format=raw`: English headers, stored codes, ISO dates, RFC 3339 UTC instants — unchanged since the
//! first exports) or a person opening it in a Spanish spreadsheet (a BOM so the accents read as UTF-8,
//! Spanish headers and names, `dd/mm/aaaa` dates, local times in the tenant's zone).

use crate::clients::Client;
use crate::loans::LoanListItem;
use crate::payments::Payment;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::zone::Zone;

/// One field, quoted when RFC 4180 requires it.
pub fn field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// A field of free text: neutralized against formula injection, then quoted as needed.
pub fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        field(&format!("'{value}"))
    } else {
        field(value)
    }
}

pub(crate) fn row(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

/// Who reads an export.
#[derive(Debug, Clone, Copy)]
pub enum Reader<'z> {
    /// English headers, stored codes, ISO dates, UTC instants.
    Program,
    /// A person in a Spanish spreadsheet, in the tenant's zone.
    Person(&'z Zone),
}

/// What Excel needs at the start of a file to read it as UTF-8.
pub const BOM: &str = "\u{feff}";

/// One cell, as each reader reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Ids, counts and amounts: the same for both.
    Plain(String),
    /// Free text typed by people: neutralized against formulas.
    Text(String),
    /// A stored code and its Spanish name.
    Code(&'static str, &'static str),
    Date(Option<NaiveDate>),
    Instant(Option<DateTime<Utc>>),
    Bool(bool),
}

impl Cell {
    fn write(&self, reader: Reader<'_>) -> String {
        match (self, reader) {
            (Cell::Plain(v), _) => field(v),
            (Cell::Text(v), _) => text(v),
            (Cell::Code(code, _), Reader::Program) => field(code),
            (Cell::Code(_, name), Reader::Person(_)) => field(name),
            (Cell::Date(d), Reader::Program) => opt(d),
            (Cell::Date(d), Reader::Person(_)) => d
                .map(|d| d.format("%d/%m/%Y").to_string())
                .unwrap_or_default(),
            (Cell::Instant(t), Reader::Program) => t.map(|t| t.to_rfc3339()).unwrap_or_default(),
            (Cell::Instant(t), Reader::Person(zone)) => {
                t.map(|t| zone.format_local(t)).unwrap_or_default()
            }
            (Cell::Bool(b), Reader::Program) => b.to_string(),
            (Cell::Bool(b), Reader::Person(_)) => if *b { "Sí" } else { "No" }.to_string(),
        }
    }
}

/// An export: its columns (the program's header, the person's header) and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    columns: Vec<(&'static str, &'static str)>,
    rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(columns: &[(&'static str, &'static str)]) -> Sheet {
        Sheet {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, cells: Vec<Cell>) {
        self.rows.push(cells);
    }

    pub fn write(&self, reader: Reader<'_>) -> String {
        let mut out = match reader {
            Reader::Program => String::new(),
            Reader::Person(_) => BOM.to_string(),
        };
        let header = self
            .columns
            .iter()
            .map(|(program, person)| match reader {
                Reader::Program => field(program),
                Reader::Person(_) => field(person),
            })
            .collect::<Vec<_>>();
        row(&mut out, &header);
        for cells in &self.rows {
            let fields = cells.iter().map(|c| c.write(reader)).collect::<Vec<_>>();
            row(&mut out, &fields);
        }
        out
    }
}

pub fn clients_sheet(clients: &[Client]) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("id", "Número"),
        ("full_name", "Nombre"),
        ("phone", "Teléfono"),
        ("curp", "CURP"),
        ("rfc", "RFC"),
        ("birth_date", "Fecha de nacimiento"),
        ("address", "Domicilio"),
        ("notes", "Notas"),
        ("created_at", "Registrado"),
    ]);
    for c in clients {
        sheet.push(vec![
            Cell::Plain(c.id.to_string()),
            Cell::Text(c.full_name.clone()),
            Cell::Plain(c.phone.as_str().to_string()),
            Cell::Plain(opt(&c.curp.as_ref().map(|x| x.as_str().to_string()))),
            Cell::Plain(opt(&c.rfc.as_ref().map(|x| x.as_str().to_string()))),
            Cell::Date(c.birth_date),
            Cell::Text(c.address.clone().unwrap_or_default()),
            Cell::Text(c.notes.clone().unwrap_or_default()),
            Cell::Instant(Some(c.created_at)),
        ]);
    }
    sheet
}

/// [`clients_sheet`] for programs (`/v1`).
pub fn clients_csv(clients: &[Client]) -> String {
    clients_sheet(clients).write(Reader::Program)
}

pub fn loans_sheet(loans: &[LoanListItem]) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("id", "Id"),
        ("number", "Número"),
        ("client_id", "Número de cliente"),
        ("client_name", "Cliente"),
        ("status", "Estado"),
        ("principal", "Monto"),
        ("disbursed_on", "Dispersado el"),
        ("net_disbursed", "Neto dispersado"),
        ("cat", "CAT (%)"),
        ("total_due", "Total a pagar"),
        ("total_paid", "Pagado"),
        ("outstanding", "Saldo"),
    ]);
    for item in loans {
        let l = &item.loan;
        sheet.push(vec![
            Cell::Plain(l.id.to_string()),
            Cell::Plain(l.number.clone()),
            Cell::Plain(l.client_id.to_string()),
            Cell::Text(item.client_name.clone()),
            Cell::Code(l.status.as_str(), l.status.label_es()),
            Cell::Plain(l.principal.plain()),
            Cell::Date(l.disbursed_on),
            Cell::Plain(opt(&l.net_disbursed.map(|m| m.plain()))),
            Cell::Plain(opt(&l.cat)),
            Cell::Plain(l.total_due.plain()),
            Cell::Plain(l.total_paid.plain()),
            Cell::Plain(l.outstanding.plain()),
        ]);
    }
    sheet
}

/// [`loans_sheet`] for programs (`/v1`).
pub fn loans_csv(loans: &[LoanListItem]) -> String {
    loans_sheet(loans).write(Reader::Program)
}

pub fn payments_sheet(payments: &[Payment]) -> Sheet {
    let mut sheet = Sheet::new(&[
        ("id", "Número"),
        ("loan_id", "Préstamo"),
        ("amount", "Importe"),
        ("paid_on", "Fecha de pago"),
        ("method", "Forma de pago"),
        ("reference", "Referencia"),
        ("registered_by", "Registró"),
        ("created_at", "Registrado"),
        ("reversed", "Reversado"),
    ]);
    for p in payments {
        sheet.push(vec![
            Cell::Plain(p.id.to_string()),
            Cell::Plain(p.loan_id.to_string()),
            Cell::Plain(p.amount.plain()),
            Cell::Date(Some(p.paid_on)),
            Cell::Code(p.method.as_str(), p.method.label_es()),
            Cell::Text(p.reference.clone().unwrap_or_default()),
            Cell::Text(
                p.registered_by
                    .as_ref()
                    .map(|a| a.label.clone())
                    .unwrap_or_default(),
            ),
            Cell::Instant(Some(p.created_at)),
            Cell::Bool(p.reversed),
        ]);
    }
    sheet
}

/// [`payments_sheet`] for programs (`/v1`).
pub fn payments_csv(payments: &[Payment]) -> String {
    payments_sheet(payments).write(Reader::Program)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_with_commas_quotes_or_line_breaks_are_quoted_and_quotes_doubled() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("Pérez, Ana"), "\"Pérez, Ana\"");
        assert_eq!(field("dijo \"hola\""), "\"dijo \"\"hola\"\"\"");
        assert_eq!(field("línea\r\notra"), "\"línea\r\notra\"");
    }

    #[test]
    fn a_sheet_reads_as_before_for_programs_and_in_spanish_for_people() {
        let zone = Zone::mexico_city();
        let mut sheet = Sheet::new(&[
            ("paid_on", "Fecha de pago"),
            ("method", "Forma de pago"),
            ("at", "Hora"),
            ("reversed", "Reversado"),
        ]);
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 8, 6, 5, 0).unwrap();
        sheet.push(vec![
            Cell::Date(NaiveDate::from_ymd_opt(2026, 3, 7)),
            Cell::Code("cash", "Efectivo"),
            Cell::Instant(Some(at)),
            Cell::Bool(true),
        ]);
        assert_eq!(
            sheet.write(Reader::Program),
            "paid_on,method,at,reversed\r\n2026-03-07,cash,2026-03-08T06:05:00+00:00,true\r\n"
        );
        assert_eq!(
            sheet.write(Reader::Person(&zone)),
            "\u{feff}Fecha de pago,Forma de pago,Hora,Reversado\r\n07/03/2026,Efectivo,08/03/2026 00:05 CST,Sí\r\n"
        );
    }

    #[test]
    fn text_that_a_spreadsheet_would_run_as_a_formula_is_neutralized() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Ana"), "Ana");
    }
}
