//! The enquiry log and its tripwire (issue 14, item 6) through the real CLI: the JSON
//! contract of `enquiry record`, `enquiry list [--client]`, `enquiry link`, the switchboard
//! list, and the alerts (managers' `enquiry_alert` queue items and the client flag) on the
//! patterns of a caller fishing for a client — for numbers written in different forms —
//! and none for unrelated callers or a professional calling from their switchboard.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use serde_json::{json, Value};

/// A caller's enquiry as `enquiry record` reads it.
fn enquiry(name: &str, org: Option<&str>, callback: Option<&str>) -> Value {
    json!({
        "channel": "phone",
        "caller_name": name,
        "claimed_organisation": org,
        "callback": callback,
        "asked": "Asked whether a named woman is staying with the service",
        "response": "Neither confirmed nor denied; took a message",
        "verified": false
    })
}

/// Records an enquiry (as the caseworker); returns its id as printed.
fn record(s: &Scratch, body: &Value) -> String {
    let f = s.file("enquiry.json", &body.to_string());
    let r = s.worker(&["enquiry", "record", "--json", f.to_str().unwrap()]).ok();
    let id = r.stdout.trim().to_string();
    assert!(id.parse::<i64>().unwrap() > 0, "the id alone: {id:?}");
    id
}

fn record_refused(s: &Scratch, text: &str) -> String {
    let f = s.file("enquiry.json", text);
    s.worker(&["enquiry", "record", "--json", f.to_str().unwrap()]).refused().stderr
}

fn link(s: &Scratch, enquiry: &str, client: &str) {
    let r = s.worker(&["enquiry", "link", "--enquiry", enquiry, "--client", client]).ok();
    assert_eq!(r.json()["enquiry"], enquiry.parse::<i64>().unwrap());
    assert_eq!(r.json()["client_id"], client.parse::<i64>().unwrap());
}

