//! Every bad input is refused with exit 1, one clear line naming no value, and nothing
//! written: no client, no log entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use crate::common::*;
use casekeep::casework::clients::Names;

/// Clients, and log entries other than unlocks (looking adds unlock entries).
fn state(s: &Scratch) -> (usize, usize) {
    let vault = casekeep::Vault::open(&s.vault()).unwrap();
    let mut session = vault.unlock("mo", &casekeep::Passphrase::new(MANAGER_PASS.into())).unwrap();
    let clients = session.list_clients(None, Names::Hidden).unwrap().len();
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
    let r = s.consent("42", "marac", "given").opt("--method", "verbal").by_worker().refused();
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

/// A value that imitates serde's own wording (", expected ", " at line 1 column 2",
/// "unknown field `x`", "invalid type: string", backticks, Casekeep's own marker), carries
/// direction and zero-width marks, or is 100 kB long, in every place a value can fail: no
/// part of it is in the message (each carries the sentinel `QZXV`), and nothing is written.
fn hostile_documents() -> Vec<String> {
    const SENTINEL: &str = "QZXV";
    let phrases = [
        ", expected ",
        " at line 1 column 2",
        "unknown field `x`, expected `full_name`",
        "invalid type: string \"x\", expected a boolean",
        "``",
        "missing field `full_name`",
        "\u{202e}\u{200b}\u{2066}\u{0301}",
        "casekeep: ",
    ];
    let mut values: Vec<String> = phrases.iter().map(|p| format!("{p}{SENTINEL}{p}")).collect();
    values.push(format!("{}{SENTINEL}", ", expected x at line 1 column 2 `y` ".repeat(2_800)));
    let mut docs = Vec::new();
    for v in &values {
        let j = serde_json::to_string(v).unwrap();
        docs.extend([
            format!(r#"{{"full_name": "Vera Example", "address_is_refuge": {j}}}"#),
            format!(r#"{{"full_name": "Vera Example", "contacts": [{{"channel": {j}}}]}}"#),
            format!(r#"{{"full_name": "Vera Example", {j}: 1}}"#),
            format!(r#"{{"full_name": "Vera Example", "contacts": [{{"channel": "phone", {j}: {j}}}]}}"#),
            format!(r#"{{"full_name": "Vera Example", "date_of_birth": {j}}}"#),
            format!(
                r#"{{"full_name": "Vera Example", "risk": [{{"date": "2026-11-20", "answers": [{j}]}}]}}"#
            ),
            format!(r#"{{"full_name": {j}, "full_name": {j}}}"#),
            format!(r#"{{"full_name": "Vera Example", "pregnant": [{j}]}}"#),
            format!(r#"{{"full_name": {j} {j}}}"#),
            format!("{{\"full_name\": \"{}\n\"}}", v.replace(['"', '\\'], "")),
        ]);
    }
    docs
}

#[test]
fn a_value_in_the_library_wording_never_reaches_the_message_through_the_core() {
    // The core calls the app's `add_client` and `update_client` make with the page's
    // document (the shell passes it on as bytes).
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    fast_vault(&vault);
    let mut s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let id = s.add_client(ADA.as_bytes()).unwrap();
    let count = |s: &mut casekeep::Session| {
        (s.list_clients(None, Names::Hidden).unwrap().len(), s.log_entries(None).unwrap().len())
    };
    let before = count(&mut s);
    let docs = hostile_documents();
    for (i, doc) in docs.iter().enumerate() {
        for e in [s.add_client(doc.as_bytes()).unwrap_err(), s.update_client(id, doc.as_bytes()).unwrap_err()]
        {
            let m = e.to_string();
            assert_eq!(e.code(), "invalid_input", "document {i}");
            assert!(!m.contains("QZXV") && m.len() < 400, "document {i}: the message repeats the value");
        }
    }
    assert_eq!(count(&mut s), before, "nothing was written");
}

#[test]
fn a_value_in_the_library_wording_never_reaches_the_message_through_the_cli() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    // One value per place (the first value for each place, then the 100 kB one).
    let docs = hostile_documents();
    let picked: Vec<&String> =
        docs.iter().take(10).chain(docs.iter().skip(docs.len() - 10).take(3)).collect();
    for (i, doc) in picked.iter().enumerate() {
        let f = s.file("hostile.json", doc);
        let f = f.to_str().unwrap();
        for r in [
            s.worker(&["client", "add", "--json", f]).refused(),
            s.worker(&["client", "update", &id, "--json", f]).refused(),
        ] {
            assert!(
                !r.stderr.contains("QZXV") && r.stderr.len() < 400,
                "document {i}: the message repeats the value"
            );
        }
    }
    let list = s.worker(&["client", "list"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 1, "nothing was added");
}

/// A reader that stops early (`casekeep log show | head`) ends the command quietly: exit 0,
/// no panic, no "internal error" (Rust ignores SIGPIPE, so the write fails instead).
#[test]
fn a_closed_output_pipe_ends_the_command_quietly() {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_client(ADA);
    let pf = s.pass_file(MANAGER_PASS);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casekeep"))
        .args(["--vault", s.vault().to_str().unwrap(), "--user", "mo", "--passphrase-file"])
        .arg(&pf)
        .args(["log", "show"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the child (still deriving its key) writes a byte.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("internal error") && !stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
