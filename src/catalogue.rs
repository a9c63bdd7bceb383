//! The field catalogue (DESIGN.md §2): every stored field's stable dotted path and its
//! sensitivity class. Paths are the vocabulary of export profiles, disclosure records and
//! the audit trail ("client changed" names paths, never values).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    Identity,
    Location,
    SafeContact,
    Special,
    Immigration,
    Children,
    Perpetrator,
    Risk,
    Marac,
    Notes,
}

pub const FIELDS: &[(&str, Class)] = &[
    ("client.full_name", Class::Identity),
    ("client.preferred_name", Class::Identity),
    ("client.date_of_birth", Class::Identity),
    ("client.gender", Class::Identity),
    ("client.pronouns", Class::Identity),
    ("client.case_reference", Class::Identity),
    ("client.address", Class::Location),
    ("client.address_is_refuge", Class::Location),
    ("client.postcode", Class::Location),
    ("contact[].channel", Class::SafeContact),
    ("contact[].value", Class::SafeContact),
    ("contact[].safe_times", Class::SafeContact),
    ("contact[].safe_windows", Class::SafeContact),
    ("contact[].voicemail_ok", Class::SafeContact),
    ("contact[].may_identify_agency", Class::SafeContact),
    ("contact[].code_word", Class::SafeContact),
    ("contact[].do_not_use", Class::SafeContact),
    ("contact[].last_confirmed", Class::SafeContact),
    ("contact[].review_due", Class::SafeContact),
    ("contact[].notes", Class::SafeContact),
    ("client.ethnicity", Class::Special),
    ("client.disabilities", Class::Special),
    ("client.health_notes", Class::Special),
    ("client.pregnant", Class::Special),
    ("client.immigration_status", Class::Immigration),
    ("client.no_recourse_to_public_funds", Class::Immigration),
    ("child[].full_name", Class::Children),
    ("child[].date_of_birth", Class::Children),
    ("child[].school", Class::Children),
    ("child[].lives_with_client", Class::Children),
    ("child[].protection_plan", Class::Children),
    ("perpetrator.full_name", Class::Perpetrator),
    ("perpetrator.date_of_birth", Class::Perpetrator),
    ("perpetrator.address", Class::Perpetrator),
    ("perpetrator.relationship", Class::Perpetrator),
    ("perpetrator.police_reference", Class::Perpetrator),
    ("perpetrator.orders", Class::Perpetrator),
    ("risk[].date", Class::Risk),
    ("risk[].answers", Class::Risk),
    ("risk[].professional_judgement", Class::Risk),
    ("risk[].judgement_reason", Class::Risk),
    ("risk[].police_incidents_12m", Class::Risk),
    ("risk[].assessed_by", Class::Risk),
    ("risk[].score", Class::Risk),
    ("risk[].level", Class::Risk),
    ("risk[].criteria_met", Class::Risk),
    ("client.agencies_involved", Class::Marac),
    ("marac[].referred_on", Class::Marac),
    ("marac[].reason", Class::Marac),
    ("marac[].criteria_met", Class::Marac),
    ("marac[].score", Class::Marac),
    ("marac[].assessment_date", Class::Marac),
    ("marac[].repeat", Class::Marac),
    ("marac[].meeting_date", Class::Marac),
    ("marac[].agencies_present", Class::Marac),
    ("marac[].actions", Class::Marac),
    ("marac[].referred_by", Class::Marac),
    ("marac[].victim_aware", Class::Marac),
    ("note[].date", Class::Notes),
    ("note[].author", Class::Notes),
    ("note[].text", Class::Notes),
];

pub fn class_of(path: &str) -> Option<Class> {
    FIELDS.iter().find(|(p, _)| *p == path).map(|(_, c)| *c)
}

/// The catalogue prefix for a top-level key of the stored record.
fn prefix(key: &str) -> (&'static str, bool) {
    match key {
        "contacts" => ("contact[]", true),
        "children" => ("child[]", true),
        "risk" => ("risk[]", true),
        "notes" => ("note[]", true),
        "marac" => ("marac[]", true),
        "perpetrator" => ("perpetrator", false),
        _ => ("client", false),
    }
}

