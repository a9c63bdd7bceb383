//! The insider: a colleague with a valid account holds the vault key, so they can write to
//! the database directly (test builds open it with their own key: `raw_connection`,
//! `append_as`). Each attack below is caught in one of three places, and each test says
//! which: **named by `log verify`** (the first entry that does not hold), **refused at
//! unlock**, or **refused by the command**. Then: old key material (an old slot and
//! passphrase, an old envelopes file, an old recovery key) opens nothing written after a
//! passphrase change, a recovery reset, a recovery-key replacement or a removal.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use crate::common::*;
use casekeep::vault::envelopes::Envelopes;
use casekeep::vault::slots::Slot;
use casekeep::{support::db, Passphrase, RecoveryKey, Role, Session, Vault};

const BO_PASS: &str = "tidal lantern meadow quartz";

fn slot_path(dir: &Path, user: &str) -> PathBuf {
    for e in std::fs::read_dir(dir.join("slots")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "slot") {
            let slot = Slot::parse(&std::fs::read(&p).unwrap()).unwrap();
            if slot.user == user {
                return p;
            }
        }
    }
    panic!("no slot for {user}");
}

/// What a leaver or a thief keeps: a user's slot file, the envelopes file, the passphrase.
struct OldMaterial {
    slot: Vec<u8>,
    envelopes: Vec<u8>,
    pass: String,
}

fn keep(dir: &Path, user: &str, pass: &str) -> OldMaterial {
    OldMaterial {
        slot: std::fs::read(slot_path(dir, user)).unwrap(),
        envelopes: std::fs::read(dir.join("envelopes.json")).unwrap(),
        pass: pass.to_string(),
    }
}

/// Whether the kept material opens the live database (outside Casekeep, as an attacker
/// would: slot → private key → envelope → vault key → SQLCipher).
fn opens_live_database(dir: &Path, old: &OldMaterial) -> bool {
    let vault_id = Vault::open(dir).unwrap().vault_id().to_string();
    let slot = Slot::parse(&old.slot).unwrap();
    let secrets = slot.open_user(&vault_id, &Passphrase::new(old.pass.clone())).unwrap().unwrap();
    let Some(key) = Envelopes::parse(&old.envelopes).unwrap().open(&vault_id, &secrets.kem_seed) else {
        return false;
    };
    match db::open(&dir.join("casekeep.db"), &key, false) {
        Ok(_) => true,
        Err(e) if db::is_wrong_key(&e) => false,
        Err(e) => panic!("unexpected refusal: {e}"),
    }
}

fn opens_with_recovery(dir: &Path, envelopes: &[u8], key: &RecoveryKey) -> bool {
    let vault_id = Vault::open(dir).unwrap().vault_id().to_string();
    let seed = key.secrets().unwrap().kem_seed;
    let Some(k) = Envelopes::parse(envelopes).unwrap().open(&vault_id, &seed) else { return false };
    db::open(&dir.join("casekeep.db"), &k, false).is_ok()
}

fn add_a_client(s: &mut Session) {
    s.add_client(ADA.as_bytes()).unwrap();
}

/// mo (manager), cara (caseworker) and bo (caseworker); returns the recovery key.
fn three_users(dir: &Path) -> RecoveryKey {
    let recovery = fast_vault(dir);
    let mut mo = unlock_now(dir, "mo", MANAGER_PASS).unwrap();
    mo.add_user("bo", Role::Caseworker, &Passphrase::new(BO_PASS.into())).unwrap();
    RecoveryKey::parse(&recovery).unwrap()
}

fn first_break(dir: &Path, user: &str, pass: &str) -> (i64, String) {
    let s = unlock_now(dir, user, pass).unwrap();
    let b = s.verify_log().unwrap().first_break.expect("log verify found nothing");
    assert!(!s.check().unwrap().ok, "check passed a log that does not verify");
    (b.seq, b.problem)
}

fn last_seq(s: &Session) -> i64 {
    s.log_entries(None).unwrap().last().unwrap().seq
}

fn drop_triggers(s: &mut Session) {
    s.raw_connection()
        .execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;")
        .unwrap();
}

