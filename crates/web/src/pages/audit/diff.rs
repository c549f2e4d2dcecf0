//! A before/after pair as people read a change: the fields that changed, each «Campo: antes → después»,
//! instead of two JSON documents to compare by eye. An entry with only an after (a creation) lists what
//! was set; with only a before, what was there. Text that is not a JSON object is shown as it is. Dates
//! and instants read as on every page (dd/mm/aaaa, local time with the zone's abbreviation, ADR 34).

use super::labels;
use chrono::{DateTime, NaiveDate, Utc};
use credinet_core::zone::Zone;
use serde_json::{Map, Value};

/// One line of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    /// Empty when the entry has no before (the field was set).
    pub before: String,
    /// Empty when the entry has no after.
    pub after: String,
}

/// The lines of a change, in the fields' order; fields equal before and after are left out.
pub fn changes(before: Option<&str>, after: Option<&str>, zone: &Zone) -> Vec<Change> {
    let before = before.map(|t| parse(t, zone));
    let after = after.map(|t| parse(t, zone));
    let empty = Map::new();
    let (b, a) = match (&before, &after) {
        (None, None) => return Vec::new(),
        (Some(Parsed::Object(b)), Some(Parsed::Object(a))) => (b, a),
        (Some(Parsed::Object(b)), None) => (b, &empty),
        (None, Some(Parsed::Object(a))) => (&empty, a),
        // Not objects: one line with the whole of each side.
        _ => {
            return vec![Change {
                field: "Valor".into(),
                before: before.map(|p| p.shown(zone)).unwrap_or_default(),
                after: after.map(|p| p.shown(zone)).unwrap_or_default(),
            }];
        }
    };
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| Change {
            field: labels::field(k),
            before: b
                .get(k)
                .map(|v| field_value(k, v, zone))
                .unwrap_or_default(),
            after: a
                .get(k)
                .map(|v| field_value(k, v, zone))
                .unwrap_or_default(),
        })
        .collect()
}

enum Parsed {
    Object(Map<String, Value>),
    Other(String),
}

impl Parsed {
    fn shown(self, zone: &Zone) -> String {
        match self {
            Parsed::Object(m) => value(&Value::Object(m), zone),
            Parsed::Other(text) => text,
        }
    }
}

fn parse(text: &str, zone: &Zone) -> Parsed {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Parsed::Object(map),
        Ok(other) => Parsed::Other(value(&other, zone)),
        Err(_) => Parsed::Other(text.to_string()),
    }
}

/// A field's value, with the stored codes that have a Spanish name given it (a role, a loan's status,
/// each component of an allocation order) and a phone grouped as every page shows it.
fn field_value(key: &str, v: &Value, zone: &Zone) -> String {
    match v {
        Value::String(code) => match labels::code(key, code) {
            Some(label) => label.to_string(),
            None if key == "phone" => credinet_core::phone::Phone::parse(code)
                .map_or_else(|_| text(code, zone), |phone| phone.grouped()),
            None => text(code, zone),
        },
        Value::Array(items) => items
            .iter()
            .map(|item| field_value(key, item, zone))
            .collect::<Vec<_>>()
            .join(", "),
        _ => value(v, zone),
    }
}

/// A value as a person reads it: text without quotes, yes/no, a dash for nothing.
fn value(v: &Value, zone: &Zone) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "sí".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => text(s, zone),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|item| value(item, zone))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", labels::field(k), field_value(k, v, zone)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// Text as it is, but a stored date (`2026-01-10`) or instant (RFC 3339) as the pages write them.
fn text(s: &str, zone: &Zone) -> String {
    if s.len() == 10
        && let Ok(date) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
    {
        return date.format("%d/%m/%Y").to_string();
    }
    match DateTime::parse_from_rfc3339(s) {
        Ok(at) => zone.format_local(at.with_timezone(&Utc)),
        Err(_) => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Zone {
        Zone::parse("America/Mexico_City").unwrap()
    }

    #[test]
    fn an_update_lists_only_what_changed_with_spanish_field_names() {
        let lines = changes(
            Some(r#"{"email":"ana@caja.mx","role":"admin","active":true}"#),
            Some(r#"{"email":"ana@caja.mx","role":"viewer","active":false}"#),
            &zone(),
        );
        let rol = Change {
            field: "Rol".into(),
            before: "Administrador".into(),
            after: "Consulta".into(),
        };
        let activo = Change {
            field: "Activo".into(),
            before: "sí".into(),
            after: "no".into(),
        };
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines.contains(&rol) && lines.contains(&activo), "{lines:?}");
    }

    #[test]
    fn a_creation_lists_what_was_set_and_garbage_is_shown_as_it_is() {
        let lines = changes(None, Some(r#"{"full_name":"Ana","notes":null}"#), &zone());
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].field.as_str(), lines[0].after.as_str()),
            ("Nombre", "Ana")
        );
        assert_eq!(lines[1].after, "—");
        let odd = changes(Some("no es json"), None, &zone());
        assert_eq!(odd[0].before, "no es json");
        assert!(changes(None, None, &zone()).is_empty());
    }

    #[test]
    fn dates_instants_and_lists_of_codes_read_as_on_the_pages() {
        let lines = changes(
            None,
            Some(
                r#"{"disbursed_on":"2026-01-10","payment":{"created_at":"2026-12-03T22:07:26.5Z"},
                "terms":{"allocation_order":["late_fee","interest","principal"]}}"#,
            ),
            &zone(),
        );
        let after: Vec<&str> = lines.iter().map(|c| c.after.as_str()).collect();
        assert_eq!(
            after,
            [
                "10/01/2026",
                "Registrado: 03/12/2026 16:07 CST",
                "Orden de aplicación: Cargo por atraso, Intereses, Capital",
            ]
        );
    }

    #[test]
    fn a_changed_phone_reads_grouped_as_on_the_client_page() {
        let lines = changes(
            Some(r#"{"phone":"+525512345678"}"#),
            Some(r#"{"phone":"+522221234567"}"#),
            &zone(),
        );
        assert_eq!(lines[0].before, "+52 55 1234 5678");
        assert_eq!(lines[0].after, "+52 222 123 4567");
    }
}
