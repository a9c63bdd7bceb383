//! What protects the records at rest: encryption everywhere, owner-only files, a vault
//! that opens only with its passphrase, and refusal of what it cannot trust.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::os::unix::fs::PermissionsExt;

use crate::common::*;
use casekeep::casework::clients::Names;
use casekeep::{Passphrase, Vault};

const SENTINELS: &[&str] = &[
    "SENTINELxNAMEx4821",
    "SENTINELxREFUGEx7730",
    "SENTINELxCODEWORDx1193",
    "SENTINELxCHILDx5521",
    "SENTINELxPERPx0042",
    "SENTINELxNOTEx8876",
    "SENTINELxHEALTHx3310",
    "+447700900417",
];

fn sentinel_client() -> String {
    serde_json::json!({
        "full_name": SENTINELS[0],
        "address": SENTINELS[1],
        "address_is_refuge": true,
        "health_notes": SENTINELS[6],
        "contacts": [{"channel": "phone", "value": "07700 900417", "code_word": SENTINELS[2]}],
        "children": [{"full_name": SENTINELS[3]}],
        "perpetrator": {"full_name": SENTINELS[4]},
        "notes": [{"text": SENTINELS[5]}]
    })
    .to_string()
}

fn assert_no_sentinel(s: &Scratch, when: &str) {
    let files = s.vault_files();
    assert!(files.iter().any(|(p, _)| p.ends_with("casekeep.db")));
    for (path, bytes) in &files {
        for sentinel in SENTINELS {
            assert!(
                !contains(bytes, sentinel.as_bytes()),
                "{when}: {} holds a sentinel in plaintext",
                path.display()
            );
        }
        assert!(
            !contains(bytes, b"SQLite format 3"),
            "{when}: {} has a plaintext SQLite header",
            path.display()
        );
    }
}

#[test]
fn no_record_value_appears_in_any_file_of_the_vault_while_open_or_closed() {
    let s = Scratch::new();
    s.init_with_worker();
    // While a session is open the -wal and -shm files exist: check them too.
    let vault = Vault::open(&s.vault()).unwrap();
    let mut session = vault.unlock("cara", &Passphrase::new(WORKER_PASS.into())).unwrap();
    let id = session.add_client(sentinel_client().as_bytes()).unwrap();
    for i in 0..20 {
        let patch = serde_json::json!({"notes": [{"text": format!("{} {i}", SENTINELS[5])}]}).to_string();
        session.update_client(id, patch.as_bytes()).unwrap();
    }
    let names: Vec<String> =
        s.vault_files().iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.ends_with("-wal")), "expected a WAL file while open: {names:?}");
    assert_no_sentinel(&s, "while open");
    let shown = wire(session.show_client(id, Names::Shown).unwrap());
    assert_eq!(shown["full_name"], SENTINELS[0]);
    drop(session);
    assert_no_sentinel(&s, "after closing");
    // The CLI's own writes as well.
    s.add_client(&sentinel_client());
    assert_no_sentinel(&s, "after the CLI");
    assert!(!casekeep::support::db::has_plaintext_header(&s.vault().join("casekeep.db")).unwrap());
}

#[test]
fn the_vault_directory_and_every_file_in_it_are_owner_only() {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_client(ADA);
    let dir_mode = std::fs::metadata(s.vault()).unwrap().permissions().mode() & 0o777;
    assert_eq!(dir_mode, 0o700);
    let slots_mode = std::fs::metadata(s.vault().join("slots")).unwrap().permissions().mode() & 0o777;
    assert_eq!(slots_mode, 0o700);
    for (path, _) in s.vault_files() {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", path.display());
    }
}

#[test]
fn a_symbolic_link_in_the_vault_is_refused_and_its_target_left_alone() {
    let s = Scratch::new();
    s.init_with_worker();
    // A file outside the vault, readable by others, and a link to it inside the vault
    // (and inside its slots folder): opening must not tighten the target's mode through
    // the link, and must not open the vault.
    let outside = s.file("outside.txt", "not the vault's");
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    for link in [s.vault().join("linked.txt"), s.vault().join("slots").join("linked.slot")] {
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        let r = s.worker(&["client", "list"]).refused();
        assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
        let mode = std::fs::metadata(&outside).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644, "the link's target was changed through {}", link.display());
        std::fs::remove_file(&link).unwrap();
        s.worker(&["client", "list"]).ok();
    }
}

