//! Every bad input is refused with exit 1, one clear line naming no value, and nothing
//! written: no client, no log entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::*;

/// Clients, and log entries other than unlocks (looking adds unlock entries).
fn state(s: &Scratch) -> (usize, usize) {
    let vault = casekeep::Vault::open(&s.vault()).unwrap();
    let session = vault.unlock("mo", &casekeep::Passphrase::new(MANAGER_PASS.into())).unwrap();
    let clients = session.list_clients(None).unwrap().len();
    let entries = session
        .log_entries(None)
        .unwrap()
        .iter()
        .filter(|e| e.event != "unlock" && e.event != "unlock_failed")
        .count();
    (clients, entries)
}

fn refused_without_trace(s: &Scratch, json: &str, expect: &str, secret: &str) {
    let before = s.baseline.get_or_init(|| state(s));
    let before = *before;
    let f = s.file("bad.json", json);
    let r = s.worker(&["client", "add", "--json", f.to_str().unwrap()]).refused();
    assert!(r.stderr.contains(expect), "expected {expect:?} in: {}", r.stderr);
    if !secret.is_empty() {
        assert!(!r.stderr.contains(secret), "the error leaked a value: {}", r.stderr);
    }
    assert_eq!(state(s), before, "something was written for: {json}");
}

#[test]
fn invalid_client_json_is_refused_and_nothing_is_written() {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_client(ADA);
    let phone = r#"{"full_name": "Vera Example", "contacts": [{"channel": "phone", "value": "01234 56"}]}"#;
    refused_without_trace(&s, phone, "`contacts[0].value` is not a valid phone number", "01234 56");
    let date = r#"{"full_name": "Vera Example", "date_of_birth": "1990-02-30"}"#;
    refused_without_trace(&s, date, "`date_of_birth`", "1990-02-30");
    let date_form = r#"{"full_name": "Vera Example", "children": [{"full_name": "Kid Example", "date_of_birth": "12/04/2019"}]}"#;
    refused_without_trace(
        &s,
        date_form,
        "`children[0].date_of_birth` in the client JSON must be a real calendar date",
        "12/04",
    );
    let unknown = r#"{"full_name": "Vera Example", "favourite_colour": "teal"}"#;
    refused_without_trace(&s, unknown, "unknown key `favourite_colour`", "teal");
    let nested_unknown = r#"{"full_name": "Vera Example", "contacts": [{"channel": "phone", "value": "07700 900001", "colour": "x"}]}"#;
    refused_without_trace(&s, nested_unknown, "`contacts[0]`", "");
    let wrong_type = r#"{"full_name": "Vera Example", "address_is_refuge": "Secret Refuge Lane"}"#;
    refused_without_trace(&s, wrong_type, "`address_is_refuge`", "Secret Refuge");
    let bad_channel =
        r#"{"full_name": "Vera Example", "contacts": [{"channel": "pigeon", "value": "Secret Loft"}]}"#;
    refused_without_trace(&s, bad_channel, "must be one of", "pigeon");
    let missing_name = r#"{"preferred_name": "Vera"}"#;
    refused_without_trace(&s, missing_name, "`full_name` is required", "Vera");
    let blank_name = r#"{"full_name": "   "}"#;
    refused_without_trace(&s, blank_name, "`full_name` is required", "");
    let dup = r#"{"full_name": "Vera Example", "full_name": "Other Name"}"#;
    refused_without_trace(&s, dup, "twice", "Other Name");
    let not_json = "full_name: Vera";
    refused_without_trace(&s, not_json, "not valid JSON", "Vera");
    let array = r#"["Vera Example"]"#;
    refused_without_trace(&s, array, "expected an object", "Vera");
    let positional = r#"{"full_name": "Vera Example", "contacts": [["phone", "07700 900001"]]}"#;
    refused_without_trace(&s, positional, "`contacts[0]` in the client JSON has the wrong type", "");
    let few_answers = r#"{"full_name": "Vera Example", "risk": [{"date": "2026-11-20", "answers": ["yes", "no", "not_known"]}]}"#;
    refused_without_trace(&s, few_answers, "exactly 24 answers", "");
    let bad_answer =
        r#"{"full_name": "Vera Example", "risk": [{"date": "2026-11-20", "answers": ["maybe"]}]}"#;
    refused_without_trace(&s, bad_answer, "`risk[0].answers[0]`", "maybe");
    let future = r#"{"full_name": "Vera Example", "date_of_birth": "2199-01-01"}"#;
    refused_without_trace(&s, future, "in the future", "");
    let review_before = r#"{"full_name": "Vera Example", "contacts": [{"channel": "phone", "value": "07700 900001", "last_confirmed": "2026-11-01", "review_due": "2026-10-01"}]}"#;
    refused_without_trace(&s, review_before, "before", "");
    let control = "{\"full_name\": \"Vera\\u0007Example\"}";
    refused_without_trace(&s, control, "control characters", "");
    let postcode = r#"{"full_name": "Vera Example", "postcode": "NOT A CODE"}"#;
    refused_without_trace(&s, postcode, "`postcode` is not a UK postcode", "NOT A CODE");
    let email =
        r#"{"full_name": "Vera Example", "contacts": [{"channel": "email", "value": "vera at example"}]}"#;
    refused_without_trace(&s, email, "not a valid e-mail", "vera at");
    let judgement = r#"{"full_name": "Vera Example", "risk": [{"date": "2026-11-20", "professional_judgement": true, "answers": ["no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no","no"]}]}"#;
    refused_without_trace(&s, judgement, "judgement_reason", "");
}

