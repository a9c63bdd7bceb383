//! `backup --out FILE` and `restore --from FILE --vault NEWDIR`: a round trip that the
//! same passphrases and the recovery key open, refusal to overwrite anything, and refusal
//! of a damaged or altered backup (named cases, then seeded random bit flips).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use crate::common::*;
use casekeep::Passphrase;

const NAME: &str = "Backup Sentinel Person";

/// A vault (cheap KDF, openable by the real binary) with one client and a consent.
fn vault_with_a_client(s: &Scratch) -> (String, String) {
    let recovery = fast_vault(&s.vault());
    let mut ada: serde_json::Value = serde_json::from_str(ADA).unwrap();
    ada["full_name"] = serde_json::json!(NAME);
    let id = s.add_client(&ada.to_string());
    s.consent(&id, "marac", "given").opt("--method", "verbal").by_worker().ok();
    (recovery, id)
}

fn backup(s: &Scratch, out: &Path) -> serde_json::Value {
    s.worker(&["backup", "--out", out.to_str().unwrap()]).ok().json()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".casekeep-"))
        .collect()
}

#[test]
fn a_backup_restores_elsewhere_and_opens_with_the_same_passphrases_and_the_recovery_key() {
    let s = Scratch::new();
    let (recovery, id) = vault_with_a_client(&s);
    let before = s.manager(&["client", "show", &id]).ok().json();
    let out = s.tmp.path().join("vault.ckbackup");
    let receipt = backup(&s, &out);
    assert_eq!(receipt["bytes"].as_u64().unwrap(), std::fs::metadata(&out).unwrap().len());
    assert_eq!(receipt["key_slots"], 2, "one slot per user; the recovery key has none");

    // Encrypted: no record value and no plaintext SQLite header anywhere in the file.
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"CASEKEEP-BACKUP 2\n"));
    for needle in [NAME.as_bytes(), b"bluebell", b"Flat 2", b"+447700900123", b"SQLite format 3"] {
        assert!(
            !contains(&bytes, needle),
            "the backup holds {:?} in plaintext",
            String::from_utf8_lossy(needle)
        );
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&out).unwrap().permissions().mode() & 0o777, 0o600);

    // Restore as the manager; the caseworker's passphrase opens it too.
    let new = s.tmp.path().join("restored");
    let report = s.restore_into(&out, &new, "mo", MANAGER_PASS).ok().json();
    assert_eq!(report["check"]["ok"], true, "{report}");
    assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new());
    let pf = s.pass_file(WORKER_PASS);
    let shown = s
        .cli_in(&new, &["--user", "cara", "--passphrase-file", pf.to_str().unwrap(), "client", "show", &id])
        .ok()
        .json();
    assert_eq!(shown["full_name"], NAME);
    assert_eq!(shown["contacts"], before["contacts"]);
    assert_eq!(shown["notes"], before["notes"]);
    let log = s
        .cli_in(&new, &["--user", "cara", "--passphrase-file", pf.to_str().unwrap(), "log", "show"])
        .ok()
        .json();
    let events: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    // The restored vault holds the log as the backup was made, and its own restore entry;
    // `backup_made` is written to the live vault only once the backup was verified.
    assert!(events.contains(&"restored_from_backup") && !events.contains(&"backup_made"), "{events:?}");
    let live = s.worker(&["log", "show"]).ok().json();
    let made: Vec<&serde_json::Value> =
        live.as_array().unwrap().iter().filter(|e| e["event"] == "backup_made").collect();
    assert_eq!(made.len(), 1, "one backup_made entry in the live log");
    assert_eq!(made[0]["body"]["sha256"], receipt["sha256"], "the entry names the backup's hash");

    // The recovery key opens the restored vault (and resets a passphrase there).
    s.recover_in(&new, "cara", &recovery, "a fresh passphrase for cara").ok();
    let np = s.file("new-pass", "a fresh passphrase for cara\n");
    s.cli_in(&new, &["--user", "cara", "--passphrase-file", np.to_str().unwrap(), "check"]).ok();
    // The original is untouched by all this and still checks.
    s.manager(&["check"]).ok();

    // With only the recovery key: restore resets the user's passphrase in the new vault.
    let other = s.tmp.path().join("restored-with-recovery");
    let np2 = s.file("new-pass-2", "another passphrase for cara\n");
    let report = s
        .cli_in(
            &other,
            &[
                "--user",
                "cara",
                "restore",
                "--from",
                out.to_str().unwrap(),
                "--recovery-key-file",
                s.file("key.txt", &recovery).to_str().unwrap(),
                "--new-passphrase-file",
                np2.to_str().unwrap(),
            ],
        )
        .ok()
        .json();
    assert_eq!(report["check"]["ok"], true);
    let shown = s
        .cli_in(
            &other,
            &["--user", "cara", "--passphrase-file", np2.to_str().unwrap(), "client", "show", &id],
        )
        .ok()
        .json();
    assert_eq!(shown["full_name"], NAME);
}