#[test]
fn a_copied_vault_opens_elsewhere_with_the_passphrase_and_not_without() {
    let s = Scratch::new();
    s.init_with_worker();
    let id = s.add_client(ADA);
    let copy = s.tmp.path().join("usb-stick").join("vault-copy");
    std::fs::create_dir_all(&copy).unwrap();
    for (path, bytes) in s.vault_files() {
        let rel = path.strip_prefix(s.vault()).unwrap();
        let dest = copy.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, bytes).unwrap();
    }
    let wf = s.pass_file(WORKER_PASS);
    let shown = s
        .cli_in(&copy, &["--user", "cara", "--passphrase-file", wf.to_str().unwrap(), "client", "show", &id])
        .ok()
        .json();
    assert_eq!(shown["full_name"], "Ada Example");
    let bad = s.pass_file("guessed passphrase attempt");
    s.cli_in(&copy, &["--user", "cara", "--passphrase-file", bad.to_str().unwrap(), "client", "show", &id])
        .refused();
    // Opening also tightened the copy's loose permissions.
    let mode = std::fs::metadata(copy.join("casekeep.db")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn a_vault_written_by_a_newer_version_is_refused_clearly() {
    let s = Scratch::new();
    s.init_with_worker();
    let header = s.vault().join("casekeep.vault");
    let text = std::fs::read_to_string(&header).unwrap();
    std::fs::write(&header, text.replace("\"format\": 2", "\"format\": 7")).unwrap();
    let r = s.worker(&["client", "list"]).refused();
    assert!(r.stderr.contains("newer version"), "{}", r.stderr);
    std::fs::write(&header, text).unwrap();

    // A newer schema inside the database is refused too.
    {
        let vault = Vault::open(&s.vault()).unwrap();
        let mut session = vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
        session.raw_connection().execute_batch("PRAGMA user_version = 99;").unwrap();
    }
    let r = s.worker(&["client", "list"]).refused();
    assert!(r.stderr.contains("newer version"), "{}", r.stderr);
}

#[test]
fn a_plaintext_database_is_refused() {
    let s = Scratch::new();
    s.init_with_worker();
    let db = s.vault().join("casekeep.db");
    std::fs::remove_file(&db).unwrap();
    {
        // An attacker swaps in an unencrypted database.
        let plain = rusqlite::Connection::open(&db).unwrap();
        plain.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    }
    assert!(casekeep::support::db::has_plaintext_header(&db).unwrap());
    let r = s.worker(&["client", "list"]).refused();
    assert!(r.stderr.contains("not encrypted"), "{}", r.stderr);
}

fn edit_slot_of(s: &Scratch, user: &str, edit: impl Fn(&mut serde_json::Value)) {
    for entry in std::fs::read_dir(s.vault().join("slots")).unwrap() {
        let p = entry.unwrap().path();
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        if v["user"] == user {
            edit(&mut v);
            std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
            return;
        }
    }
    panic!("no slot for {user}");
}

#[test]
fn a_tampered_key_slot_is_refused_for_its_user_only() {
    let s = Scratch::new();
    s.init_with_worker();
    // Other in-range KDF parameters (one pass more or fewer): the AEAD binds them, so the
    // slot will not open.
    edit_slot_of(&s, "cara", |v| {
        let t = v["kdf"]["t"].as_u64().unwrap();
        v["kdf"]["t"] = serde_json::json!(if t > 1 { t - 1 } else { t + 1 });
    });
    let r = s.worker(&["client", "list"]).refused();
    assert!(r.stderr.contains("user name or passphrase"), "{}", r.stderr);
    s.manager(&["client", "list"]).ok();

    // Parameters out of range (a huge memory demand) are refused before any work, and
    // `check` names the damaged slot while everyone else carries on.
    edit_slot_of(&s, "cara", |v| v["kdf"]["m_kib"] = serde_json::json!(u32::MAX));
    s.worker(&["client", "list"]).refused();
    let r = s.manager(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("key slot file"), "{}", r.stderr);

    // A slot moved to claim another user's name does not open as them.
    let s2 = Scratch::new();
    s2.init_with_worker();
    edit_slot_of(&s2, "cara", |v| v["user"] = serde_json::json!("mo"));
    s2.as_user("mo", WORKER_PASS, &["client", "list"]).refused();
}

#[test]
fn garbage_key_slot_files_are_reported_by_check_not_panicked_on() {
    let s = Scratch::new();
    s.init_with_worker();
    std::fs::write(s.vault().join("slots").join("0000000000000000.slot"), b"\x00\xffnot json").unwrap();
    s.worker(&["client", "list"]).ok();
    let r = s.manager(&["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("0000000000000000.slot"), "{}", r.stderr);
    assert_eq!(r.json()["ok"], false);
}

#[test]
fn sqlcipher_is_proven_at_open() {
    let s = Scratch::new();
    s.init_with_worker();
    let vault = Vault::open(&s.vault()).unwrap();
    let mut session = vault.unlock("mo", &Passphrase::new(MANAGER_PASS.into())).unwrap();
    let conn = session.raw_connection();
    let version: String = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).unwrap();
    assert!(version.starts_with('4'), "{version}");
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let sd: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0)).unwrap();
    assert_eq!(sd, 1);
    let temp: i64 = conn.query_row("PRAGMA temp_store", [], |r| r.get(0)).unwrap();
    assert_eq!(temp, 2, "temp_store=MEMORY");
}

