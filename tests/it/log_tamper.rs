//! An attacker who holds the vault key edits, deletes or reorders log entries: the
//! database refuses it through the app's own path, and `log verify` locates it anyway.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use crate::common::*;
use casekeep::{Passphrase, Vault};

/// A vault with a few log entries; returns the scratch and the number of entries.
fn vault_with_history() -> (Scratch, i64) {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    s.consent(&id, "marac", "given").opt("--method", "verbal").by_worker().ok();
    s.consent(&id, "police", "refused").opt("--method", "verbal").by_worker().ok();
    let n = s.manager(&["log", "verify"]).ok().json()["entries"].as_i64().unwrap();
    (s, n)
}

/// Runs SQL as an attacker with the key (dropping the append-only triggers first).
fn attack(s: &Scratch, sql: &str) {
    let vault = Vault::open(&s.vault()).unwrap();
    let mut session = vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
    let conn = session.raw_connection();
    conn.execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;").unwrap();
    conn.execute_batch(sql).unwrap();
}

fn first_bad(s: &Scratch) -> (i64, String) {
    let r = s.manager(&["log", "verify"]);
    assert_eq!(r.code, 1, "verify passed a tampered log: {}", r.stdout);
    let report = r.json();
    assert!(r.stderr.contains("log entry"), "{}", r.stderr);
    (
        report["first_break"]["seq"].as_i64().unwrap(),
        report["first_break"]["problem"].as_str().unwrap().to_string(),
    )
}

fn seq_of(s: &Scratch, event: &str, nth: usize) -> i64 {
    let log = s.manager(&["log", "show"]).ok().json();
    log.as_array().unwrap().iter().filter(|e| e["event"] == event).nth(nth).unwrap()["seq"].as_i64().unwrap()
}