#[test]
fn restore_never_overwrites_and_backup_never_replaces_a_file() {
    let s = Scratch::new();
    vault_with_a_client(&s);
    let out = s.tmp.path().join("b.ckbackup");
    backup(&s, &out);

    // Into the live vault, or any non-empty directory: refused, nothing changed.
    let files_before = s.vault_files();
    let r = s.restore_into(&out, &s.vault(), "mo", MANAGER_PASS).refused();
    assert!(r.stderr.contains("already exist"), "{}", r.stderr);
    let busy = s.tmp.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    s.restore_into(&out, &busy, "mo", MANAGER_PASS).refused();
    assert_eq!(std::fs::read(busy.join("notes.txt")).unwrap(), b"mine");
    assert_eq!(std::fs::read_dir(&busy).unwrap().count(), 1);
    let after: Vec<(PathBuf, Vec<u8>)> =
        s.vault_files().into_iter().filter(|(p, _)| !p.ends_with("attempts.json")).collect();
    let before: Vec<(PathBuf, Vec<u8>)> =
        files_before.into_iter().filter(|(p, _)| !p.ends_with("attempts.json")).collect();
    assert_eq!(before.len(), after.len());
    for ((p, a), (_, b)) in before.iter().zip(&after) {
        assert!(a == b, "{} changed", p.display());
    }

    // A backup onto an existing file: refused, the file untouched.
    let existing = s.file("precious.txt", "do not replace me");
    let r = s.worker(&["backup", "--out", existing.to_str().unwrap()]).refused();
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "do not replace me");
    // A backup "inside" a file fails; neither refusal logged a backup.
    let nowhere = existing.join("b.ckbackup");
    s.worker(&["backup", "--out", nowhere.to_str().unwrap()]).refused();
    let live = s.worker(&["log", "show"]).ok().json();
    let made = live.as_array().unwrap().iter().filter(|e| e["event"] == "backup_made").count();
    assert_eq!(made, 1, "only the backup that was made is logged");

    // A wrong passphrase at restore: refused like any unlock, nothing left behind.
    let new = s.tmp.path().join("new");
    s.restore_into(&out, &new, "mo", "not the right passphrase").refused();
    assert!(!new.exists());
    assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new());
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn a_damaged_or_altered_backup_is_refused_and_leaves_nothing() {
    let s = Scratch::new();
    vault_with_a_client(&s);
    let out = s.tmp.path().join("b.ckbackup");
    backup(&s, &out);
    let good = std::fs::read(&out).unwrap();
    let header_end = find(&good, b"\n") + 1;
    let manifest_end = header_end + find(&good[header_end..], b"\n") + 1;
    let tag_end = manifest_end + find(&good[manifest_end..], b"\n") + 1;
    let n = good.len();

    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut flip = |what: &'static str, pos: usize| {
        let mut b = good.clone();
        b[pos] ^= 0x04;
        cases.push((what, b));
    };
    flip("a byte of the database part", n - 5000);
    flip("a byte of the first part", tag_end + 10);
    flip("a byte of the manifest tag", manifest_end + 3);
    flip("the last byte", n - 1);
    let manifest = String::from_utf8(good[header_end..manifest_end].to_vec()).unwrap();
    let edited = manifest.replacen("\"created_by\":\"cara\"", "\"created_by\":\"mara\"", 1);
    assert_ne!(edited, manifest);
    let mut b = good[..header_end].to_vec();
    b.extend_from_slice(edited.as_bytes());
    b.extend_from_slice(&good[manifest_end..]);
    cases.push(("a manifest field edited (hashes still right)", b));
    cases.push(("truncated", good[..n - 100].to_vec()));
    let mut padded = good.clone();
    padded.extend_from_slice(b"extra");
    cases.push(("padded", padded));
    cases.push(("not a backup", b"hello".to_vec()));

    for (what, bytes) in cases {
        let f = s.file("bad.ckbackup", "");
        std::fs::write(&f, &bytes).unwrap();
        let new = s.tmp.path().join("restored");
        let r = s.restore_into(&f, &new, "mo", MANAGER_PASS).refused();
        assert!(
            r.stderr.contains("damaged or was altered") || r.stderr.contains("not a Casekeep backup"),
            "{what}: {}",
            r.stderr
        );
        assert!(!contains(r.stderr.as_bytes(), NAME.as_bytes()));
        assert!(!new.exists(), "{what}: a vault appeared");
        assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new(), "{what}");
    }

    // Seeded random single-bit flips anywhere in the file, through the library.
    let flips = env_u64("CASEKEEP_BACKUP_FLIPS", 40);
    let seed = env_u64("CASEKEEP_FLIP_SEED", 0x0B17_F11D) ^ 0xBAC;
    let mut rng = Rng::new(seed);
    cheap_kdf();
    let mut refused: std::collections::BTreeMap<String, usize> = Default::default();
    for k in 0..flips {
        let pos = rng.below(n as u64) as usize;
        let bit = rng.below(8) as u8;
        let mut b = good.clone();
        b[pos] ^= 1 << bit;
        let f = s.tmp.path().join("flipped.ckbackup");
        std::fs::write(&f, &b).unwrap();
        let new = s.tmp.path().join(format!("flip-{k}"));
        let ctx = format!("seed {seed:#x}, flip {k}: byte {pos} of {n}, bit {bit}");
        let r = std::panic::catch_unwind(|| {
            casekeep::vault::backup::restore(&f, &new, "mo", &Passphrase::new(MANAGER_PASS.into()))
        });
        match r {
            Err(_) => panic!("{ctx}: panicked"),
            Ok(Ok(_)) => panic!("{ctx}: a damaged backup was restored"),
            Ok(Err(e)) => {
                assert!(
                    matches!(e.code(), "integrity" | "invalid_input" | "vault_too_new"),
                    "{ctx}: {}: {e}",
                    e.code()
                );
                *refused.entry(e.to_string()).or_default() += 1;
            }
        }
        assert!(!new.exists(), "{ctx}: a vault appeared");
    }
    assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new());
    eprintln!("backup flips: seed {seed:#x}, {flips} flips over {n} bytes, refused as {refused:#?}");
}

