//! A form as a page shows it: the values in its fields, and after a refusal the message next to the field
//! it is about. A refused form comes back with everything that was typed (nobody types a client's seven
//! fields twice), the field marked `aria-invalid="true"` and pointing at its message with
//! `aria-describedby`; a message about no field in particular is shown above the form.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a form shows: its values by field name, and the refusal if it was sent and refused.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    values: BTreeMap<String, String>,
    refusal: Option<Refusal>,
}

/// Why a form was refused, and the field (by its `name`) the message is about, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub field: Option<String>,
    pub message: String,
}

impl Form {
    /// A form showing `values` (field name, value), as a fresh form with defaults or one to edit.
    pub fn with<K: Into<String>, V: Into<String>>(
        values: impl IntoIterator<Item = (K, V)>,
    ) -> Form {
        Form {
            values: values
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            refusal: None,
        }
    }

    /// The same form with more values: what the page needs to offer a way out of the refusal.
    pub fn also<K: Into<String>, V: Into<String>>(
        mut self,
        values: impl IntoIterator<Item = (K, V)>,
    ) -> Form {
        self.values
            .extend(values.into_iter().map(|(k, v)| (k.into(), v.into())));
        self
    }

    /// The same form refused with `message`, about `field` if it names one.
    pub fn refused(mut self, field: Option<&'static str>, message: String) -> Form {
        self.refusal = Some(Refusal {
            field: field.map(str::to_string),
            message,
        });
        self
    }

    /// What field `name` shows: what was typed, or its default; empty if neither.
    pub fn value(&self, name: &str) -> &str {
        self.values.get(name).map(String::as_str).unwrap_or("")
    }

    /// Whether `value` is the one chosen in the select or radio group `name`.
    pub fn chosen(&self, name: &str, value: &str) -> bool {
        self.value(name) == value
    }

    /// Whether the refusal is about field `name`: the template marks it `aria-invalid`.
    pub fn invalid(&self, name: &str) -> bool {
        self.refusal
            .as_ref()
            .is_some_and(|r| r.field.as_deref() == Some(name))
    }

    /// The message to show next to field `name`, if the refusal is about it.
    pub fn error(&self, name: &str) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|_| self.invalid(name))
            .map(|r| r.message.as_str())
    }

    /// The message about no field in particular, shown above the form.
    pub fn general_error(&self) -> Option<&str> {
        self.refusal
            .as_ref()
            .filter(|r| r.field.is_none())
            .map(|r| r.message.as_str())
    }

    pub fn is_refused(&self) -> bool {
        self.refusal.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_about_a_field_is_shown_there_and_keeps_every_value() {
        let form = Form::with([("full_name", "Ana Pérez"), ("phone", "12")])
            .refused(Some("phone"), "Escriba el teléfono.".into());
        assert_eq!(form.value("full_name"), "Ana Pérez");
        assert_eq!(form.value("phone"), "12");
        assert_eq!(form.value("curp"), "");
        assert!(form.invalid("phone") && !form.invalid("full_name"));
        assert_eq!(form.error("phone"), Some("Escriba el teléfono."));
        assert_eq!(form.error("full_name"), None);
        assert_eq!(form.general_error(), None);
    }

    #[test]
    fn a_refusal_about_no_field_is_shown_above_the_form() {
        let form = Form::default().refused(None, "Ya no se ofrece.".into());
        assert_eq!(form.general_error(), Some("Ya no se ofrece."));
        assert!(!form.invalid(""));
        assert!(form.is_refused());
    }
}
