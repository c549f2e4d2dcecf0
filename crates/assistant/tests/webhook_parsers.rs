//! Both webhook parsers fed arbitrary bytes and arbitrary JSON (issue 19): they never panic; they either
//! refuse (answered 400 with the reason) or give messages that keep their invariants.

use credinet_assistant::channels::{autoresponder, cloud_api};
use credinet_assistant::message::{Content, Sender};
use proptest::prelude::*;
use serde_json::{Value, json};

/// Arbitrary JSON: scalars of every kind (huge numbers, NUL, bidi marks, 4-byte characters) nested in
/// arrays and objects, with the keys the parsers look for mixed into random ones so the fuzz reaches
/// past the first missing field.
fn arbitrary_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("query".to_string()),
        Just("sender".to_string()),
        Just("message".to_string()),
        Just("isGroup".to_string()),
        Just("groupParticipant".to_string()),
        Just("isTestMessage".to_string()),
        Just("entry".to_string()),
        Just("changes".to_string()),
        Just("field".to_string()),
        Just("value".to_string()),
        Just("metadata".to_string()),
        Just("phone_number_id".to_string()),
        Just("messages".to_string()),
        Just("statuses".to_string()),
        Just("from".to_string()),
        Just("id".to_string()),
        Just("type".to_string()),
        Just("text".to_string()),
        Just("body".to_string()),
        Just("interactive".to_string()),
        Just("button_reply".to_string()),
        Just("title".to_string()),
        Just("errors".to_string()),
        "\\PC{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        Just(json!("messages")),
        Just(json!("text")),
        Just(json!("5215512345678")),
        Just(json!("\u{0}\u{202e}𝔸😀")),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn check_autoresponder(body: &[u8]) {
    if let Ok(m) = autoresponder::parse(body) {
        assert!(matches!(m.content, Content::Text(_)));
        assert!(m.message_id.is_none());
        if let Sender::Name(name) = &m.sender {
            assert!(!name.trim().is_empty(), "a sender is never empty");
        }
    }
}

fn check_cloud_api(body: &[u8]) {
    if let Ok(deliveries) = cloud_api::parse(body) {
        for d in deliveries {
            assert!(!d.phone_number_id.trim().is_empty());
            for m in d.messages {
                assert!(m.message_id.is_some_and(|id| !id.trim().is_empty()));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_either_parser(body in prop::collection::vec(any::<u8>(), 0..512)) {
        check_autoresponder(&body);
        check_cloud_api(&body);
    }

    #[test]
    fn arbitrary_json_never_panics_either_parser(value in arbitrary_json()) {
        let body = serde_json::to_vec(&value).unwrap();
        check_autoresponder(&body);
        check_cloud_api(&body);
    }

    #[test]
    fn any_sender_and_message_in_the_apps_shape_is_accepted_or_refused_by_name(
        sender in any::<String>(),
        message in any::<String>(),
        group in any::<Option<bool>>(),
    ) {
        let body = serde_json::to_vec(&json!({"query": {"sender": sender, "message": message, "isGroup": group}}))
            .unwrap();
        match autoresponder::parse(&body) {
            Ok(m) => prop_assert_eq!(m.content, Content::Text(message)),
            Err(e) => prop_assert!(sender.trim().is_empty(), "refused {:?}: {}", sender, e),
        }
    }
}