#[test]
fn update_and_delete_on_the_log_are_refused_by_the_database() {
    let (s, _) = vault_with_history();
    let vault = Vault::open(&s.vault()).unwrap();
    let mut session = vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
    let conn = session.raw_connection();
    let e = conn.execute("UPDATE log_entries SET body = '{}' WHERE seq = 2", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = conn.execute("DELETE FROM log_entries WHERE seq = 2", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

#[test]
fn an_edited_entry_is_located() {
    let (s, _) = vault_with_history();
    let target = seq_of(&s, "consent_recorded", 1);
    attack(
        &s,
        &format!("UPDATE log_entries SET body = replace(body, 'refused', 'given') WHERE seq = {target}"),
    );
    let (seq, problem) = first_bad(&s);
    assert_eq!(seq, target);
    assert!(problem.contains("changed"), "{problem}");
}

#[test]
fn a_deleted_entry_is_located() {
    let (s, _) = vault_with_history();
    let target = seq_of(&s, "consent_recorded", 0);
    attack(&s, &format!("DELETE FROM log_entries WHERE seq = {target}"));
    let (seq, problem) = first_bad(&s);
    assert_eq!(seq, target);
    assert!(problem.contains("missing"), "{problem}");
}

#[test]
fn a_deleted_and_renumbered_entry_is_located() {
    let (s, n) = vault_with_history();
    let target = seq_of(&s, "consent_recorded", 0);
    // Delete, then shift the later entries down to close the gap.
    let mut sql = format!("DELETE FROM log_entries WHERE seq = {target};");
    for k in (target + 1)..=n {
        sql.push_str(&format!("UPDATE log_entries SET seq = {} WHERE seq = {k};", k - 1));
    }
    attack(&s, &sql);
    let (seq, problem) = first_bad(&s);
    assert_eq!(seq, target);
    assert!(problem.contains("link"), "{problem}");
}

#[test]
fn reordered_entries_are_located() {
    let (s, _) = vault_with_history();
    let a = seq_of(&s, "consent_recorded", 0);
    let b = seq_of(&s, "consent_recorded", 1);
    // Swap two entries' positions.
    attack(
        &s,
        &format!(
            "UPDATE log_entries SET seq = -1 WHERE seq = {a};
             UPDATE log_entries SET seq = {a} WHERE seq = {b};
             UPDATE log_entries SET seq = {b} WHERE seq = -1;"
        ),
    );
    let (seq, _) = first_bad(&s);
    assert_eq!(seq, a.min(b));
}

#[test]
fn a_forged_signature_or_foreign_key_is_located() {
    let (s, _) = vault_with_history();
    let target = seq_of(&s, "consent_recorded", 0);
    attack(&s, &format!("UPDATE log_entries SET signature = zeroblob(64) WHERE seq = {target}"));
    let (seq, problem) = first_bad(&s);
    assert_eq!(seq, target);
    assert!(problem.contains("signature"), "{problem}");

    // Re-attributing an entry to another user's key is caught too.
    let (s, _) = vault_with_history();
    let target = seq_of(&s, "consent_recorded", 0);
    attack(&s, &format!("UPDATE log_entries SET actor_id = 1 WHERE seq = {target}"));
    let (seq, _) = first_bad(&s);
    assert_eq!(seq, target);
}

#[test]
fn check_reports_a_broken_log() {
    let (s, _) = vault_with_history();
    attack(&s, "UPDATE log_entries SET event = 'nothing' WHERE seq = 2");
    let r = s.manager(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("log entry 2"), "{}", r.stderr);
}

/// An export carries the log's chain head at the moment it was made; `log verify
/// --expect-head` proves the log still holds it, and names a log that was forked (or
/// rolled back past it) since.
#[test]
fn log_verify_expect_head_proves_the_log_still_holds_an_exports_head() {
    let (s, _) = vault_with_history();
    let id = s.add_client(r#"{"full_name": "Bea Example", "case_reference": "H-2"}"#);
    s.give_consent(&id, "marac");
    // A copy of the vault as it stands now: it will grow apart from the original.
    let fork = s.tmp.path().join("fork");
    copy_dir(&s.vault(), &fork);
    s.worker(&[
        "client",
        "update",
        &id,
        "--json",
        s.file("p.json", r#"{"pronouns": "she/her"}"#).to_str().unwrap(),
    ])
    .ok();
    let out = s.tmp.path().join("marac.json");
    let receipt = s.share_on_consent(&id, "marac", "MARAC referral", &out).by_worker().ok().json();
    let export: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let head = export["log_chain_head"].as_str().unwrap().to_string();

    // The vault the export came from holds the head: the entry before the disclosure record.
    let r = s.manager(&["log", "verify", "--expect-head", &head.to_uppercase()]).ok().json();
    assert_eq!(r["expected_head"]["entry"].as_i64(), Some(receipt["decision_id"].as_i64().unwrap() - 1));
    // The export names the log's root key, the one the vault's slots pin.
    assert_eq!(export["vault_root_key"], r["root_key"]);
    assert_eq!(r["root_key"].as_str().unwrap().len(), 64);

    // The fork grew its own entries after the copy: a valid log, but not the export's.
    let pf = s.pass_file(MANAGER_PASS);
    let in_fork = |args: &[&str]| {
        let mut all = vec!["--user", "mo", "--passphrase-file", pf.to_str().unwrap()];
        all.extend_from_slice(args);
        s.cli_in(&fork, &all)
    };
    in_fork(&[
        "client",
        "update",
        &id,
        "--json",
        s.file("q.json", r#"{"pronouns": "they/them"}"#).to_str().unwrap(),
    ])
    .ok();
    in_fork(&["log", "verify"]).ok();
    let r = in_fork(&["log", "verify", "--expect-head", &head]).refused();
    assert!(r.stderr.contains("does not hold the expected head"), "{}", r.stderr);
    assert!(r.json()["expected_head"]["entry"].is_null());

    // Not a hash at all: a clear refusal that does not repeat it.
    let r = s.manager(&["log", "verify", "--expect-head", "SENTINELxNOTAHASH"]).refused();
    assert!(r.stderr.contains("64 hexadecimal digits") && !r.stderr.contains("SENTINEL"), "{}", r.stderr);
}
