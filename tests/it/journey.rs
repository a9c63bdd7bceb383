//! The caseworker's and the administrator's journeys, through the real `casekeep` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use crate::common::*;

#[test]
fn init_add_caseworker_add_client_show_change_passphrase_recover_consent_and_verify() {
    let s = Scratch::new();

    // A manager creates the vault; the recovery key is printed once, alone, on stdout.
    // The real path: `casekeep init` and `user add`, key slots calibrated to this machine.
    let recovery = s.init_with_worker_calibrated();
    assert_eq!(recovery.len(), 65, "recovery key: {recovery}");
    assert!(recovery.split('-').all(|g| g.len() == 5));

    // The caseworker adds a client; the id alone is printed.
    let id = s.add_client(ADA);
    assert_eq!(id, "1");

    // Show returns the input's shape, phones in E.164, plus id and the note's author.
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(shown["id"], 1);
    assert_eq!(shown["full_name"], "Ada Example");
    assert_eq!(shown["case_reference"], "CK-0001");
    assert_eq!(shown["contacts"][0]["value"], "+447700900123");
    assert_eq!(shown["contacts"][1]["do_not_use"], true);
    assert_eq!(shown["notes"][0]["author"], "cara");
    assert_eq!(shown["address_is_refuge"], true);

    // Update: absent keys stay, null clears, notes are appended.
    let patch =
        s.file("patch.json", r#"{"preferred_name": null, "notes": [{"text": "Called at the safe time."}]}"#);
    let upd = s.worker(&["client", "update", &id, "--json", patch.to_str().unwrap()]).ok().json();
    assert_eq!(
        upd["changed"],
        serde_json::json!(["client.preferred_name", "note[].author", "note[].date", "note[].text"])
    );
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert!(shown.get("preferred_name").is_none());
    assert_eq!(shown["full_name"], "Ada Example");
    assert_eq!(shown["notes"].as_array().unwrap().len(), 2);

    // The caseworker changes passphrase: the old one stops working, the new one works.
    let newpass = "a different long passphrase";
    let nf = s.file("new-pass", &format!("{newpass}\n"));
    s.worker(&["passphrase", "change", "--new-passphrase-file", nf.to_str().unwrap()]).ok();
    s.worker(&["client", "list"]).refused();
    s.as_user("cara", newpass, &["client", "list"]).ok();

    // She forgets it; the recovery key resets it.
    // The key is read from a file (a command line is kept in the shell's history and seen
    // by other processes); with neither a file nor a terminal, it is asked for, and refused.
    let rf = s.file("recovered-pass", "recovered passphrase here\n");
    let r = s.cli(&["--user", "cara", "unlock-with-recovery", "--new-passphrase-file", rf.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("--recovery-key-file"), "{}", r.stderr);
    s.recover_in(&s.vault(), "cara", &recovery.to_lowercase(), "recovered passphrase here").ok();
    s.as_user("cara", newpass, &["client", "list"]).refused();
    let list = s.as_user("cara", "recovered passphrase here", &["client", "list"]).ok().json();
    assert_eq!(list[0]["id"], 1);
    // The failed attempt above is reported at this successful unlock? (No: recovery
    // unlocks reset it.) A wrong recovery key is refused like a wrong passphrase.
    let r = s.recover_in(
        &s.vault(),
        "cara",
        &recovery.replace(&recovery[..5], "AAAAA"),
        "recovered passphrase here",
    );
    assert_eq!(r.code, 1);

    // Consent history: recorded, then withdrawn; the current state is the latest.
    let cara = |args: &[&str]| s.as_user("cara", "recovered passphrase here", args);
    let recovered = "recovered passphrase here";
    s.consent(&id, "marac", "given")
        .opt("--method", "verbal")
        .opt("--purpose", "MARAC referral")
        .opt("--review-on", "2099-02-12")
        .by("cara", recovered)
        .ok();
    s.consent(&id, "police", "refused").opt("--method", "written").by("cara", recovered).ok();
    s.consent(&id, "marac", "withdrawn")
        .opt("--method", "verbal")
        .opt("--purpose", "MARAC referral")
        .by("cara", recovered)
        .ok();
    let c = cara(&["consent", "show", "--client", &id]).ok().json();
    assert_eq!(c["history"].as_array().unwrap().len(), 3);
    // The current decisions: one per recipient × purpose (general and each listed one).
    let current = c["current"].as_array().unwrap();
    let row = |r: &str, p: &str| {
        current
            .iter()
            .find(|d| d["recipient"] == r && d["purpose"]["code"] == p)
            .unwrap_or_else(|| panic!("{r} {p}"))
    };
    let marac = row("marac", "marac_referral");
    assert_eq!(marac["state"], "withdrawn");
    assert_eq!(marac["entry"]["recorded_by"], "cara");
    assert_eq!(marac["entry"]["purpose"]["label"], "MARAC referral");
    assert_eq!(row("marac", "general")["state"], serde_json::Value::Null);
    assert_eq!(row("police", "general")["state"], "refused");
    assert_eq!(row("police", "criminal_investigation")["state"], "refused");

    // The log holds the story and verifies; the check passes.
    let v = s.manager(&["log", "verify"]).ok().json();
    assert!(v["entries"].as_i64().unwrap() > 10);
    assert!(v["first_break"].is_null());
    let log = s.manager(&["log", "show", "--client", &id]).ok().json();
    let events: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    for needed in ["client_added", "client_viewed", "client_changed", "consent_recorded"] {
        assert!(events.contains(&needed), "{needed} missing from {events:?}");
    }
    let changed = log.as_array().unwrap().iter().find(|e| e["event"] == "client_changed").unwrap();
    assert!(!changed.to_string().contains("Ada"), "values in the audit trail: {changed}");
    let all = s.manager(&["log", "show"]).ok().json();
    let all_events: Vec<&str> =
        all.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    for needed in [
        "vault_created",
        "user_added",
        "unlock",
        "unlock_failed",
        "passphrase_changed",
        "passphrase_reset_with_recovery_key",
    ] {
        assert!(all_events.contains(&needed), "{needed} missing");
    }
    let check = s.manager(&["check"]).ok().json();
    assert_eq!(check["ok"], true);
    assert_eq!(check["key_slots"], 2, "one slot per user; the recovery key has none");
}

#[test]
fn only_managers_add_users_and_names_are_unique() {
    let s = Scratch::new();
    s.init_with_worker();
    let f = s.pass_file("another long passphrase");
    let r = s
        .worker(&["user", "add", "dee", "--role", "caseworker", "--new-passphrase-file", f.to_str().unwrap()])
        .refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);
    s.manager(&["user", "add", "cara", "--role", "manager", "--new-passphrase-file", f.to_str().unwrap()])
        .refused();
    let short = s.pass_file("short");
    let r = s
        .manager(&[
            "user",
            "add",
            "dee",
            "--role",
            "caseworker",
            "--new-passphrase-file",
            short.to_str().unwrap(),
        ])
        .refused();
    assert!(r.stderr.contains("at least 12"), "{}", r.stderr);
    let users = s.manager(&["user", "list"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 2);
}

#[test]
fn failed_attempts_are_shown_at_the_next_unlock_and_logged() {
    let s = Scratch::new();
    s.init_with_worker();
    s.as_user("cara", "not her passphrase", &["client", "list"]).refused();
    s.as_user("cara", "still not her passphrase", &["client", "list"]).refused();
    let r = s.worker(&["client", "list"]).ok();
    assert!(r.stderr.contains("2 failed unlock attempts"), "{}", r.stderr);
    // Shown once: the next unlock is clean.
    let r = s.worker(&["client", "list"]).ok();
    assert!(!r.stderr.contains("failed unlock"), "{}", r.stderr);
    let log = s.manager(&["log", "show"]).ok().json();
    let failed: Vec<_> = log.as_array().unwrap().iter().filter(|e| e["event"] == "unlock_failed").collect();
    assert_eq!(failed.len(), 2);
    assert_eq!(failed[0]["body"]["user"], "this_user");
}

#[test]
fn unknown_user_and_wrong_passphrase_get_the_same_refusal() {
    let s = Scratch::new();
    s.init_with_worker();
    let wrong_pass = s.as_user("cara", "not her passphrase", &["client", "list"]).refused();
    let unknown = s.as_user("nobody", WORKER_PASS, &["client", "list"]).refused();
    let odd_name = s.as_user("Not A Valid Name!", WORKER_PASS, &["client", "list"]).refused();
    assert_eq!(wrong_pass.stderr, unknown.stderr);
    assert_eq!(wrong_pass.stderr, odd_name.stderr);
    assert!(wrong_pass.stderr.contains("user name or passphrase"));
}

#[test]
fn search_finds_by_name_prefix_and_case_reference() {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_client(ADA);
    s.add_client(r#"{"full_name": "Bea Sample", "case_reference": "REF-77"}"#);
    let by_name = s.worker(&["client", "list", "--search", "ad"]).ok().json();
    assert_eq!(by_name.as_array().unwrap().len(), 1);
    assert_eq!(by_name[0]["full_name"], "Ada Example");
    let by_ref = s.worker(&["client", "list", "--search", "REF-77"]).ok().json();
    assert_eq!(by_ref[0]["full_name"], "Bea Sample");
    assert_eq!(by_ref[0]["initials"], "B.S.");
    let none = s.worker(&["client", "list", "--search", "zzz"]).ok().json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    // FTS syntax in the search text is inert.
    s.worker(&["client", "list", "--search", "\"a* OR NEAR("]).ok();
    s.worker(&["client", "list", "--search", "!!!"]).refused();
}

#[test]
fn usage_mistakes_exit_2() {
    let s = Scratch::new();
    assert_eq!(s.cli(&["frobnicate"]).code, 2);
    assert_eq!(s.cli(&["client"]).code, 2);
    s.init_with_worker();
    assert_eq!(s.cli(&["client", "list"]).code, 2, "missing --user");
    assert_eq!(s.cli(&["--help"]).code, 0);
}

#[test]
fn init_refuses_a_directory_that_is_not_empty_and_a_missing_vault_is_named() {
    let s = Scratch::new();
    std::fs::create_dir_all(s.vault()).unwrap();
    std::fs::write(s.vault().join("something"), "x").unwrap();
    let pf = s.pass_file(MANAGER_PASS);
    let r = s.cli(&["init", "--user", "mo", "--passphrase-file", pf.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("already exist"), "{}", r.stderr);
    let other = s.tmp.path().join("elsewhere");
    let r = s
        .cli_in(&other, &["--user", "mo", "--passphrase-file", pf.to_str().unwrap(), "client", "list"])
        .refused();
    assert!(r.stderr.contains("no Casekeep vault"), "{}", r.stderr);
    assert!(!other.exists(), "a failed open must not create anything");
}