#[test]
fn a_replaced_recovery_key_stops_working_and_the_new_one_works() {
    let s = Scratch::new();
    let old = s.init_with_worker();
    let e = s.worker(&["recovery-key", "replace"]).refused();
    assert!(e.stderr.contains("only a manager"), "{}", e.stderr);
    let new = s.manager(&["recovery-key", "replace"]).ok().stdout.trim().to_string();
    assert_eq!(new.len(), 65, "the new key is printed alone: {new}");
    assert_ne!(new, old);
    let reset = |key: &str| s.recover_in(&s.vault(), "mo", key, "a reset passphrase for mo");
    let r = reset(&old).refused();
    assert!(
        r.stderr.contains("unlock refused"),
        "the old key is refused like a wrong passphrase: {}",
        r.stderr
    );
    reset(&new).ok();
    let log = s.as_user("mo", "a reset passphrase for mo", &["log", "show"]).ok().json();
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "recovery_key_replaced" && e["actor"] == "mo"));
    s.as_user("mo", "a reset passphrase for mo", &["check"]).ok();
}

#[test]
fn temporary_files_left_by_a_killed_write_are_removed_at_the_next_open_once_stale() {
    let s = Scratch::new();
    s.init_with_worker();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let put = |rel: &str, old: bool| {
        let p = s.vault().join(rel);
        std::fs::write(&p, b"{\"wrapped\": \"a slot that never got renamed into place\"}").unwrap();
        if old {
            std::fs::File::options().write(true).open(&p).unwrap().set_modified(hour_ago).unwrap();
        }
        p
    };
    let stale_slot = put("slots/.tmp-0123456789ab", true);
    let stale_root = put(".tmp-abcdef012345", true);
    // Young: could be another process's write in flight. Not ours: a name write_atomic never makes.
    let young = put(".tmp-fedcba987654", false);
    let not_ours = put(".tmp-notawriteof", true);
    s.worker(&["client", "list"]).ok();
    assert!(!stale_slot.exists() && !stale_root.exists(), "stale temporary files are removed");
    assert!(young.exists(), "a young temporary file may be a write in flight: kept");
    assert!(not_ours.exists(), "only write_atomic's own names are touched");
    s.worker(&["check"]).ok();
}
