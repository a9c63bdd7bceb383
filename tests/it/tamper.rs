//! Tamper detection beyond `log_tamper.rs`: random bit flips across the database file and
//! the key-slot files, and edits to every column of a log entry, insertions, moves and
//! key swaps. Each flip and edit is seeded and named when it fails.
//!
//! What counts as holding, for a flipped bit in the database (SQLCipher pages carry an
//! HMAC-SHA512 over the ciphertext, the IV and the page number, and the HMAC key is derived
//! from the salt at the file's start, so every byte of the file is covered):
//!   * unlocking or a read is refused with a coded `integrity` or `storage` error that
//!     names no record value, or
//!   * every read returns exactly the original data *and* `check` (which authenticates
//!     every page) reports the damage;
//!   * never a panic, never an unlock that returns different data, never a flip that goes
//!     unreported. A flip can only go unreported if the flipped page was overwritten before
//!     `check` read it — that would lose nothing, but it would also prove nothing, so it is
//!     counted and must not happen here (every attempt below reads before it writes).
//!
//! `CASEKEEP_FLIPS` (default 200) and `CASEKEEP_FLIP_SEED` replay or extend the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::common::*;
use casekeep::casework::clients::Names;
use casekeep::{ClientId, Passphrase, Session, Vault};

const NAMES: [&str; 5] = ["Tamper Alpha", "Tamper Bravo", "Tamper Charlie", "Tamper Delta", "Tamper Echo"];

/// A vault with a few clients, consents and notes, closed cleanly (no -wal left).
fn populated_vault(dir: &Path) -> String {
    let recovery = fast_vault(dir);
    let mut s = unlock_now(dir, "cara", WORKER_PASS).unwrap();
    for (i, name) in NAMES.iter().enumerate() {
        let mut ada: serde_json::Value = serde_json::from_str(ADA).unwrap();
        ada["full_name"] = serde_json::json!(name);
        ada["case_reference"] = serde_json::json!(format!("TMP-{i}"));
        let long = format!("Note {i}: ").repeat(300); // spread records over several pages
        ada["notes"] = serde_json::json!([{"text": long}]);
        let id = s.add_client(ada.to_string().as_bytes()).unwrap();
        let consent = casekeep::casework::consent::ConsentInput {
            recipient: "marac".parse().unwrap(),
            state: "given".parse().unwrap(),
            method: "verbal".parse().unwrap(),
            purpose: None,
            reason: None,
            review_on: None,
        };
        s.record_consent(id, consent).unwrap();
    }
    drop(s);
    assert!(!dir.join("casekeep.db-wal").exists(), "the WAL was not checkpointed on close");
    recovery
}

/// Everything a caseworker can read, as JSON text, in a fixed order.
fn read_everything(s: &mut Session, upto_seq: i64) -> casekeep::Result<String> {
    let mut out = serde_json::to_string(&s.list_clients(None, Names::Hidden)?).unwrap();
    let ids: Vec<i64> = s.list_clients(None, Names::Hidden)?.iter().map(|c| c.id).collect();
    for id in ids {
        out.push_str(&wire(s.show_client(ClientId(id), Names::Shown)?).to_string());
        out.push_str(&serde_json::to_string(&s.consent_report(ClientId(id))?).unwrap());
    }
    let log: Vec<_> = s.log_entries(None)?.into_iter().filter(|e| e.seq <= upto_seq).collect();
    out.push_str(&serde_json::to_string(&log).unwrap());
    Ok(out)
}

#[derive(Debug, Default)]
struct Outcomes {
    refused_at_unlock: BTreeMap<String, usize>,
    refused_while_reading: BTreeMap<String, usize>,
    read_intact_and_check_reported: usize,
}

fn assert_no_value(message: &str, ctx: &str) {
    for v in NAMES.iter().chain(["Ada Example", "bluebell", "Flat 2", "+447700900123"].iter()) {
        assert!(!message.contains(v), "{ctx}: an error repeats a record value: {message}");
    }
}

