//! Retention through the real CLI: closing gives a retention date, a manager's purge
//! deletes due cases (never one under legal hold) and leaves a signed tombstone that holds
//! no personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use common::*;

#[test]
fn closed_cases_are_kept_then_purged_with_a_tombstone_and_legal_holds_are_never_purged() {
    let s = Scratch::new();
    s.init_with_worker();
    let old = s.add_client(r#"{"full_name": "Olga Sentinelold", "case_reference": "R-1"}"#);
    let recent = s.add_client(r#"{"full_name": "Rita Example", "case_reference": "R-2"}"#);
    let held = s.add_client(r#"{"full_name": "Hana Sentinelheld", "case_reference": "R-3"}"#);
    let open = s.add_client(r#"{"full_name": "Opal Example", "case_reference": "R-4"}"#);
    // A case cannot be closed before it was opened ("in 1900", purgeable at once): refused.
    let e = s.worker(&["case", "close", "--client", &old, "--on", "1900-01-01"]).refused();
    assert!(e.stderr.contains("before it was opened"), "{}", e.stderr);
    let e = s.worker(&["case", "close", "--client", &old, "--on", "2019-03-01"]).refused();
    assert!(e.stderr.contains("before it was opened"), "{}", e.stderr);
    // These cases were opened years ago (as a case carried over from paper records would
    // be): the test sets the date the database keeps for each, holding the vault key.
    backdate_opening(&s, &[&old, &recent, &held], "2017-06-01T09:00:00Z");

    let st = s.worker(&["case", "close", "--client", &old, "--on", "2019-03-01"]).ok().json();
    assert_eq!(
        (st["closed_on"].as_str(), st["retain_until"].as_str()),
        (Some("2019-03-01"), Some("2025-03-01"))
    );
    assert_eq!(st["open"], false);
    s.worker(&["case", "close", "--client", &recent, "--on", "2024-01-01"]).ok();
    s.worker(&["case", "close", "--client", &held, "--on", "2018-01-01"]).ok();
    let e = s.worker(&["case", "close", "--client", &old]).refused();
    assert!(e.stderr.contains("already closed"), "{}", e.stderr);
    let e = s.worker(&["case", "close", "--client", &open, "--on", "2999-01-01"]).refused();
    assert!(e.stderr.contains("future"), "{}", e.stderr);

    // Legal hold: managers only, with a reason.
    let e = s.worker(&["case", "hold", "--client", &held, "--reason", "Family court proceedings"]).refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let e = s.manager(&["case", "hold", "--client", &held, "--reason", "court"]).refused();
    assert!(e.stderr.contains("reason of 10"), "{}", e.stderr);
    let st =
        s.manager(&["case", "hold", "--client", &held, "--reason", "Family court proceedings"]).ok().json();
    assert_eq!(st["legal_hold"], true);

    // Purge: managers only; a dry run deletes nothing.
    let e = s.worker(&["purge", "--reason", "Annual retention review"]).refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let dry = s.manager(&["purge", "--reason", "Annual retention review", "--dry-run"]).ok().json();
    assert_eq!(dry["purged"], serde_json::json!([old.parse::<i64>().unwrap()]));
    assert_eq!(dry["held"], serde_json::json!([held.parse::<i64>().unwrap()]));
    s.worker(&["client", "show", &old]).ok();

    let done = s.manager(&["purge", "--reason", "Annual retention review"]).ok().json();
    assert_eq!(done["purged"], serde_json::json!([old.parse::<i64>().unwrap()]));
    assert_eq!(done["tombstones"].as_array().unwrap().len(), 1);
    let e = s.worker(&["client", "show", &old]).refused();
    assert!(e.stderr.contains("not found"), "{}", e.stderr);
    assert_eq!(s.worker(&["client", "list", "--search", "Sentinelold"]).ok().json(), serde_json::json!([]));
    s.worker(&["client", "show", &recent]).ok();
    s.worker(&["client", "show", &held]).ok();
    s.worker(&["client", "show", &open]).ok();

    // The tombstone: signed, ids, dates, who and why; no name.
    let log = s.manager(&["log", "show"]).ok();
    assert!(!log.stdout.contains("Sentinelold"), "the log holds the purged name");
    let entries = log.json();
    let tomb = entries.as_array().unwrap().iter().find(|e| e["event"] == "case_purged").unwrap().clone();
    assert_eq!(tomb["actor"], "mo");
    assert_eq!(tomb["body"]["case_reference"], "R-1");
    assert_eq!(tomb["body"]["closed_on"], "2019-03-01");
    assert_eq!(tomb["body"]["reason"], "Annual retention review");
    s.manager(&["log", "verify"]).ok();
    s.manager(&["check"]).ok();

    // Released, the held case is purged at the next run; nothing else is due.
    s.manager(&["case", "release", "--client", &held]).ok();
    let done = s.manager(&["purge", "--reason", "Hold released by the court"]).ok().json();
    assert_eq!(done["purged"], serde_json::json!([held.parse::<i64>().unwrap()]));
    let done = s.manager(&["purge", "--reason", "Annual retention review"]).ok().json();
    assert_eq!(done["purged"], serde_json::json!([]));

    // Reopening clears the retention date; a vault's retention period is a setting.
    let st = s.worker(&["case", "reopen", "--client", &recent]).ok().json();
    assert_eq!((st["open"].as_bool(), st["retain_until"].is_null()), (Some(true), true));
    let f = s.file("ret.json", r#"{"retention": {"years_after_closure": 1}}"#);
    s.manager(&["settings", "set", "--json", f.to_str().unwrap()]).ok();
    let st = s.worker(&["case", "close", "--client", &recent, "--on", "2024-01-01"]).ok().json();
    assert_eq!(st["retain_until"], "2025-01-01");
    let files = s.vault_files();
    assert!(files.iter().all(|(_, b)| !contains(b, b"Sentinelold") && !contains(b, b"Sentinelheld")));
}

/// Sets when the given clients' cases were opened, through the database (test builds only).
fn backdate_opening(s: &Scratch, ids: &[&str], at: &str) {
    let mut session = unlock_now(&s.vault(), "mo", MANAGER_PASS).unwrap();
    for id in ids {
        let n = session
            .raw_connection()
            .execute(
                "UPDATE clients SET created_at = ?1 WHERE id = ?2",
                rusqlite::params![at, id.parse::<i64>().unwrap()],
            )
            .unwrap();
        assert_eq!(n, 1);
    }
}