#[test]
fn old_key_material_opens_nothing_written_after_any_rotation() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    let recovery = three_users(&dir);

    // A passphrase change.
    let before = keep(&dir, "cara", WORKER_PASS);
    assert!(opens_live_database(&dir, &before), "the kept material should open the database before");
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    cara.change_passphrase(&Passphrase::new("a second long passphrase".into())).unwrap();
    add_a_client(&mut cara);
    drop(cara);
    assert!(!opens_live_database(&dir, &before), "the old slot and passphrase still open the database");
    assert!(unlock_now(&dir, "cara", WORKER_PASS).is_err());

    // A recovery reset (cara forgot her new passphrase; whoever kept her slot and it loses).
    let before = keep(&dir, "cara", "a second long passphrase");
    assert!(opens_live_database(&dir, &before));
    let mut v = Vault::open(&dir).unwrap();
    v.set_delay_fn(no_wait);
    let mut cara = v
        .unlock_with_recovery("cara", &recovery, &Passphrase::new("a third long passphrase".into()))
        .unwrap();
    add_a_client(&mut cara);
    drop(cara);
    assert!(
        !opens_live_database(&dir, &before),
        "the slot a recovery reset replaced still opens the database"
    );

    // A recovery-key replacement.
    let envelopes_before = std::fs::read(dir.join("envelopes.json")).unwrap();
    assert!(opens_with_recovery(&dir, &envelopes_before, &recovery));
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    let new_recovery = mo.replace_recovery_key().unwrap();
    add_a_client(&mut mo);
    drop(mo);
    assert!(!opens_with_recovery(&dir, &envelopes_before, &recovery), "the old recovery key still opens");
    let now = std::fs::read(dir.join("envelopes.json")).unwrap();
    assert!(!opens_with_recovery(&dir, &now, &recovery));
    assert!(opens_with_recovery(&dir, &now, &new_recovery));

    // A removal: bo keeps his slot, the envelopes file and his passphrase.
    let bo = keep(&dir, "bo", BO_PASS);
    assert!(opens_live_database(&dir, &bo));
    let bo_slot = slot_path(&dir, "bo");
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.remove_user("bo").unwrap();
    add_a_client(&mut mo);
    assert!(mo.users().unwrap().iter().all(|u| u.name != "bo"));
    drop(mo);
    assert!(!bo_slot.exists(), "the removed user's slot is still there");
    assert!(!opens_live_database(&dir, &bo), "a removed user's kept material still opens the database");
    // Putting his slot back opens nothing either: refused like an unknown name.
    std::fs::write(&bo_slot, &bo.slot).unwrap();
    let e = unlock_now(&dir, "bo", BO_PASS).unwrap_err();
    assert_eq!(e.code(), "unlock_failed", "{e}");
    std::fs::remove_file(&bo_slot).unwrap();

    // Everyone left still works, and the log holds the story.
    let mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    assert!(mo.check().unwrap().ok);
    let rotations = mo.log_entries(None).unwrap().iter().filter(|e| e.event == "vault_key_rotated").count();
    assert_eq!(rotations, 4, "one rotation each: change, reset, replacement, removal");
    assert!(unlock_now(&dir, "cara", "a third long passphrase").is_ok());
}

#[test]
fn removal_is_for_managers_never_themselves_nor_the_last_manager() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    three_users(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    assert_eq!(cara.remove_user("bo").unwrap_err().code(), "forbidden");
    drop(cara);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    assert_eq!(mo.remove_user("mo").unwrap_err().code(), "forbidden");
    assert_eq!(mo.remove_user("nobody").unwrap_err().code(), "not_found");
    // A removed name is not given out again.
    mo.remove_user("bo").unwrap();
    assert_eq!(mo.remove_user("bo").unwrap_err().code(), "not_found");
    let e = mo.add_user("bo", Role::Caseworker, &Passphrase::new(BO_PASS.into())).unwrap_err();
    assert_eq!(e.code(), "invalid_input");
    // Through the CLI too.
    let s2 = Scratch::new();
    s2.init_with_worker();
    let r = s2.worker(&["user", "remove", "mo"]).refused();
    assert!(r.stderr.contains("only a manager"), "{}", r.stderr);
    let out = s2.manager(&["user", "remove", "cara"]).ok().json();
    assert_eq!(out["removed"], "cara");
    s2.worker(&["client", "list"]).refused();
    let users = s2.manager(&["user", "list"]).ok().json();
    assert_eq!(users.as_array().unwrap().len(), 1);
}

