//! Every field path the core's validators can report has a label in the app's one table of
//! field names (ui/src/fieldnames.ts), so that the app never shows "`contacts[0].value` is
//! not a valid phone number" but "Contact 1: Enter a UK phone number, like 07700 900123".
//!
//! Two ways of finding the paths: (1) a client change and a MARAC referral with every field
//! filled in are spoiled one value at a time (a control character in a text, an impossible
//! date, a wrong type), and the path each refusal names is looked up; (2) the literal paths
//! given to the validators in the core's source (`clean("reason", …)`) are looked up too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeSet;

use casekeep::casework::marac::{self, MaracInput};
use casekeep::record::risk::RiskConfig;
use casekeep::record::{ClientPatch, ClientRecord, Date};
use casekeep::support::input::parse_json;
use serde_json::{json, Value};

const TABLE: &str = include_str!("../../ui/src/fieldnames.ts");

/// The table's keys: the lines `  "contacts[].value": { label: … },`.
fn labelled() -> BTreeSet<String> {
    let body =
        TABLE.split("export const FIELD_LABELS").nth(1).expect("the table").split("\n};").next().unwrap();
    body.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix('"')?;
            let (key, after) = rest.split_once('"')?;
            after.trim_start().starts_with(": { label:").then(|| key.to_string())
        })
        .collect()
}

/// The first `path` a message names, with list indexes written `[]` (the table's form).
fn path_in(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let len = message.get(start..)?.find('`')?;
    let path = message.get(start..start + len)?;
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            c => out.push(c),
        }
    }
    Some(out)
}

fn today() -> Date {
    Date::parse("2026-12-02").unwrap()
}

fn full_patch() -> Value {
    let answers: Vec<&str> = (0..24).map(|i| if i < 14 { "yes" } else { "no" }).collect();
    json!({
        "case_reference": "CK-0001", "full_name": "Ada Example", "preferred_name": "Ada", "date_of_birth": "1990-04-12",
        "gender": "woman", "pronouns": "she/her", "address": "1 Example Street", "postcode": "DE1 1AA",
        "address_is_refuge": false, "ethnicity": "not given", "disabilities": "none", "health_notes": "none",
        "pregnant": false, "immigration_status": "citizen", "no_recourse_to_public_funds": false, "agencies_involved": "GP",
        "contacts": [{
            "channel": "phone", "value": "07700 900123", "safe_times": "Mon 10:00-12:00",
            "safe_windows": [{ "days": ["mon"], "from": "10:00", "to": "12:00" }],
            "voicemail_ok": false, "may_identify_agency": false, "code_word": "blue", "do_not_use": false,
            "last_confirmed": "2026-11-01", "review_due": "2027-02-01", "notes": "work phone"
        }, { "channel": "email", "value": "ada@example.org" }],
        "children": [{ "full_name": "Bo Example", "date_of_birth": "2015-01-01", "school": "Example Primary", "lives_with_client": true, "protection_plan": false }],
        "perpetrator": { "full_name": "Cy Example", "date_of_birth": "1985-01-01", "address": "2 Example Road", "relationship": "ex-partner", "police_reference": "EX/1", "orders": "none" },
        "risk": [{ "date": "2026-11-30", "answers": answers, "professional_judgement": true, "judgement_reason": "escalating", "police_incidents_12m": 2 }],
        "notes": [{ "date": "2026-11-30", "text": "first call" }]
    })
}

fn apply_patch(v: &Value) -> Result<(), String> {
    let patch: ClientPatch =
        parse_json(v.to_string().as_bytes(), "client JSON").map_err(|e| e.to_string())?;
    let mut rec = ClientRecord::default();
    patch.apply(&mut rec, "worker", today()).map_err(|e| e.to_string())
}

fn full_referral() -> Value {
    json!({
        "referred_on": "2026-12-01", "reason": "visible high risk", "victim_aware": true, "meeting_date": "2026-12-20",
        "agencies_present": ["Police", "Health"],
        "actions": [{ "agency": "Police", "owner": "DS Example", "description": "visit", "due": "2026-12-24", "done": false }]
    })
}

fn apply_referral(v: &Value) -> Result<(), String> {
    let mut rec = ClientRecord::default();
    let patch: ClientPatch = parse_json(full_patch().to_string().as_bytes(), "client JSON").unwrap();
    patch.apply(&mut rec, "worker", today()).unwrap();
    let input: MaracInput = parse_json(v.to_string().as_bytes(), "MARAC JSON").map_err(|e| e.to_string())?;
    marac::apply(&mut rec, input, "worker", &RiskConfig::default(), today())
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Every leaf of `v` (with its JSON pointer).
fn leaves(v: &Value, at: String, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| leaves(x, format!("{at}/{k}"), out)),
        Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| leaves(x, format!("{at}/{i}"), out)),
        other => out.push((at, other.clone())),
    }
}

