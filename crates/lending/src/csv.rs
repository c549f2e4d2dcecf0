//! CSV exports of the lists (RFC 4180: comma-separated, CRLF line ends, fields with a comma, a quote or a
//! line break quoted, quotes doubled). Text typed by people that starts with `=`, `+`, `-` or `@` gets a
//! leading apostrophe so a spreadsheet does not run it as a formula (CSV injection); amounts and dates are
//! written plainly.

use crate::clients::Client;
use crate::loans::LoanListItem;
use crate::payments::Payment;

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

pub fn clients_csv(clients: &[Client]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "id",
            "full_name",
            "phone",
            "curp",
            "rfc",
            "birth_date",
            "address",
            "notes",
            "created_at",
        ]
        .map(String::from),
    );
    for c in clients {
        row(
            &mut out,
            &[
                c.id.to_string(),
                text(&c.full_name),
                field(c.phone.as_str()),
                field(&opt(&c.curp.as_ref().map(|x| x.as_str().to_string()))),
                field(&opt(&c.rfc.as_ref().map(|x| x.as_str().to_string()))),
                opt(&c.birth_date),
                text(c.address.as_deref().unwrap_or_default()),
                text(c.notes.as_deref().unwrap_or_default()),
                c.created_at.to_rfc3339(),
            ],
        );
    }
    out
}

pub fn loans_csv(loans: &[LoanListItem]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "id",
            "number",
            "client_id",
            "client_name",
            "status",
            "principal",
            "disbursed_on",
            "net_disbursed",
            "cat",
            "total_due",
            "total_paid",
            "outstanding",
        ]
        .map(String::from),
    );
    for item in loans {
        let l = &item.loan;
        row(
            &mut out,
            &[
                l.id.to_string(),
                field(&l.number),
                l.client_id.to_string(),
                text(&item.client_name),
                l.status.as_str().to_string(),
                l.principal.plain(),
                opt(&l.disbursed_on),
                opt(&l.net_disbursed.map(|m| m.plain())),
                opt(&l.cat),
                l.total_due.plain(),
                l.total_paid.plain(),
                l.outstanding.plain(),
            ],
        );
    }
    out
}

pub fn payments_csv(payments: &[Payment]) -> String {
    let mut out = String::new();
    row(
        &mut out,
        &[
            "id",
            "loan_id",
            "amount",
            "paid_on",
            "method",
            "reference",
            "registered_by",
            "created_at",
            "reversed",
        ]
        .map(String::from),
    );
    for p in payments {
        row(
            &mut out,
            &[
                p.id.to_string(),
                p.loan_id.to_string(),
                p.amount.plain(),
                p.paid_on.to_string(),
                p.method.as_str().to_string(),
                text(p.reference.as_deref().unwrap_or_default()),
                text(
                    &p.registered_by
                        .as_ref()
                        .map(|a| a.label.clone())
                        .unwrap_or_default(),
                ),
                p.created_at.to_rfc3339(),
                p.reversed.to_string(),
            ],
        );
    }
    out
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
    fn text_that_a_spreadsheet_would_run_as_a_formula_is_neutralized() {
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("Ana"), "Ana");
    }
}
