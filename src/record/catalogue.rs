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

    // Every field a record can hold has a class, a treatment in the export policy, a form
    // and a place in the audit diff: tests/it/catalogue_coverage.rs.

    #[test]
    fn changed_paths_name_fields_not_values() {
        let a = serde_json::json!({"full_name": "Ann", "contacts": [{"value": "+1"}]});
        let b = serde_json::json!({"full_name": "Ann", "contacts": [{"value": "+2"}], "postcode": "X"});
        assert_eq!(changed_paths(&a, &b), vec!["client.postcode", "contact[].value"]);
    }
}
