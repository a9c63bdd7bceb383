//! An attacker who holds the vault key edits, deletes or reorders log entries: the
//! database refuses it through the app's own path, and `log verify` locates it anyway.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;
use casekeep::{Passphrase, Vault};
use common::*;

/// A vault with a few log entries; returns the scratch and the number of entries.
fn vault_with_history() -> (Scratch, i64) {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    s.worker(&[
        "consent",
        "record",
        "--client",
        &id,
        "--recipient",
        "marac",
        "--state",
        "given",
        "--method",
        "verbal",
    ])
    .ok();
    s.worker(&[
        "consent",
        "record",
        "--client",
        &id,
        "--recipient",
        "police",
        "--state",
        "refused",
        "--method",
        "verbal",
    ])
    .ok();
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
