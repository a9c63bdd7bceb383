//! Every field of the catalogue (DESIGN.md §2) is handled everywhere a field must be: it has
//! a sensitivity class, the export policy treats it on purpose, a form of the app fills it
//! (or the core derives it), and the audit diff ("client changed" names paths) reports it
//! when it changes. A new field fails here until each of them handles it.

use casekeep::log::vocab::RecipientKind;
use casekeep::record::catalogue::{self, FIELDS};
use casekeep::record::{ClientPatch, ClientRecord, Date};
use casekeep::sharing::policy::{self, Treatment};
use serde_json::{json, Value};

/// A record with every field the catalogue knows filled in, stored as the vault stores it.
fn full_record() -> Value {
    let full = r#"{
      "case_reference": "CK-1", "full_name": "A B", "preferred_name": "A", "date_of_birth": "1990-01-01",
      "gender": "f", "pronouns": "she", "address": "x", "postcode": "DE1 1AA", "address_is_refuge": true,
      "ethnicity": "x", "disabilities": "x", "health_notes": "x", "pregnant": false,
      "immigration_status": "x", "no_recourse_to_public_funds": false, "agencies_involved": "x",
      "contacts": [{"channel": "phone", "value": "07700 900001", "safe_times": "Mon 10:00-12:00",
        "voicemail_ok": true, "may_identify_agency": true, "code_word": "x", "do_not_use": false,
        "last_confirmed": "2026-01-01", "review_due": "2026-02-01", "notes": "x"}],
      "children": [{"full_name": "C", "date_of_birth": "2020-01-01", "school": "s", "lives_with_client": true,
        "protection_plan": false}],
      "perpetrator": {"full_name": "P", "date_of_birth": "1980-01-01", "address": "x", "relationship": "x",
        "police_reference": "x", "orders": "x"},
      "risk": [{"date": "2026-01-01", "answers": ["yes","no","no","no","no","no","no","no","no","no","no","no",
        "no","no","no","no","no","no","no","no","no","no","no","no"], "professional_judgement": true,
        "judgement_reason": "x", "police_incidents_12m": 1}],
      "notes": [{"text": "n", "date": "2026-01-01"}]
    }"#;
    let patch: ClientPatch = casekeep::support::input::parse_json(full.as_bytes(), "t").unwrap();
    let mut rec = ClientRecord::default();
    patch.apply(&mut rec, "tester", Date::today()).unwrap();
    let cfg = casekeep::record::risk::RiskConfig { marac_score: 1, ..Default::default() };
    // A referral, then its meeting's details.
    let referral = r#"{"referred_on": "2026-01-02", "reason": "r", "victim_aware": true}"#;
    let details = r#"{"referral": 1, "meeting_date": "2026-01-20", "agencies_present": ["a"],
        "actions": [{"agency": "a", "owner": "o", "description": "d", "due": "2026-02-01", "done": true}]}"#;
    for step in [referral, details] {
        let input = casekeep::support::input::parse_json(step.as_bytes(), "t").unwrap();
        casekeep::casework::marac::apply(&mut rec, input, "t", &cfg, Date::today()).unwrap();
    }
    serde_json::to_value(&rec).unwrap()
}

/// Fields no profile names: each never leaves (every profile withholds it), and why.
const NEVER_LEAVES: [(&str, &str); 12] = [
    ("client.address_is_refuge", "whether an address is a refuge never leaves (a hard rule)"),
    ("client.ethnicity", "special category data no recipient needs for these purposes"),
    ("contact[].code_word", "code words never leave (a hard rule)"),
    ("contact[].safe_windows", "leaves as the safe times in words, never as its structure"),
    ("contact[].review_due", "the service's own reminder"),
    ("contact[].notes", "staff notes about a contact (\"shared landline\")"),
    ("risk[].answers", "the 24 answers leave only as the MARAC referral's checklist setting allows"),
    ("risk[].assessed_by", "a member of staff's user name"),
    (
        "marac[].assessment_date",
        "the score and criteria leave; the date of the checklist is the risk entry's",
    ),
    ("note[].date", "notes leave only as excerpts picked one by one"),
    ("note[].author", "notes leave only as excerpts picked one by one"),
    ("note[].text", "notes leave only as excerpts picked one by one"),
];

/// Fields worked out whenever a record is shown or exported, never stored: a change to one
/// is a change to what it comes from (`risk[].answers`, the referral dates), which the audit
/// diff names.
const NOT_STORED: [&str; 4] = ["risk[].score", "risk[].level", "risk[].criteria_met", "marac[].repeat"];