#[test]
fn random_bit_flips_in_the_database_are_refused_or_reported_never_misread() {
    let flips = env_u64("CASEKEEP_FLIPS", 200);
    let seed = env_u64("CASEKEEP_FLIP_SEED", 0x0B17_F11D);
    let scratch = Scratch::new();
    let pristine = scratch.tmp.path().join("pristine");
    populated_vault(&pristine);
    let db_bytes = std::fs::read(pristine.join("casekeep.db")).unwrap();
    let len = db_bytes.len() as u64;

    // The original data, read the way each attempt will read it.
    let work = scratch.tmp.path().join("work");
    copy_dir(&pristine, &work);
    let (golden, upto) = {
        let mut s = unlock_now(&work, "cara", WORKER_PASS).unwrap();
        // Entries up to the pristine file's last; this unlock's own entry differs each time.
        let upto = s.verify_log().unwrap().entries - 1;
        (read_everything(&mut s, upto).unwrap(), upto)
    };

    let mut rng = Rng::new(seed);
    let mut positions: Vec<(u64, u8)> = [0, 15, 16, 1023, 4095, 4096, len / 2, len - 1]
        .into_iter()
        .map(|p| (p, rng.below(8) as u8))
        .collect();
    while (positions.len() as u64) < flips.max(positions.len() as u64) {
        positions.push((rng.below(len), rng.below(8) as u8));
    }
    let started = Instant::now();
    let mut outcomes = Outcomes::default();
    for (n, &(pos, bit)) in positions.iter().enumerate() {
        let ctx =
            format!("seed {seed:#x}, flip {n}: byte {pos} of {len} (page {}), bit {bit}", pos / 4096 + 1);
        std::fs::remove_dir_all(&work).unwrap();
        copy_dir(&pristine, &work);
        let mut bytes = db_bytes.clone();
        bytes[pos as usize] ^= 1 << bit;
        std::fs::write(work.join("casekeep.db"), &bytes).unwrap();

        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut s = unlock_now(&work, "cara", WORKER_PASS).map_err(|e| ("unlock", e))?;
            let read = read_everything(&mut s, upto).map_err(|e| ("read", e))?;
            let report = s.check().map_err(|e| ("check", e))?;
            Ok((read, report))
        }));
        match result {
            Err(_) => panic!("{ctx}: panicked"),
            Ok(Err((stage, e))) => {
                assert!(
                    matches!(e.code(), "integrity" | "storage"),
                    "{ctx}: {stage} failed with {}: {e}",
                    e.code()
                );
                assert_no_value(&e.to_string(), &ctx);
                let key = format!("{}: {e}", e.code());
                match stage {
                    "unlock" => *outcomes.refused_at_unlock.entry(key).or_default() += 1,
                    _ => *outcomes.refused_while_reading.entry(key).or_default() += 1,
                }
            }
            Ok(Ok((read, report))) => {
                assert!(read == golden, "{ctx}: the vault opened and returned different data");
                assert!(!report.ok, "{ctx}: the flip went unreported by check: {report:?}");
                assert!(
                    report.problems.iter().any(|p| p.starts_with("cipher")),
                    "{ctx}: {:?}",
                    report.problems
                );
                outcomes.read_intact_and_check_reported += 1;
            }
        }
    }
    eprintln!(
        "bit flips: seed {seed:#x}, {} flips over {len} bytes ({} pages) in {:.1} s: {outcomes:#?}",
        positions.len(),
        len / 4096,
        started.elapsed().as_secs_f64()
    );
}

/// Through the real binary too: a damaged database gives one coded line, no panic.
#[test]
fn the_cli_reports_a_damaged_database_in_one_line() {
    let scratch = Scratch::new();
    populated_vault(&scratch.vault());
    let db = scratch.vault().join("casekeep.db");
    let intact_list = scratch.worker(&["client", "list"]).ok().stdout;
    let mut bytes = std::fs::read(&db).unwrap();
    let last_page = bytes.len() - 4096;
    for (what, pos) in [("page 1", 100), ("a later page", last_page + 100)] {
        let mut damaged = bytes.clone();
        damaged[pos] ^= 0x10;
        std::fs::write(&db, &damaged).unwrap();
        for args in [&["client", "list"][..], &["check"][..]] {
            // The caseload list reads only its covering index: a damaged page elsewhere may
            // not be on its path, and then it must return exactly the intact list.
            if what != "page 1" && args[0] == "client" {
                let r = scratch.worker(args);
                if r.code == 0 {
                    assert_eq!(r.stdout, intact_list, "{what}: the list read back differs");
                    continue;
                }
            }
            // Exit 1, no panic, one coded refusal line, and nothing else on stderr but our own
            // warning about the failed attempts this very test causes (an unlock that cannot
            // read the database counts as failed). SQLCipher's own log lines are switched off.
            let r = scratch.worker(args);
            assert_eq!(r.code, 1, "{what} {args:?}: {}{}", r.stdout, r.stderr);
            let ours: Vec<&str> = r.stderr.lines().filter(|l| !l.starts_with("Warning: ")).collect();
            assert_eq!(ours.len(), 1, "{what} {args:?}: {}", r.stderr);
            assert!(ours[0].starts_with("casekeep: integrity check failed"), "{what} {args:?}: {}", r.stderr);
            assert_no_value(&r.stderr, what);
        }
    }
    std::fs::write(&db, &bytes).unwrap();
    bytes.clear();
    scratch.worker(&["check"]).ok();
}