/// The managers' enquiry alerts on today's queue.
fn alerts(s: &Scratch) -> Vec<Value> {
    let q = s.manager(&["queue"]).ok().json();
    q["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "enquiry_alert").cloned().collect()
}

fn flagged(s: &Scratch, client: &str) -> bool {
    let list = s.worker(&["client", "list", "--initials"]).ok().json();
    let row =
        list.as_array().unwrap().iter().find(|c| c["id"] == client.parse::<i64>().unwrap()).unwrap().clone();
    let shown = s.worker(&["client", "show", client]).ok().json();
    assert_eq!(row["enquiry_alert"], shown["enquiry_alert"], "the list and the record agree");
    row["enquiry_alert"].as_bool().unwrap()
}

fn setup() -> (Scratch, String, String) {
    let s = Scratch::new();
    s.init_with_worker();
    let ada = s.add_client(ADA);
    let bea = s.add_client(r#"{"full_name": "Bea Sample", "case_reference": "REF-77"}"#);
    (s, ada, bea)
}

#[test]
fn an_enquiry_is_recorded_listed_and_linked_as_signed_entries() {
    let (s, ada, _) = setup();
    let mut body = enquiry("Pat Caller", None, Some("07700 900301"));
    body["channel"] = json!("in_person");
    body["verified"] = json!(true);
    body["at"] = json!("2026-11-30T15:45:00Z");
    let id = record(&s, &body);

    let list = s.worker(&["enquiry", "list"]).ok().json();
    let e = &list[0];
    assert_eq!(e["id"].to_string(), id);
    assert_eq!(e["channel"], "in_person");
    assert_eq!(e["caller_name"], "Pat Caller");
    assert_eq!(e["claimed_organisation"], Value::Null);
    assert_eq!(e["callback"], "07700 900301");
    assert_eq!(e["verified"], true);
    assert_eq!(e["at"], "2026-11-30T15:45:00Z");
    assert_eq!(e["recorded_by"], "cara");
    assert_eq!(e["client_id"], Value::Null);
    // Not linked yet: the client's list is empty.
    let none = s.worker(&["enquiry", "list", "--client", &ada]).ok().json();
    assert_eq!(none, json!([]));

    // The entry has no client id; linking is a second signed entry with one.
    let log = s.worker(&["log", "show"]).ok().json();
    let rec = log.as_array().unwrap().iter().find(|e| e["event"] == "enquiry_recorded").unwrap();
    assert_eq!(rec["seq"].to_string(), id);
    assert_eq!(rec["client_id"], Value::Null);

    link(&s, &id, &ada);
    let mine = s.worker(&["enquiry", "list", "--client", &ada]).ok().json();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["client_id"].to_string(), ada);
    assert_eq!(mine[0]["linked_by"], "cara");
    let log = s.worker(&["log", "show", "--client", &ada]).ok().json();
    let linked = log.as_array().unwrap().iter().find(|e| e["event"] == "enquiry_linked").unwrap();
    assert_eq!(linked["body"]["enquiry"].to_string(), id);

    // Linked once; unknown enquiries and clients, and ids that are not numbers, refused.
    let again = s.worker(&["enquiry", "link", "--enquiry", &id, "--client", &ada]).refused();
    assert!(again.stderr.contains("already linked"), "{}", again.stderr);
    let e = s.worker(&["enquiry", "link", "--enquiry", "999", "--client", &ada]).refused();
    assert!(e.stderr.contains("enquiry not found"), "{}", e.stderr);
    let other = record(&s, &enquiry("Sam Other", None, None));
    let e = s.worker(&["enquiry", "link", "--enquiry", &other, "--client", "999"]).refused();
    assert!(e.stderr.contains("client not found"), "{}", e.stderr);
    // An entry that is not an enquiry is not linkable (entry 1 is the vault's creation).
    let e = s.worker(&["enquiry", "link", "--enquiry", "1", "--client", &ada]).refused();
    assert!(e.stderr.contains("enquiry not found"), "{}", e.stderr);
    let e = s.worker(&["enquiry", "link", "--enquiry", "x1", "--client", &ada]).refused();
    assert!(e.stderr.contains("positive whole number"), "{}", e.stderr);

    // Reading the list is recorded (how many, never what).
    let log = s.manager(&["log", "show"]).ok().json();
    let reads: Vec<&Value> =
        log.as_array().unwrap().iter().filter(|e| e["event"] == "enquiries_shown").collect();
    assert!(reads.len() >= 3);
    assert!(!reads.iter().any(|r| r["body"].to_string().contains("Pat")));

    let v = s.manager(&["log", "verify"]).ok().json();
    assert_eq!(v["first_break"], Value::Null);
}

#[test]
fn bad_enquiry_json_is_refused_clearly_without_repeating_a_value() {
    let (s, _, _) = setup();
    let good = enquiry("Pat Caller", Some("Example Council"), Some("07700 900302"));
    let with = |k: &str, v: Value| {
        let mut b = good.clone();
        b[k] = v;
        b.to_string()
    };
    let without = |k: &str| {
        let mut b = good.clone();
        b.as_object_mut().unwrap().remove(k);
        b.to_string()
    };
    let e = record_refused(&s, &with("secret_sentinel_key", json!("x")));
    assert!(e.contains("unknown key `secret_sentinel_key`"), "{e}");
    let e = record_refused(&s, &with("channel", json!("carrier pigeon SENTINEL")));
    assert!(e.contains("`channel`") && e.contains("`phone`, `email`, `in_person`, `letter`, `other`"), "{e}");
    assert!(!e.contains("SENTINEL"), "{e}");
    for key in ["channel", "caller_name", "claimed_organisation", "callback", "asked", "response", "verified"]
    {
        let e = record_refused(&s, &without(key));
        assert!(e.contains(&format!("missing the required key `{key}`")), "{key}: {e}");
    }
    let e = record_refused(&s, &with("verified", json!("yes SENTINEL")));
    assert!(e.contains("`verified`") && e.contains("true or false") && !e.contains("SENTINEL"), "{e}");
    let e = record_refused(&s, &with("caller_name", json!("   ")));
    assert!(e.contains("`caller_name` in the enquiry JSON may not be empty"), "{e}");
    let e = record_refused(&s, &with("asked", json!(format!("SENTINEL {}", "x".repeat(2100)))));
    assert!(e.contains("`asked` is too long") && !e.contains("SENTINEL"), "{e}");
    let e = record_refused(&s, &with("callback", json!("SENTINEL\u{7}")));
    assert!(e.contains("`callback` contains control characters") && !e.contains("SENTINEL"), "{e}");
    let e = record_refused(&s, &with("at", json!("SENTINEL o'clock")));
    assert!(e.contains("`at`") && !e.contains("SENTINEL"), "{e}");
    let e = record_refused(&s, &with("at", json!("2999-01-01T10:00:00Z")));
    assert!(e.contains("in the future"), "{e}");
    let e = record_refused(&s, "[1, 2]");
    assert!(e.contains("enquiry JSON"), "{e}");
    let e = record_refused(&s, "{\"channel\": ");
    assert!(e.contains("enquiry JSON"), "{e}");
    // Nothing was written.
    assert_eq!(s.worker(&["enquiry", "list"]).ok().json(), json!([]));
}

#[test]
fn the_same_caller_about_two_clients_with_the_number_written_three_ways_raises_an_alert() {
    let (s, ada, bea) = setup();
    let first = record(&s, &enquiry("Lee", None, Some("07700 900123")));
    let second = record(&s, &enquiry("L. Example", None, Some("+44 (0)7700 900-123")));
    let third = record(&s, &enquiry("Mr Example", None, Some("0044 7700 900123")));
    // Recorded, not yet linked: the tripwire cannot see whom they were about.
    assert!(alerts(&s).is_empty());
    link(&s, &first, &ada);
    link(&s, &second, &ada);
    assert!(alerts(&s).is_empty(), "twice about one client is not yet a pattern");
    assert!(!flagged(&s, &ada));
    link(&s, &third, &bea);
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "{a:?}");
    let what = a[0]["what"].as_str().unwrap();
    assert!(what.contains("two or more clients") && what.contains("same phone"), "{what}");
    for id in [&first, &second, &third] {
        assert!(what.contains(id.as_str()), "{what}");
    }
    assert!(what.contains("REF-77"), "case references name the clients: {what}");
    // The item carries no record value and nothing the caller said or gave.
    let item = a[0].to_string();
    for value in ["7700", "Lee", "Example", "Ada", "Bea", "staying", "Derby"] {
        assert!(!item.contains(value), "{value} in {item}");
    }
    assert!(flagged(&s, &ada) && flagged(&s, &bea));
    let listed = s.worker(&["enquiry", "list"]).ok().json();
    assert!(listed.as_array().unwrap().iter().all(|e| e["alert"] == true));
    // Caseworkers' queues do not carry the alert; the flag is on the client.
    let q = s.worker(&["queue"]).ok().json();
    assert!(!q["items"].as_array().unwrap().iter().any(|i| i["kind"] == "enquiry_alert"));
    // Reviewed, the alert leaves the queue; the same caller again opens a new one.
    s.manager(&["enquiry", "review", "--enquiry", &second]).ok();
    assert!(alerts(&s).is_empty());
    let fourth = record(&s, &enquiry("Lee", None, Some("07700900123")));
    link(&s, &fourth, &bea);
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(a[0]["what"].as_str().unwrap().contains(fourth.as_str()));
    assert_eq!(s.manager(&["log", "verify"]).ok().json()["first_break"], Value::Null);
}