/// Fields the core works out itself: no form asks for them.
const DERIVED: [(&str, &str); 10] = [
    ("risk[].score", "counted from the answers"),
    ("risk[].level", "from the score, the professional judgement and the escalation rule"),
    ("risk[].criteria_met", "which of the MARAC criteria the entry meets"),
    ("risk[].assessed_by", "the signed-in user"),
    ("marac[].criteria_met", "from the latest risk entry"),
    ("marac[].score", "from the latest risk entry"),
    ("marac[].assessment_date", "from the latest risk entry"),
    ("marac[].repeat", "a referral within 12 months of the last"),
    ("marac[].referred_by", "the signed-in user"),
    ("note[].author", "the signed-in user"),
];

#[test]
fn every_catalogue_field_is_classed_treated_by_policy_filled_by_a_form_and_named_by_the_audit_diff() {
    let rec = full_record();
    let populated = catalogue::paths_with_values(&rec);

    // A class for every stored field, and the full record above holds every catalogue field
    // (so what follows sees each one).
    for p in populated.keys() {
        assert!(catalogue::class_of(p).is_some(), "{p} is stored but has no sensitivity class");
    }
    let mut all: Vec<&str> = FIELDS.iter().map(|(p, _)| *p).collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), FIELDS.len(), "a path is listed twice in the catalogue");
    for (p, _) in FIELDS {
        let stored = !NOT_STORED.contains(p);
        assert_eq!(
            populated.contains_key(*p),
            stored,
            "{p}: the full record above should hold it exactly when it is stored"
        );
    }

    // The policy: each field is named by a profile, or never leaves, on purpose.
    let toml = include_str!("../../src/sharing/policy/profiles.toml");
    let profiles = policy::profiles().unwrap();
    for (p, _) in FIELDS {
        let named = toml.contains(&format!("\"{p}\" ="));
        let never = NEVER_LEAVES.iter().any(|(n, _)| n == p);
        assert!(
            named != never,
            "{p}: name it in a profile (src/sharing/policy/profiles.toml) or in NEVER_LEAVES, not both"
        );
        if never {
            for kind in RecipientKind::ALL {
                let t = profiles.get(*kind).unwrap().treatment(p);
                assert_eq!(t, Treatment::Withhold, "{p} is in NEVER_LEAVES but leaves to {kind}");
            }
        }
    }

    // The forms: the app sends each field a person gives under its own key; the rest the
    // core derives.
    let edit = include_str!("../../ui/src/edit.ts");
    // The risk checklist and MARAC forms (screens/risk.ts) and the note form (screens/client.ts).
    let screens =
        [include_str!("../../ui/src/screens/risk.ts"), include_str!("../../ui/src/screens/client.ts")]
            .concat();
    for (p, _) in FIELDS {
        if DERIVED.iter().any(|(d, _)| d == p) {
            continue;
        }
        let key = p.rsplit('.').next().unwrap();
        let form = if p.starts_with("risk[]") || p.starts_with("marac[]") || p.starts_with("note[]") {
            screens.as_str()
        } else {
            edit
        };
        let sent = [format!("\"{key}\""), format!("{key}:"), format!("{key} ="), format!("path: \"{key}\"")];
        assert!(
            sent.iter().any(|s| form.contains(s.as_str())),
            "{p}: no form of the app sends `{key}` (ui/src/edit.ts or ui/src/screens), and it is not in DERIVED"
        );
    }

    // The audit diff: changing any one field is reported as exactly that field's path.
    let mut reported = std::collections::BTreeSet::new();
    let obj = rec.as_object().unwrap();
    for (k, v) in obj {
        let mut one = |edit: &dyn Fn(&mut Value)| {
            let mut after = rec.clone();
            edit(&mut after);
            let changed = catalogue::changed_paths(&rec, &after);
            assert_eq!(changed.len(), 1, "changing {k} reported {changed:?}");
            reported.insert(changed[0].clone());
        };
        match v {
            Value::Array(items) if items.first().is_some_and(Value::is_object) => {
                for f in items[0].as_object().unwrap().keys() {
                    one(&|r: &mut Value| r[k.as_str()][0][f.as_str()] = other(&r[k.as_str()][0][f.as_str()]));
                }
            }
            Value::Object(fields) => {
                for f in fields.keys() {
                    one(&|r: &mut Value| r[k.as_str()][f.as_str()] = other(&r[k.as_str()][f.as_str()]));
                }
            }
            Value::Null => {}
            _ => one(&|r: &mut Value| r[k.as_str()] = other(&r[k.as_str()])),
        }
    }
    for (p, _) in FIELDS.iter().filter(|(p, _)| !NOT_STORED.contains(p)) {
        assert!(reported.contains(*p), "{p}: a change to it is not named by the audit diff");
    }
}

/// A value of the same kind that differs from `v`.
fn other(v: &Value) -> Value {
    match v {
        Value::Bool(b) => json!(!b),
        Value::Number(n) => json!(n.as_f64().unwrap_or(0.0) + 1.0),
        Value::String(s) => json!(format!("{s} changed")),
        Value::Array(a) => json!([a.clone(), "changed"]),
        _ => json!("changed"),
    }
}