/// Named by `log verify`: a key put in the table for another user, then an approval signed
/// as them with it. The table grants nothing: the next unlock rewrites it from the log.
#[test]
fn a_key_registered_for_another_user_is_named_by_verify() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    let seed = casekeep::support::crypto::make_secret().unwrap();
    let public = casekeep::support::crypto::derive_public_key(&seed).unwrap();
    cara.raw_connection()
        .execute(
            "INSERT INTO user_keys (id, user_id, public_key, created_at) VALUES (99, 1, ?1, '2026-01-01')",
            [&public],
        )
        .unwrap();
    let forged = cara.append_as(1, 99, &seed, "approval", serde_json::json!({"decision": 5})).unwrap();
    drop(cara);
    let (seq, problem) = first_break(&dir, "mo", MANAGER_PASS);
    assert_eq!(seq, forged, "{problem}");
    assert!(problem.contains("uncertified"), "{problem}");
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    let rows: i64 = mo
        .raw_connection()
        .query_row("SELECT count(*) FROM user_keys WHERE id = 99", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0, "the forged key row survived the unlock's cache rewrite");
    assert!(mo.log_entries(None).unwrap().iter().any(|e| e.event == "identity_cache_repaired"));
}

/// Named by `log verify`: an entry signed with a key its owner has retired (someone kept
/// the old slot and passphrase), and one by a removed user.
#[test]
fn retired_keys_and_removed_users_sign_nothing() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    three_users(&dir);
    let vault_id = Vault::open(&dir).unwrap().vault_id().to_string();
    let old_mo = Slot::parse(&std::fs::read(slot_path(&dir, "mo")).unwrap()).unwrap();
    let old_mo_seed =
        old_mo.open_user(&vault_id, &Passphrase::new(MANAGER_PASS.into())).unwrap().unwrap().signing_seed;
    let bo_slot = Slot::parse(&std::fs::read(slot_path(&dir, "bo")).unwrap()).unwrap();
    let bo_seed =
        bo_slot.open_user(&vault_id, &Passphrase::new(BO_PASS.into())).unwrap().unwrap().signing_seed;
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.change_passphrase(&Passphrase::new("mo's next long passphrase".into())).unwrap();
    mo.remove_user("bo").unwrap();
    drop(mo);

    let work = scratch.tmp.path().join("work");
    copy_dir(&dir, &work);
    let mut cara = unlock_now(&work, "cara", WORKER_PASS).unwrap();
    let forged =
        cara.append_as(1, 1, &old_mo_seed, "agency_set", serde_json::json!({"agency": "x"})).unwrap();
    drop(cara);
    let (seq, problem) = first_break(&work, "cara", WORKER_PASS);
    assert_eq!(seq, forged);
    assert!(problem.contains("retired"), "{problem}");

    let work = scratch.tmp.path().join("work2");
    copy_dir(&dir, &work);
    let mut cara = unlock_now(&work, "cara", WORKER_PASS).unwrap();
    let bo_key = 4; // mo 1, recovery 2, cara 3, bo 4
    let forged = cara.append_as(3, bo_key, &bo_seed, "note_added", serde_json::json!({})).unwrap();
    drop(cara);
    let (seq, problem) = first_break(&work, "cara", WORKER_PASS);
    assert_eq!(seq, forged);
    assert!(problem.contains("retired") || problem.contains("removed"), "{problem}");
}

/// Refused by the command: a caseworker who makes herself a manager in the table is still
/// a caseworker (roles come from the log), and the unlock rewrites the table. Named by
/// `log verify` and refused at unlock: a role granted in a forged entry.
#[test]
fn roles_come_from_the_log_not_the_table() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    cara.raw_connection().execute("UPDATE users SET role = 'manager' WHERE name = 'cara'", []).unwrap();
    drop(cara);
    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    assert_eq!(cara.user().role, Role::Caseworker);
    assert_eq!(cara.purge("an insider's purge attempt", false).unwrap_err().code(), "forbidden");
    let role: String = cara
        .raw_connection()
        .query_row("SELECT role FROM users WHERE name = 'cara'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(role, "caseworker");

    // She writes a `user_added` entry of her own, making a new manager.
    let seed = casekeep::support::crypto::make_secret().unwrap();
    let kem = casekeep::support::crypto::make_secret().unwrap();
    let body = casekeep::log::identity::keys_body(
        9,
        &casekeep::support::crypto::derive_public_key(&seed).unwrap(),
        &casekeep::support::crypto::derive_kem_public(&kem),
        serde_json::json!({ "user": "eve", "user_id": 9, "role": "manager" }),
    );
    let forged = cara.append_unchecked(casekeep::log::Kind::Audit, "user_added", None, body).unwrap();
    let report = cara.verify_log().unwrap();
    let b = report.first_break.unwrap();
    assert_eq!(b.seq, forged);
    assert!(b.problem.contains("not a manager"), "{}", b.problem);
    drop(cara);
    let e = unlock_now(&dir, "mo", MANAGER_PASS).unwrap_err();
    assert_eq!(e.code(), "integrity");
    assert!(e.to_string().contains(&format!("at entry {forged}")), "{e}");
}