#[test]
fn three_enquiries_about_one_client_by_email_or_name_raise_an_alert() {
    let (s, ada, bea) = setup();
    let mut ids = Vec::new();
    for (name, callback) in [
        ("Jo Brown", Some("jo.brown@example.org")),
        ("JO  BROWN", Some("Jo.Brown [at] Example (dot) org")),
        ("Jó Browñ", None),
    ] {
        let mut b = enquiry(name, None, callback);
        b["channel"] = json!("email");
        ids.push(record(&s, &b));
    }
    for id in &ids {
        link(&s, id, &ada);
    }
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "{a:?}");
    let what = a[0]["what"].as_str().unwrap();
    assert!(what.contains("three or more times about one client"), "{what}");
    assert!(what.contains("email") && what.contains("name"), "{what}");
    assert_eq!(a[0]["client_id"].to_string(), ada);
    assert!(a[0]["case_reference"].is_string());
    assert!(flagged(&s, &ada));
    assert!(!flagged(&s, &bea));
    // A closed case keeps its alert, still named by reference and initials.
    s.manager(&["case", "close", "--client", &ada]).ok();
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0]["client_id"].to_string(), ada);
    assert!(a[0]["case_reference"].is_string() && a[0]["initials"].is_string(), "{a:?}");
}

#[test]
fn unrelated_callers_raise_nothing() {
    let (s, ada, bea) = setup();
    for (n, (name, number, client)) in [
        ("Pat One", "07700 900401", &ada),
        ("Sam Two", "07700 900402", &bea),
        ("Ali Three", "07700 900403", &ada),
        ("Kim Four", "07700 900404", &bea),
    ]
    .into_iter()
    .enumerate()
    {
        let id = record(&s, &enquiry(name, None, Some(number)));
        assert!(!id.is_empty(), "{n}");
        link(&s, &id, client);
    }
    // "Unknown" callers are not one caller.
    for client in [&ada, &bea, &ada] {
        let id = record(&s, &enquiry("Unknown", None, None));
        link(&s, &id, client);
    }
    assert!(alerts(&s).is_empty());
    assert!(!flagged(&s, &ada) && !flagged(&s, &bea));
}

