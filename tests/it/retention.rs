//! Retention through the real CLI: closing gives a retention date, a manager's purge
//! deletes due cases (never one under legal hold) and leaves a signed tombstone that holds
//! no personal data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;

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

/// "Today" is the laptop's date, not UTC's: with time zones far ahead of and behind UTC
/// (at least one of which has another date than UTC right now), a case opened and closed
/// "today" there is closed on that zone's date, and not refused as closed before it opened.
#[test]
fn today_is_the_local_date_not_utcs() {
    use chrono::{Duration, Utc};
    let s = Scratch::new();
    s.init_with_worker();
    let pf = s.pass_file(WORKER_PASS);
    let in_zone = |tz: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_casekeep"))
            .args(["--vault", s.vault().to_str().unwrap(), "--user", "cara", "--passphrase-file"])
            .arg(&pf)
            .args(args)
            .env("TZ", tz)
            .output()
            .unwrap()
    };
    let now = Utc::now();
    let mut differed = 0;
    // POSIX TZ signs are inverted: "XXX-14" is UTC+14, "XXX+20" is UTC-20.
    for (k, (tz, hours)) in [("XXX-14", 14), ("XXX+20", -20)].into_iter().enumerate() {
        let local = (now + Duration::hours(hours)).date_naive();
        differed += usize::from(local != now.date_naive());
        let json = s.file("c.json", &format!(r#"{{"full_name": "Tia Example", "case_reference": "T-{k}"}}"#));
        let added = in_zone(tz, &["client", "add", "--json", json.to_str().unwrap()]);
        let id = String::from_utf8(added.stdout).unwrap().trim().to_string();
        let out = in_zone(tz, &["case", "close", "--client", &id]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{tz}: {stderr}");
        let st: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(st["closed_on"], local.to_string(), "{tz}");
    }
    assert!(differed >= 1, "neither zone had another date than UTC");
}