/// Every catalogue path that holds a value in `record` (the stored JSON), with the values
/// found there in order, so two records can be compared path by path.
pub fn paths_with_values(record: &Value) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let Some(obj) = record.as_object() else {
        return out;
    };
    for (k, v) in obj {
        let (pre, is_list) = prefix(k);
        match (pre, v) {
            (_, Value::Array(items)) if is_list => {
                for item in items {
                    if let Some(fields) = item.as_object() {
                        for (f, fv) in fields {
                            out.entry(format!("{pre}.{f}")).or_default().push(fv.clone());
                        }
                    }
                }
            }
            ("perpetrator", Value::Object(fields)) => {
                for (f, fv) in fields {
                    out.entry(format!("perpetrator.{f}")).or_default().push(fv.clone());
                }
            }
            (_, Value::Null) => {}
            _ => out.entry(format!("client.{k}")).or_default().push(v.clone()),
        }
    }
    out
}

/// The catalogue paths whose values differ between two stored records.
pub fn changed_paths(before: &Value, after: &Value) -> Vec<String> {
    let a = paths_with_values(before);
    let b = paths_with_values(after);
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ClientPatch, ClientRecord, Date};

    /// Every field a record can hold has a catalogue path and so a sensitivity class; a
    /// new field without one fails here.
    #[test]
    fn every_stored_field_has_a_sensitivity_class() {
        let full = r#"{
          "case_reference": "CK-1", "full_name": "A B", "preferred_name": "A", "date_of_birth": "1990-01-01",
          "gender": "f", "pronouns": "she", "address": "x", "postcode": "DE1 1AA", "address_is_refuge": true,
          "ethnicity": "x", "disabilities": "x", "health_notes": "x", "pregnant": false,
          "immigration_status": "x", "no_recourse_to_public_funds": false, "agencies_involved": "x",
          "contacts": [{"channel": "phone", "value": "07700 900001", "safe_times": "x", "voicemail_ok": true,
            "may_identify_agency": true, "code_word": "x", "do_not_use": false, "last_confirmed": "2026-01-01",
            "review_due": "2026-02-01", "notes": "x"}],
          "children": [{"full_name": "C", "date_of_birth": "2020-01-01", "school": "s", "lives_with_client": true,
            "protection_plan": false}],
          "perpetrator": {"full_name": "P", "date_of_birth": "1980-01-01", "address": "x", "relationship": "x",
            "police_reference": "x", "orders": "x"},
          "risk": [{"date": "2026-01-01", "answers": ["yes","no","no","no","no","no","no","no","no","no","no","no",
            "no","no","no","no","no","no","no","no","no","no","no","no"], "professional_judgement": true,
            "judgement_reason": "x", "police_incidents_12m": 1}],
          "notes": [{"text": "n", "date": "2026-01-01"}]
        }"#;
        let patch: ClientPatch = crate::input::parse_json(full.as_bytes(), "t").unwrap();
        let mut rec = ClientRecord::default();
        patch.apply(&mut rec, "tester", Date::today()).unwrap();
        let referral = r#"{"referred_on": "2026-01-02", "reason": "r", "victim_aware": true}"#;
        let cfg = crate::risk::RiskConfig { marac_score: 1, ..Default::default() };
        crate::marac::apply(
            &mut rec,
            crate::input::parse_json(referral.as_bytes(), "t").unwrap(),
            "t",
            &cfg,
            Date::today(),
        )
        .unwrap();
        let details = r#"{"referral": 1, "meeting_date": "2026-01-20", "agencies_present": ["a"],
            "actions": [{"agency": "a", "owner": "o", "description": "d", "due": "2026-02-01", "done": true}]}"#;
        crate::marac::apply(
            &mut rec,
            crate::input::parse_json(details.as_bytes(), "t").unwrap(),
            "t",
            &cfg,
            Date::today(),
        )
        .unwrap();
        let paths = paths_with_values(&serde_json::to_value(&rec).unwrap());
        assert!(paths.len() >= 54, "only {} paths populated", paths.len());
        for p in paths.keys() {
            assert!(class_of(p).is_some(), "{p} has no sensitivity class");
        }
        let mut all: Vec<&str> = FIELDS.iter().map(|(p, _)| *p).collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), FIELDS.len(), "a path is listed twice");
    }

    #[test]
    fn changed_paths_name_fields_not_values() {
        let a = serde_json::json!({"full_name": "Ann", "contacts": [{"value": "+1"}]});
        let b = serde_json::json!({"full_name": "Ann", "contacts": [{"value": "+2"}], "postcode": "X"});
        assert_eq!(changed_paths(&a, &b), vec!["client.postcode", "contact[].value"]);
    }
}