/// Spoils each leaf in several ways; returns the refusals' messages.
fn refusals(full: &Value, apply: impl Fn(&Value) -> Result<(), String>) -> Vec<String> {
    apply(full).expect("the full example is accepted");
    let mut list = Vec::new();
    leaves(full, String::new(), &mut list);
    let mut out = Vec::new();
    for (ptr, leaf) in list {
        let spoilt: Vec<Value> = match leaf {
            Value::String(s) => vec![
                json!(format!("{s}\u{1}x")),
                json!("9999-99-99"),
                json!("2099-01-01"),
                json!("1800-01-01"),
                json!("x".repeat(30_000)),
                json!(""),
                json!(42),
            ],
            Value::Number(_) => vec![json!(100_000), json!(-1), json!("x")],
            Value::Bool(_) => vec![json!("x")],
            Value::Null | Value::Array(_) | Value::Object(_) => vec![],
        };
        for bad in spoilt {
            let mut v = full.clone();
            *v.pointer_mut(&ptr).unwrap() = bad;
            if let Err(e) = apply(&v) {
                out.push(e);
            }
        }
    }
    // A few that need two fields to disagree, or a field to be missing.
    out
}

#[test]
fn every_path_a_refusal_of_a_client_or_a_referral_names_has_a_label() {
    let table = labelled();
    assert!(table.len() > 40, "the table was not read: {table:?}");
    let mut messages = refusals(&full_patch(), apply_patch);
    let mut swapped = full_patch();
    swapped["contacts"][0]["review_due"] = json!("2026-10-01");
    messages.push(apply_patch(&swapped).unwrap_err());
    let mut no_reason = full_patch();
    no_reason["risk"][0].as_object_mut().unwrap().remove("judgement_reason");
    messages.push(apply_patch(&no_reason).unwrap_err());
    let mut no_number = full_patch();
    no_number["contacts"][0].as_object_mut().unwrap().remove("value");
    messages.push(apply_patch(&no_number).unwrap_err());
    messages.extend(refusals(&full_referral(), apply_referral));

    let mut seen = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for m in &messages {
        let Some(p) = path_in(m) else { continue };
        // A list item's own path (`agencies_present[]`) or its element's.
        if table.contains(&p) || table.contains(p.trim_end_matches("[]")) {
            seen.insert(p);
        } else {
            missing.insert(format!("{p}  ({m})"));
        }
    }
    assert!(
        missing.is_empty(),
        "paths the core reports with no label in ui/src/fieldnames.ts:\n{}",
        missing.into_iter().collect::<Vec<_>>().join("\n")
    );
    // The spoiling reached the fields (not only the first one): most of the table was seen.
    for p in [
        "full_name",
        "date_of_birth",
        "postcode",
        "contacts[].value",
        "contacts[].review_due",
        "contacts[].safe_windows[].from",
        "children[].date_of_birth",
        "perpetrator.orders",
        "risk[].judgement_reason",
        "notes[].text",
        "referred_on",
        "meeting_date",
        "actions[].due",
        "agencies_present[]",
    ] {
        assert!(seen.contains(p), "no refusal named {p}; seen: {seen:?}");
    }
}

#[test]
fn every_literal_path_given_to_a_validator_has_a_label() {
    let table = labelled();
    let mut missing = Vec::new();
    let mut found = 0;
    for path in rust_files(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))) {
        let text = std::fs::read_to_string(&path).unwrap();
        for call in ["clean(\"", "clean_required(\"", "check_date(\"", "required(\"", "optional(\""] {
            for (i, _) in text.match_indices(call) {
                let rest = &text[i + call.len()..];
                let name = &rest[..rest.find('"').unwrap()];
                if name.starts_with("--") {
                    continue; // a CLI flag: the app maps flags to fields in fieldnames.ts (FLAG_PATHS)
                }
                found += 1;
                if !table.contains(name) {
                    missing.push(format!("{name} ({})", path.display()));
                }
            }
        }
    }
    assert!(found >= 20, "the scan found only {found} validator calls");
    assert!(missing.is_empty(), "validator paths with no label in ui/src/fieldnames.ts: {missing:?}");
}

/// Every `.rs` file under `dir`, its folders included (the core is laid out in folders).
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}
