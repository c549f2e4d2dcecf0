//! A tenant's lending settings (SPEC §1): cut days, IVA rate and rounding, parsed once when the tenant is
//! read instead of picked out of JSON where they are used.
//!
//! Stored as a JSON object, `{"cut_days":[8,23],"iva_rate":"0.16","rounding":"half_up"}`. A missing key
//! (rows written before the key existed) takes the default; a key this version does not know (the
//! assistant's settings) is kept as stored, so writing the settings back never drops it.

use crate::lending::terms::{CutDays, ProductTerms};
use crate::rate::{Rate, Rounding};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantSettings {
    /// The days of the month of the period cut (default the 8th and the 23rd).
    pub cut_days: CutDays,
    /// IVA on interest and fees (default 16 %).
    pub iva_rate: Rate,
    /// How amounts become centavos (default half-up).
    pub rounding: Rounding,
    /// Keys of other components, kept as stored.
    other: Map<String, Value>,
}

/// A stored setting that does not parse. Names the setting; the reason is the core's own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantSettingsError {
    #[error("the settings are not a JSON object: {0}")]
    NotAnObject(String),
    #[error("the setting {field} is not valid: {reason}")]
    Field { field: &'static str, reason: String },
}

impl TenantSettingsError {
    /// The setting at fault, `None` when the whole value is unreadable.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            TenantSettingsError::NotAnObject(_) => None,
            TenantSettingsError::Field { field, .. } => Some(field),
        }
    }
}

const CUT_DAYS: &str = "cut_days";
const IVA_RATE: &str = "iva_rate";
const ROUNDING: &str = "rounding";

impl Default for TenantSettings {
    fn default() -> Self {
        TenantSettings {
            cut_days: CutDays::default(),
            iva_rate: Rate::parse("0.16").unwrap_or(Rate::ZERO),
            rounding: Rounding::HalfUp,
            other: Map::new(),
        }
    }
}

impl TenantSettings {
    /// Parses the stored JSON text; `None` (a row with no settings) is all defaults.
    pub fn from_json(stored: Option<&str>) -> Result<TenantSettings, TenantSettingsError> {
        match stored {
            None => Ok(TenantSettings::default()),
            Some(text) => {
                let value: Value = serde_json::from_str(text)
                    .map_err(|e| TenantSettingsError::NotAnObject(e.to_string()))?;
                TenantSettings::from_value(value)
            }
        }
    }

    /// Parses a JSON value: an object whose known keys must parse; `null` counts as absent.
    pub fn from_value(value: Value) -> Result<TenantSettings, TenantSettingsError> {
        let mut other = match value {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => {
                return Err(TenantSettingsError::NotAnObject(format!(
                    "found {}",
                    kind(&other)
                )));
            }
        };
        let defaults = TenantSettings::default();
        Ok(TenantSettings {
            cut_days: take(&mut other, CUT_DAYS)?.unwrap_or(defaults.cut_days),
            iva_rate: take(&mut other, IVA_RATE)?.unwrap_or(defaults.iva_rate),
            rounding: take(&mut other, ROUNDING)?.unwrap_or(defaults.rounding),
            other,
        })
    }

    /// The JSON value to store: every known key written out, other keys as they were.
    pub fn to_value(&self) -> Value {
        let mut map = self.other.clone();
        map.insert(CUT_DAYS.into(), serde_json::json!(self.cut_days));
        map.insert(IVA_RATE.into(), serde_json::json!(self.iva_rate));
        map.insert(ROUNDING.into(), serde_json::json!(self.rounding));
        Value::Object(map)
    }

    /// New product terms with the tenant's IVA rate and rounding, before what the product's form says.
    pub fn defaults_for(&self, terms: ProductTerms) -> ProductTerms {
        terms
            .with_iva_rate(self.iva_rate)
            .with_rounding(self.rounding)
    }

    /// A key this version does not read (e.g. the assistant's), as stored.
    pub fn other(&self, key: &str) -> Option<&Value> {
        self.other.get(key)
    }
}