/// Refused at unlock: a removal deleted from the log (with the triggers dropped) — the
/// unlock sees the members changed, verifies the whole log before rotating, and names the
/// gap; and identity entries re-ordered.
#[test]
fn deleted_removals_and_reordered_key_entries_are_found() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    three_users(&dir);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.remove_user("bo").unwrap();
    let removal = mo.log_entries(None).unwrap().iter().find(|e| e.event == "user_removed").unwrap().seq;
    drop(mo);
    let work = scratch.tmp.path().join("work");
    copy_dir(&dir, &work);
    let mut cara = unlock_now(&work, "cara", WORKER_PASS).unwrap();
    drop_triggers(&mut cara);
    cara.raw_connection().execute("DELETE FROM log_entries WHERE seq = ?1", [removal]).unwrap();
    drop(cara);
    // With the removal gone, the log would call for bo's key to be wrapped again: the
    // unlock verifies the whole log before such a rotation, and refuses.
    let e = unlock_now(&work, "mo", MANAGER_PASS).unwrap_err();
    assert_eq!(e.code(), "integrity");
    assert!(e.to_string().contains(&format!("log entry {removal} does not hold")), "{e}");
    assert!(e.to_string().contains("missing"), "{e}");
    assert!(unlock_now(&work, "bo", BO_PASS).is_err());

    // cara's and bo's `user_added` entries swapped in place.
    let work = scratch.tmp.path().join("work2");
    copy_dir(&dir, &work);
    let mut cara = unlock_now(&work, "cara", WORKER_PASS).unwrap();
    let added: Vec<i64> =
        cara.log_entries(None).unwrap().iter().filter(|e| e.event == "user_added").map(|e| e.seq).collect();
    let (a, b) = (added[0], added[1]);
    drop_triggers(&mut cara);
    cara.raw_connection()
        .execute_batch(&format!(
            "UPDATE log_entries SET seq = -1 WHERE seq = {a};
             UPDATE log_entries SET seq = {a} WHERE seq = {b};
             UPDATE log_entries SET seq = {b} WHERE seq = -1;"
        ))
        .unwrap();
    drop(cara);
    let e = unlock_now(&work, "mo", MANAGER_PASS).unwrap_err();
    assert_eq!(e.code(), "integrity");
    assert!(e.to_string().contains(&format!("at entry {a}")), "{e}");
}

/// Refused at unlock: envelopes swapped between two recipients.
#[test]
fn swapped_envelopes_open_nothing() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let path = dir.join("envelopes.json");
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    // Each recipient's envelope moved to the next recipient (mo's, cara's, the recovery key's).
    let list = v["envelopes"].as_array_mut().unwrap();
    assert_eq!(list.len(), 3);
    let was = list.clone();
    for (i, e) in list.iter_mut().enumerate() {
        let from = &was[(i + 1) % was.len()];
        e["enc"] = from["enc"].clone();
        e["sealed"] = from["sealed"].clone();
    }
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    let refused = [unlock_now(&dir, "mo", MANAGER_PASS), unlock_now(&dir, "cara", WORKER_PASS)]
        .into_iter()
        .filter(|r| r.is_err())
        .count();
    assert_eq!(refused, 2, "a swapped envelope opened");
}

/// Refused at unlock: the database rolled back to an older copy, and a fork of it.
#[test]
fn rolled_back_and_forked_databases_are_refused_at_unlock() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let db = dir.join("casekeep.db");
    let old = std::fs::read(&db).unwrap();
    assert!(!dir.join("casekeep.db-wal").exists());
    let fork = scratch.tmp.path().join("fork");
    copy_dir(&dir, &fork);

    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    add_a_client(&mut cara);
    let seen = last_seq(&cara);
    drop(cara);
    let newer = std::fs::read(&db).unwrap();

    // Rolled back.
    std::fs::write(&db, &old).unwrap();
    let e = unlock_now(&dir, "cara", WORKER_PASS).unwrap_err();
    assert_eq!(e.code(), "integrity");
    assert!(e.to_string().contains("rolled back"), "{e}");
    assert!(e.to_string().contains(&format!("entry {seen}")), "{e}");

    // Forked: the copy went on without cara's entries, further than she has seen.
    {
        let mut mo = unlock_now(&fork, "mo", MANAGER_PASS).unwrap();
        for _ in 0..3 {
            add_a_client(&mut mo);
        }
    }
    std::fs::write(&db, std::fs::read(fork.join("casekeep.db")).unwrap()).unwrap();
    let e = unlock_now(&dir, "cara", WORKER_PASS).unwrap_err();
    assert_eq!(e.code(), "integrity");
    assert!(e.to_string().contains("fork"), "{e}");

    // Put back, it opens again.
    std::fs::write(&db, &newer).unwrap();
    assert!(unlock_now(&dir, "cara", WORKER_PASS).is_ok());
}

