//! A before/after pair as people read a change: the fields that changed, each «Campo: antes → después»,
//! instead of two JSON documents to compare by eye. An entry with only an after (a creation) lists what
//! was set; with only a before, what was there. Text that is not a JSON object is shown as it is.

use super::labels;
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
pub fn changes(before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let before = before.map(parse);
    let after = after.map(parse);
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
                before: before.map(Parsed::shown).unwrap_or_default(),
                after: after.map(Parsed::shown).unwrap_or_default(),
            }];
        }
    };
    let mut keys: Vec<&String> = b.keys().collect();
    keys.extend(a.keys().filter(|k| !b.contains_key(*k)));
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| Change {
            field: labels::field(k),
            before: b.get(k).map(|v| field_value(k, v)).unwrap_or_default(),
            after: a.get(k).map(|v| field_value(k, v)).unwrap_or_default(),
        })
        .collect()
}

enum Parsed {
    Object(Map<String, Value>),
    Other(String),
}

impl Parsed {
    fn shown(self) -> String {
        match self {
            Parsed::Object(m) => value(&Value::Object(m)),
            Parsed::Other(text) => text,
        }
    }
}

fn parse(text: &str) -> Parsed {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Parsed::Object(map),
        Ok(other) => Parsed::Other(value(&other)),
        Err(_) => Parsed::Other(text.to_string()),
    }
}

/// A field's value, with the stored codes that have a Spanish name given it (a role, a loan's status).
fn field_value(key: &str, v: &Value) -> String {
    if let Value::String(code) = v
        && let Some(label) = labels::code(key, code)
    {
        return label.to_string();
    }
    value(v)
}

/// A value as a person reads it: text without quotes, yes/no, a dash for nothing.
fn value(v: &Value) -> String {
    match v {
        Value::Null => "—".into(),
        Value::Bool(true) => "sí".into(),
        Value::Bool(false) => "no".into(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(value).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", labels::field(k), field_value(k, v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_lists_only_what_changed_with_spanish_field_names() {
        let lines = changes(
            Some(r#"{"email":"ana@caja.mx","role":"admin","active":true}"#),
            Some(r#"{"email":"ana@caja.mx","role":"viewer","active":false}"#),
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
        let lines = changes(None, Some(r#"{"full_name":"Ana","notes":null}"#));
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (lines[0].field.as_str(), lines[0].after.as_str()),
            ("Nombre", "Ana")
        );
        assert_eq!(lines[1].after, "—");
        let odd = changes(Some("no es json"), None);
        assert_eq!(odd[0].before, "no es json");
        assert!(changes(None, None).is_empty());
    }
}