#[test]
fn bit_flips_in_key_slot_files_are_refused() {
    let flips = env_u64("CASEKEEP_SLOT_FLIPS", 120);
    let seed = env_u64("CASEKEEP_FLIP_SEED", 0x0B17_F11D) ^ 0x5107;
    let scratch = Scratch::new();
    let vault = scratch.vault();
    fast_vault(&vault);
    let slots = vault.join("slots");
    let mut user_slots = BTreeMap::new();
    for e in std::fs::read_dir(&slots).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "slot") {
            let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            user_slots.insert(v["user"].as_str().unwrap().to_string(), p);
        }
    }
    let cara_slot: PathBuf = user_slots["cara"].clone();
    // Her anchor: the furthest log entry she has seen, authenticated under her own keys.
    let cara_anchor = cara_slot.with_extension("seen");
    assert!(cara_anchor.exists());
    let mut rng = Rng::new(seed);
    let mut refusals: BTreeMap<String, usize> = BTreeMap::new();
    let started = Instant::now();

    for n in 0..flips {
        // Two flips in three hit cara's slot (each costs a key derivation), one her anchor.
        let target = if n % 3 == 2 { &cara_anchor } else { &cara_slot };
        let original = std::fs::read(target).unwrap();
        let pos = rng.below(original.len() as u64) as usize;
        let bit = rng.below(8) as u8;
        let ctx = format!("seed {seed:#x}, slot flip {n}: {} byte {pos}, bit {bit}", target.display());
        let mut bytes = original.clone();
        bytes[pos] ^= 1 << bit;
        std::fs::write(target, &bytes).unwrap();

        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut v = Vault::open(&vault).unwrap();
            v.set_delay_fn(no_wait);
            v.unlock("cara", &Passphrase::new(WORKER_PASS.into())).map(drop)
        }));
        match result {
            Err(_) => panic!("{ctx}: panicked"),
            Ok(Ok(())) => panic!("{ctx}: a tampered slot opened"),
            Ok(Err(e)) => {
                assert!(matches!(e.code(), "unlock_failed" | "integrity"), "{ctx}: {}: {e}", e.code());
                *refusals.entry(e.code().to_string()).or_default() += 1;
            }
        }
        std::fs::write(target, &original).unwrap();
        if n % 20 == 0 {
            // The other user is never locked out by someone else's damaged slot.
            unlock_now(&vault, "mo", MANAGER_PASS).unwrap_or_else(|e| panic!("{ctx}: mo refused: {e}"));
        }
    }
    // Untouched again, both open.
    unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    assert!(unlock_now(&vault, "mo", MANAGER_PASS).unwrap().check().unwrap().ok);
    eprintln!(
        "slot flips: seed {seed:#x}, {flips} flips in {:.1} s, refused as {refusals:?}",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------
// The log: every column of an entry, insertions, moves, and the signing keys.

fn attack(dir: &Path, sql: &str) {
    let mut s = unlock_now(dir, "mo", MANAGER_PASS).unwrap();
    let conn = s.raw_connection();
    conn.execute_batch("DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete;").unwrap();
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Where the tampering is found: `log verify`'s first break, or — for the identity entries
/// every unlock checks — the unlock's refusal, which names the entry too.
fn first_break(dir: &Path) -> Option<(i64, String)> {
    let s = match unlock_now(dir, "mo", MANAGER_PASS) {
        Ok(s) => s,
        Err(e) => {
            let msg = e.to_string();
            let seq = msg
                .split("at entry ")
                .nth(1)
                .and_then(|r| r.split(':').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("refused at unlock without naming an entry: {msg}"));
            return Some((seq, format!("refused at unlock: {msg}")));
        }
    };
    let r = s.verify_log().unwrap();
    let check = s.check().unwrap();
    assert_eq!(check.ok, r.first_break.is_none(), "check and log verify disagree");
    r.first_break.map(|b| (b.seq, b.problem))
}

#[test]
fn every_column_of_a_log_entry_and_every_reordering_is_located() {
    let scratch = Scratch::new();
    let pristine = scratch.tmp.path().join("pristine");
    populated_vault(&pristine);
    // One look at the pristine copy (which appends its own unlock entry); every case then
    // starts from a copy of that state, and the attacker's unlock appends entry `newest`.
    let (t, newest) = {
        let s = unlock_now(&pristine, "mo", MANAGER_PASS).unwrap();
        let log = s.log_entries(None).unwrap();
        let consents: Vec<i64> = log.iter().filter(|e| e.kind == "consent").map(|e| e.seq).collect();
        (consents[2], log.len() as i64 + 1)
    };
    let cases: Vec<(&str, String, i64)> = vec![
        ("at", format!("UPDATE log_entries SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = {t}"), t),
        ("kind", format!("UPDATE log_entries SET kind = 'decision' WHERE seq = {t}"), t),
        ("event", format!("UPDATE log_entries SET event = 'consent_withdrawn' WHERE seq = {t}"), t),
        ("actor_id", format!("UPDATE log_entries SET actor_id = 1 WHERE seq = {t}"), t),
        ("client_id", format!("UPDATE log_entries SET client_id = client_id + 1 WHERE seq = {t}"), t),
        (
            "body",
            format!("UPDATE log_entries SET body = replace(body, 'given', 'refused') WHERE seq = {t}"),
            t,
        ),
        ("key_id", format!("UPDATE log_entries SET key_id = 1 WHERE seq = {t}"), t),
        ("signature", format!("UPDATE log_entries SET signature = randomblob(64) WHERE seq = {t}"), t),
        ("prev_hash", format!("UPDATE log_entries SET prev_hash = randomblob(32) WHERE seq = {t}"), t),
        ("hash", format!("UPDATE log_entries SET hash = randomblob(32) WHERE seq = {t}"), t),
        (
            "an old entry replayed into the middle",
            format!(
                "UPDATE log_entries SET seq = seq + 1000000 WHERE seq >= {t};
                 UPDATE log_entries SET seq = seq - 1000000 + 1 WHERE seq >= 1000000;
                 INSERT INTO log_entries SELECT {t}, at, kind, event, actor_id, client_id, body, key_id,
                        signature, prev_hash, hash FROM log_entries WHERE seq = {};",
                t - 1
            ),
            t,
        ),
        (
            "an entry moved to the end",
            format!(
                "UPDATE log_entries SET seq = 3000000 WHERE seq = {t};
                 UPDATE log_entries SET seq = seq + 1000000 WHERE seq > {t} AND seq < 1000000;
                 UPDATE log_entries SET seq = seq - 1000001 WHERE seq >= 1000000 AND seq < 3000000;
                 UPDATE log_entries SET seq = (SELECT max(seq) + 1 FROM log_entries WHERE seq < 3000000)
                  WHERE seq = 3000000;"
            ),
            t,
        ),
        // The root entry: refused at every unlock (identity entries are checked there).
        ("the first entry", "UPDATE log_entries SET body = '{}' WHERE seq = 1".to_string(), 1),
        ("the newest entry", format!("UPDATE log_entries SET at = at || ' ' WHERE seq = {newest}"), newest),
    ];
    for (what, sql, expected) in cases {
        let work = scratch.tmp.path().join("work");
        let _ = std::fs::remove_dir_all(&work);
        copy_dir(&pristine, &work);
        attack(&work, &sql);
        let found = first_break(&work);
        let (seq, problem) = found.unwrap_or_else(|| panic!("{what}: not detected"));
        assert_eq!(seq, expected, "{what}: located at {seq} ({problem}), expected {expected}");
    }
}