/// Refused at unlock: a database made by an insider (their own vault, its vault id
/// edited, the key wrapped to everyone's real public keys) does not begin with the root
/// key the slots pin.
#[test]
fn a_substituted_database_is_refused_at_unlock() {
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let vault_id = Vault::open(&dir).unwrap().vault_id().to_string();
    let fake_dir = scratch.tmp.path().join("fake");
    let (mut fake, _) = Vault::create(&fake_dir, "mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
    fake.raw_connection().execute("UPDATE meta SET value = ?1 WHERE key = 'vault_id'", [&vault_id]).unwrap();
    fake.raw_connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    let recipients =
        Envelopes::parse(&std::fs::read(dir.join("envelopes.json")).unwrap()).unwrap().recipients();
    let envelopes = Envelopes::seal(&vault_id, 1, fake.vault_key_for_tests(), &recipients).unwrap();
    drop(fake);
    std::fs::write(dir.join("casekeep.db"), std::fs::read(fake_dir.join("casekeep.db")).unwrap()).unwrap();
    std::fs::write(dir.join("envelopes.json"), serde_json::to_vec(&envelopes).unwrap()).unwrap();
    for (user, pass) in [("mo", MANAGER_PASS), ("cara", WORKER_PASS)] {
        let e = unlock_now(&dir, user, pass).unwrap_err();
        assert_eq!(e.code(), "integrity", "{user}: {e}");
        assert!(e.to_string().contains("entry 1") || e.to_string().contains("root key"), "{user}: {e}");
    }
}

/// Refused in effect (nothing changes): the vault's settings and the agency name exports
/// print are read only from entries a manager signed (`log::by_managers`). A caseworker who
/// edits the old copies in `meta`, signs a change of her own, signs one in the manager's
/// name with a key of her own, or copies the manager's old entry to the end of the log
/// changes nothing; `log verify` names the first of her entries.
#[test]
fn settings_and_the_agency_name_come_from_a_managers_signed_entries_only() {
    use casekeep::log::Kind;
    use serde_json::json;
    let scratch = Scratch::new();
    let dir = scratch.vault();
    fast_vault(&dir);
    let mut mo = unlock_now(&dir, "mo", MANAGER_PASS).unwrap();
    mo.set_agency("Example Outreach (first name)").unwrap();
    mo.set_agency("Example Outreach").unwrap();
    mo.set_settings(br#"{"retention": {"years_after_closure": 7}}"#).unwrap();
    drop(mo);

    let mut cara = unlock_now(&dir, "cara", WORKER_PASS).unwrap();
    cara.raw_connection()
        .execute_batch(
            "INSERT OR REPLACE INTO meta (key, value) VALUES
               ('settings', '{\"retention\": {\"years_after_closure\": 1}}'), ('agency', 'Forged Agency');",
        )
        .unwrap();
    let own = cara
        .append_unchecked(
            Kind::Audit,
            "settings_changed",
            None,
            json!({"before": {}, "after": {"retention": {"years_after_closure": 1}}}),
        )
        .unwrap();
    let seed = casekeep::support::crypto::make_secret().unwrap();
    cara.append_as(1, 99, &seed, "agency_set", json!({"agency": "Forged Agency"})).unwrap();
    // The manager's first agency entry, copied to the end (its hash no longer matches).
    cara.raw_connection()
        .execute_batch(
            "INSERT INTO log_entries (seq, at, kind, event, actor_id, client_id, body, key_id, signature, prev_hash, hash)
             SELECT (SELECT max(seq) + 1 FROM log_entries), at, kind, event, actor_id, client_id, body, key_id,
                    signature, (SELECT hash FROM log_entries ORDER BY seq DESC LIMIT 1), hash
               FROM log_entries WHERE event = 'agency_set' ORDER BY seq LIMIT 1;",
        )
        .unwrap();
    for s in [&cara, &unlock_now(&dir, "mo", MANAGER_PASS).unwrap()] {
        assert_eq!(s.settings().unwrap().retention.years_after_closure, 7);
        assert_eq!(s.agency().unwrap(), "Example Outreach");
    }
    drop(cara);
    let (seq, problem) = first_break(&dir, "mo", MANAGER_PASS);
    assert_eq!(seq, own, "{problem}");
    assert!(problem.contains("manager"), "{problem}");
}