fn take<T: DeserializeOwned>(
    map: &mut Map<String, Value>,
    field: &'static str,
) -> Result<Option<T>, TenantSettingsError> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v)
            .map(Some)
            .map_err(|e| TenantSettingsError::Field {
                field,
                reason: e.to_string(),
            }),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// What `credinet tenant create` has always stored.
    const STORED: &str = r#"{"cut_days":[8,23],"iva_rate":"0.16","rounding":"half_up"}"#;

    #[test]
    fn the_stored_format_reads_and_writes_back_the_same() {
        let settings = TenantSettings::from_json(Some(STORED)).unwrap();
        assert_eq!(settings.cut_days.days(), &[8, 23]);
        assert_eq!(settings.iva_rate, Rate::parse("0.16").unwrap());
        assert_eq!(settings.rounding, Rounding::HalfUp);
        assert_eq!(
            settings.to_value(),
            serde_json::from_str::<Value>(STORED).unwrap()
        );
        assert_eq!(settings, TenantSettings::default());
    }

    #[test]
    fn missing_keys_and_missing_settings_take_the_defaults() {
        assert_eq!(
            TenantSettings::from_json(None).unwrap(),
            TenantSettings::default()
        );
        let old = TenantSettings::from_json(Some(r#"{"cut_days":[1,16]}"#)).unwrap();
        assert_eq!(old.cut_days.days(), &[1, 16]);
        assert_eq!(old.iva_rate, TenantSettings::default().iva_rate);
        let nulls =
            TenantSettings::from_value(json!({"cut_days": null, "rounding": null})).unwrap();
        assert_eq!(nulls, TenantSettings::default());
        assert_eq!(
            TenantSettings::from_json(Some("{}")).unwrap(),
            TenantSettings::default()
        );
    }

    #[test]
    fn other_components_keys_are_kept() {
        let stored = json!({"cut_days": [8, 23], "assistant": {"greeting": "Hola"}});
        let settings = TenantSettings::from_value(stored).unwrap();
        assert_eq!(
            settings.other("assistant"),
            Some(&json!({"greeting": "Hola"}))
        );
        assert_eq!(settings.to_value()["assistant"]["greeting"], "Hola");
    }

    #[test]
    fn a_bad_setting_is_named() {
        for (stored, field) in [
            (json!({"cut_days": [8, 31]}), "cut_days"),
            (json!({"cut_days": []}), "cut_days"),
            (json!({"cut_days": "8,23"}), "cut_days"),
            (json!({"iva_rate": "16"}), "iva_rate"),
            (json!({"iva_rate": 0.16}), "iva_rate"),
            (json!({"rounding": "nearest"}), "rounding"),
        ] {
            let error = TenantSettings::from_value(stored.clone()).unwrap_err();
            assert_eq!(error.field(), Some(field), "{stored}: {error}");
            assert!(error.to_string().contains(field), "{error}");
        }
        let error = TenantSettings::from_json(Some("[8, 23]")).unwrap_err();
        assert_eq!(error.field(), None);
        assert!(TenantSettings::from_json(Some("{not json")).is_err());
    }

    #[test]
    fn new_product_terms_take_the_tenants_iva_and_rounding() {
        use crate::lending::terms::{InterestMethod, Periodicity};
        let settings =
            TenantSettings::from_value(json!({"iva_rate": "0.08", "rounding": "half_even"}))
                .unwrap();
        let terms = ProductTerms::new(
            Periodicity::BiweeklyCut,
            6,
            InterestMethod::Flat,
            Rate::parse("0.05").unwrap(),
        )
        .unwrap();
        let terms = settings.defaults_for(terms);
        assert_eq!(terms.iva_rate(), Rate::parse("0.08").unwrap());
        assert_eq!(terms.rounding(), Rounding::HalfEven);
    }

    #[test]
    fn half_even_rounding_is_read() {
        let settings = TenantSettings::from_value(json!({"rounding": "half_even"})).unwrap();
        assert_eq!(settings.rounding, Rounding::HalfEven);
    }

    proptest! {
        #[test]
        fn any_valid_settings_round_trip_through_the_stored_text(
            days in proptest::collection::btree_set(1u32..=28, 1..4),
            basis_points in 0u32..=10_000,
            rounding in proptest::sample::select(vec![Rounding::HalfUp, Rounding::HalfEven, Rounding::Down, Rounding::Up]),
        ) {
            let settings = TenantSettings {
                cut_days: CutDays::new(days).unwrap(),
                iva_rate: Rate::from_decimal(rust_decimal::Decimal::new(i64::from(basis_points), 4)).unwrap(),
                rounding,
                other: Map::new(),
            };
            let text = settings.to_value().to_string();
            prop_assert_eq!(TenantSettings::from_json(Some(&text)).unwrap(), settings);
        }

        #[test]
        fn a_cut_day_outside_1_to_28_is_always_refused(good in 1u32..=28, bad in prop_oneof![0u32..1, 29u32..400]) {
            let error = TenantSettings::from_value(json!({"cut_days": [good, bad]})).unwrap_err();
            prop_assert_eq!(error.field(), Some("cut_days"));
        }

        #[test]
        fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
            let _ = TenantSettings::from_json(Some(&s));
        }
    }
}