/// `enquiry switchboard ARGS` as the manager (or the caseworker).
fn switchboard(s: &Scratch, manager: bool, args: &[&str]) -> Run {
    let all = [&["enquiry", "switchboard"][..], args].concat();
    if manager {
        s.manager(&all)
    } else {
        s.worker(&all)
    }
}

fn set(s: &Scratch, manager: bool, org: &str, number: &str) -> Run {
    switchboard(s, manager, &["set", "--organisation", org, "--number", number])
}

#[test]
fn a_professional_is_checked_against_the_switchboard_list_managers_keep() {
    let (s, ada, _) = setup();
    // Managers keep the list; a caseworker may read it, not change it.
    let e = set(&s, false, "Example Police", "07700 900500").refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let list = set(&s, true, "Example Police", "07700 900500").ok().json();
    assert_eq!(list, json!([{"organisation": "Example Police", "numbers": ["+447700900500"]}]));
    set(&s, true, "example  police", "+44 7700 900501").ok();
    let e = set(&s, true, "Example Police", "SENTINEL 12").refused();
    assert!(e.stderr.contains("--number is not a phone number") && !e.stderr.contains("SENTINEL"));
    let list = switchboard(&s, false, &["list"]).ok().json();
    assert_eq!(list[0]["numbers"], json!(["+447700900500", "+447700900501"]));

    // From the switchboard (written another way, organisation folded): no alert.
    let ok = record(&s, &enquiry("PC Example", Some("EXAMPLE POLICE"), Some("+44 (0)7700 900 500")));
    link(&s, &ok, &ada);
    assert!(alerts(&s).is_empty());
    assert!(!flagged(&s, &ada));

    // A mobile that is not the switchboard: an alert, before and after linking.
    let bad = record(&s, &enquiry("DC Sample", Some("Example Police"), Some("07700 900999")));
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "{a:?}");
    let what = a[0]["what"].as_str().unwrap();
    assert!(what.contains("not its known switchboard") && what.contains(&bad), "{what}");
    assert!(!a[0].to_string().contains("7700"), "{a:?}");
    assert_eq!(a[0]["client_id"], Value::Null);
    link(&s, &bad, &ada);
    assert_eq!(alerts(&s)[0]["client_id"].to_string(), ada);
    assert!(flagged(&s, &ada));

    // A manager reviews it (a signed entry): it leaves the queue, the flag stays.
    let e = s.worker(&["enquiry", "review", "--enquiry", &bad]).refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let reviewed = s.manager(&["enquiry", "review", "--enquiry", &bad]).ok().json();
    assert_eq!(reviewed["reasons"], json!(["not_switchboard"]));
    assert!(alerts(&s).is_empty());
    assert!(flagged(&s, &ada), "the client stays flagged");
    let e = s.manager(&["enquiry", "review", "--enquiry", &bad]).refused();
    assert!(e.stderr.contains("open enquiry alert with that enquiry not found"), "{}", e.stderr);
    let log = s.manager(&["log", "show"]).ok().json();
    assert!(log.as_array().unwrap().iter().any(|e| e["event"] == "enquiry_alert_reviewed"));

    // An organisation with no switchboard on the list is an alert too.
    record(&s, &enquiry("Ms Sample", Some("Example Housing"), Some("07700 900600")));
    let a = alerts(&s);
    assert!(
        a.iter().any(|i| i["what"].as_str().unwrap().contains("no switchboard on the vault's list")),
        "{a:?}"
    );

    // Removing: a number, then the organisation; every change is signed.
    switchboard(&s, true, &["remove", "--organisation", "Example Police", "--number", "07700 900501"]).ok();
    let list = switchboard(&s, true, &["remove", "--organisation", "example police"]).ok().json();
    assert_eq!(list, json!([]));
    let e = switchboard(&s, true, &["remove", "--organisation", "Example Police"]).refused();
    assert!(e.stderr.contains("not found"), "{}", e.stderr);
    let log = s.manager(&["log", "show"]).ok().json();
    let changes = log.as_array().unwrap().iter().filter(|e| e["event"] == "switchboard_changed").count();
    assert_eq!(changes, 4);
    assert_eq!(s.manager(&["log", "verify"]).ok().json()["first_break"], Value::Null);
}