/// Restore reads only a regular file, opened once: a device that never ends (/dev/zero),
/// a FIFO (which would block a plain open until a writer came), a folder and a symbolic
/// link are refused at once, by the CLI and by the core, and nothing is left behind.
#[test]
fn restore_refuses_devices_pipes_folders_and_links() {
    let s = Scratch::new();
    vault_with_a_client(&s);
    let out = s.tmp.path().join("b.ckbackup");
    backup(&s, &out);
    let fifo = s.tmp.path().join("pipe.ckbackup");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let link = s.tmp.path().join("link.ckbackup");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let folder = s.tmp.path().join("folder.ckbackup");
    std::fs::create_dir(&folder).unwrap();

    let cases: [(&str, &Path, &str); 4] = [
        ("/dev/zero", Path::new("/dev/zero"), "not a regular file"),
        ("a FIFO", &fifo, "not a regular file"),
        ("a folder", &folder, "not a regular file"),
        ("a symbolic link to a good backup", &link, "symbolic link"),
    ];
    cheap_kdf();
    for (what, from, says) in cases {
        let new = s.tmp.path().join("restored");
        let started = std::time::Instant::now();
        let r = s.restore_into(from, &new, "mo", MANAGER_PASS).refused();
        assert!(r.stderr.contains(says), "{what}: {}", r.stderr);
        assert!(started.elapsed() < std::time::Duration::from_secs(30), "{what}: took too long");
        let e = casekeep::vault::backup::restore(from, &new, "mo", &Passphrase::new(MANAGER_PASS.into()))
            .unwrap_err();
        assert_eq!(e.code(), "invalid_input", "{what}: {e}");
        assert!(e.to_string().contains(says), "{what}: {e}");
        assert!(!new.exists(), "{what}: a vault appeared");
        assert_eq!(leftovers(s.tmp.path()), Vec::<String>::new(), "{what}");
    }
    // The backup itself, by its real path, still restores (streamed).
    let new = s.tmp.path().join("restored");
    s.restore_into(&out, &new, "mo", MANAGER_PASS).ok();
    assert!(new.join(casekeep::vault::HEADER_FILE).exists());
}