#[test]
fn oversized_inputs_are_refused_before_they_are_loaded() {
    let s = Scratch::new();
    s.init_with_worker();
    let before = state(&s);
    // A 1 MB name (inside a file just under the limit) is refused by its field limit.
    let big_name = format!(r#"{{"full_name": "{}"}}"#, "A".repeat(1_000_000));
    refused_without_trace(&s, &big_name, "`full_name` is too long", "");
    // A 50 MB file is refused by its size alone.
    let huge = s.tmp.path().join("huge.json");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&huge).unwrap();
        f.write_all(b"{\"full_name\": \"").unwrap();
        let chunk = vec![b'A'; 1024 * 1024];
        for _ in 0..50 {
            f.write_all(&chunk).unwrap();
        }
        f.write_all(b"\"}").unwrap();
    }
    let r = s.worker(&["client", "add", "--json", huge.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("too large"), "{}", r.stderr);
    assert_eq!(state(&s), before);
}

#[test]
fn bad_updates_leave_the_record_as_it_was() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    let before = s.worker(&["client", "show", &id]).ok().json();
    // Valid first change, invalid second: the whole update is refused.
    let f = s.file(
        "bad-update.json",
        r#"{"full_name": "New Name", "contacts": [{"channel": "sms", "value": "999"}]}"#,
    );
    s.worker(&["client", "update", &id, "--json", f.to_str().unwrap()]).refused();
    let after = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(before, after);
    let r = s.worker(&["client", "update", "999", "--json", f.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("not found"), "{}", r.stderr);
    s.worker(&["client", "show", "abc"]).refused();
    s.worker(&["client", "show", "0"]).refused();
}

#[test]
fn bad_consent_input_is_refused() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    let base = ["consent", "record", "--client", id.as_str()];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        s.worker(&a)
    };
    let r = with(&["--recipient", "neighbours", "--state", "given", "--method", "verbal"]).refused();
    assert!(r.stderr.contains("recipient must be one of"), "{}", r.stderr);
    with(&["--recipient", "marac", "--state", "maybe", "--method", "verbal"]).refused();
    with(&["--recipient", "marac", "--state", "given", "--method", "carrier-pigeon"]).refused();
    let r = with(&["--recipient", "marac", "--state", "not_sought", "--method", "other"]).refused();
    assert!(r.stderr.contains("reason is required"), "{}", r.stderr);
    with(&["--recipient", "marac", "--state", "given", "--method", "verbal", "--review-on", "2020-01-01"])
        .refused();
    with(&["--recipient", "marac", "--state", "given", "--method", "verbal", "--review-on", "soon"])
        .refused();
    let r = s
        .worker(&[
            "consent",
            "record",
            "--client",
            "42",
            "--recipient",
            "marac",
            "--state",
            "given",
            "--method",
            "verbal",
        ])
        .refused();
    assert!(r.stderr.contains("client not found"), "{}", r.stderr);
    with(&[
        "--recipient",
        "marac",
        "--state",
        "not_sought",
        "--method",
        "other",
        "--reason",
        "Not safe to ask at present",
    ])
    .ok();
    let c = s.worker(&["consent", "show", "--client", &id]).ok().json();
    assert_eq!(c["history"].as_array().unwrap().len(), 1);
}

#[test]
fn bad_passphrase_files_are_refused() {
    let s = Scratch::new();
    let empty = s.file("empty-pass", "\n");
    let r = s.cli(&["init", "--user", "mo", "--passphrase-file", empty.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("empty"), "{}", r.stderr);
    let r = s.cli(&["init", "--user", "mo", "--passphrase-file", "/nonexistent/pass"]).refused();
    assert!(r.stderr.contains("no such file"), "{}", r.stderr);
    let pf = s.pass_file(MANAGER_PASS);
    let r = s.cli(&["init", "--user", "Bad Name", "--passphrase-file", pf.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("user name"), "{}", r.stderr);
    assert!(!s.vault().exists());
}