/// The insider (a caseworker holding the vault key) cannot silence the tripwire: a review
/// she signs herself does not close an alert, and neither a switchboard number she writes
/// into the stored list nor a list change she signs makes an unknown number a switchboard.
/// `log verify` names her entries (a manager's acts by a caseworker).
#[test]
fn a_caseworker_cannot_silence_the_tripwire() {
    let (s, ada, _) = setup();
    set(&s, true, "Example Police", "07700 900500").ok();
    let bad = record(&s, &enquiry("DC Sample", Some("Example Police"), Some("07700 900999")));
    link(&s, &bad, &ada);
    assert_eq!(alerts(&s).len(), 1);

    let mut cara = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let review = cara
        .append_unchecked(
            casekeep::log::Kind::Audit,
            "enquiry_alert_reviewed",
            None,
            json!({"enquiries": [bad.parse::<i64>().unwrap()], "reasons": ["not_switchboard"]}),
        )
        .unwrap();
    let list = json!([{"organisation": "Example Police", "numbers": ["+447700900500", "+447700900999"]}]);
    cara.raw_connection()
        .execute("UPDATE meta SET value = ?1 WHERE key = 'enquiry_switchboards'", [list.to_string()])
        .unwrap();
    cara.append_unchecked(
        casekeep::log::Kind::Audit,
        "switchboard_changed",
        None,
        json!({"organisation": "Example Police", "list": list}),
    )
    .unwrap();
    drop(cara);
    let a = alerts(&s);
    assert_eq!(a.len(), 1, "the insider's review or switchboard silenced the alert: {a:?}");
    assert!(a[0]["what"].as_str().unwrap().contains("not its known switchboard"));
    let v = s.manager(&["log", "verify"]).refused();
    assert!(
        v.stderr.contains(&format!("log entry {review} does not hold")) && v.stderr.contains("manager"),
        "{}",
        v.stderr
    );
}
