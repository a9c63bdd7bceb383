//! Properties that must hold for every input, not just the examples we thought of.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use casekeep::record::{normalise_phone, normalise_postcode, ClientPatch, ClientRecord, Date};
use proptest::prelude::*;

const SECRET: &str = "Qzxsecret";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Arbitrary bytes never panic the client-JSON reader.
    #[test]
    fn client_json_reader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = casekeep::support::input::parse_json::<ClientPatch>(&bytes, "client JSON");
    }

    /// Whatever shape a value has and wherever it is put, an error never repeats it.
    #[test]
    fn errors_never_repeat_the_value(
        key in prop::sample::select(vec!["full_name", "date_of_birth", "address_is_refuge", "contacts", "postcode", "pregnant", "children", "risk", "notes", "Qzxsecret"]),
        wrap in 0..4u8,
    ) {
        let value = match wrap {
            0 => serde_json::json!(SECRET),
            1 => serde_json::json!([SECRET]),
            2 => serde_json::json!({"channel": SECRET, "value": SECRET}),
            _ => serde_json::json!([{"channel": "phone", "value": SECRET, "full_name": SECRET, "text": SECRET, "date": SECRET}]),
        };
        let mut obj = serde_json::Map::new();
        obj.insert("full_name".into(), serde_json::json!("Test Person"));
        obj.insert(key.into(), value);
        let bytes = serde_json::to_vec(&obj).unwrap();
        let result = casekeep::support::input::parse_json::<ClientPatch>(&bytes, "client JSON").and_then(|p| {
            let mut rec = ClientRecord::default();
            p.apply(&mut rec, "t", Date::today())
        });
        if let Err(e) = result {
            prop_assert!(!e.to_string().contains(SECRET), "leaked: {}", e);
        }
    }

    /// Normalisers are total: any string gives a clean answer or none, never a panic, and
    /// what they accept is stable when fed back.
    #[test]
    fn normalisers_are_total_and_idempotent(s in "\\PC{0,40}") {
        if let Some(p) = normalise_phone(&s) {
            prop_assert_eq!(normalise_phone(&p), Some(p.clone()));
            prop_assert!(p.starts_with('+'));
        }
        if let Some(p) = normalise_postcode(&s) {
            prop_assert_eq!(normalise_postcode(&p), Some(p.clone()));
        }
        let _ = Date::parse(&s);
    }

    /// Every date that parses prints back exactly as it was written.
    #[test]
    fn dates_round_trip(y in 1900i32..2200, m in 1u32..13, d in 1u32..32) {
        let s = format!("{y:04}-{m:02}-{d:02}");
        if let Some(date) = Date::parse(&s) {
            prop_assert_eq!(date.to_string(), s);
        }
    }
}
