//! The administrators' journey through the **Windows** `casekeep.exe`, cross-built with
//! mingw-w64 and run under Wine: init, users, a client, consent, a share in both formats,
//! a decision not to share, `log verify`, backup and restore, and where the default vault
//! lives. Ignored in the plain test run (it needs the cross-built exe and a Wine prefix);
//! `make windows-test` builds both and runs these with `--ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files and reads its environment: clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use crate::common::*;

/// Every file under `dir`, with its bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
#[ignore = "runs the Windows build under Wine: `make windows-test`"]
fn the_administrators_journey_on_windows() {
    let s = Scratch::under_wine();

    // init and `user add`, through the Windows exe, key slots calibrated there.
    let recovery = s.init_with_worker_calibrated();
    assert_eq!(recovery.len(), 65, "recovery key: {recovery}");
    let users = s.manager(&["user", "list"]).ok().json();
    let names: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["mo", "cara"], "{users}");
    s.set_agency_details();

    // A client, shown back as entered (phones in E.164).
    let id = s.add_client(ADA);
    assert_eq!(id, "1");
    let shown = s.worker(&["client", "show", &id]).ok().json();
    assert_eq!(shown["full_name"], "Ada Example");
    assert_eq!(shown["contacts"][0]["value"], "+447700900123");

    // The vault on disk is encrypted: no record value in any file.
    for (path, bytes) in files_under(&s.vault()) {
        for value in ["Ada Example", "Example Road", "bluebell", "900123"] {
            assert!(!contains(&bytes, value.as_bytes()), "{value} in plain text in {}", path.display());
        }
    }

    // Consent, then a share to MARAC in both formats: the file and its signed record.
    s.give_consent(&id, "marac");
    let pdf = s.tmp.path().join("marac.pdf");
    let r = s.share_on_consent(&id, "marac", "MARAC referral", &pdf).by_worker().ok().json();
    let text = pdftotext(&pdf);
    assert!(text.contains("Ada Example") && text.contains("Derby Outreach Service"), "{text}");
    assert!(text.contains(&format!("Disclosure record {}", r["decision_id"])), "{text}");
    for never in ["Example Road", "bluebell", "900123", "900999", "DE1 1AA"] {
        assert!(!text.contains(never), "{never} leaked into the Windows PDF");
    }
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");

    let json = s.tmp.path().join("marac.json");
    let r = s.share_on_consent(&id, "marac", "MARAC referral", &json).by_worker().ok().json();
    let raw = std::fs::read_to_string(&json).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(doc["schema"], "casekeep.disclosure.v2");
    assert_eq!(doc["disclosure_id"], r["decision_id"]);
    for never in ["Example Road", "bluebell", "+447700900123", "refuge"] {
        assert!(!raw.contains(never), "{never} in the Windows JSON export");
    }
    // An export never replaces a file.
    s.share_on_consent(&id, "marac", "MARAC referral", &json).by_worker().refused();

    // A decision not to share is a signed record too.
    s.decline(&id, "police", "Crime report")
        .opt("--reason", "She asked us not to; no immediate risk to others.")
        .by_worker()
        .ok();
    let decisions = s.manager(&["decision", "list", "--client", &id]).ok().json();
    let kinds: Vec<&str> =
        decisions.as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["decline", "share", "share", "consent_given"], "{decisions}");
    s.manager(&["log", "verify"]).ok();

    // Backup, then restore into a new folder, opened by the caseworker's passphrase.
    let backup = s.tmp.path().join("vault.ckbackup");
    let receipt = s.worker(&["backup", "--out", backup.to_str().unwrap()]).ok().json();
    assert_eq!(receipt["bytes"].as_u64().unwrap(), std::fs::metadata(&backup).unwrap().len());
    let restored = s.tmp.path().join("restored");
    s.restore_into(&backup, &restored, "cara", WORKER_PASS).ok();
    let again = s.as_user_in(&restored, "mo", MANAGER_PASS, &["client", "show", &id]).ok().json();
    assert_eq!(again["full_name"], "Ada Example");
    s.as_user_in(&restored, "mo", MANAGER_PASS, &["log", "verify"]).ok();

    // The recovery key still opens the restored vault.
    s.recover_in(&restored, "cara", &recovery, "a passphrase after restore").ok();

    // A wrong passphrase is refused the same way as on Linux.
    s.as_user("cara", "not the passphrase at all", &["client", "list"]).refused();

    // Owner-only: the exe gives every vault file and folder a DACL for the current user
    // alone, and Wine maps a DACL onto the Unix mode bits, where "others" get nothing.
    // (Wine keeps no DACL of its own; casekeep-winsec's tests under Wine say what else.)
    use std::os::unix::fs::PermissionsExt;
    for vault in [s.vault(), restored] {
        for entry in std::iter::once(vault.clone()).chain(files_under(&vault).into_iter().map(|(p, _)| p)) {
            let mode = std::fs::metadata(&entry).unwrap().permissions().mode();
            assert_eq!(mode & 0o007, 0, "{} is open to others: {:o}", entry.display(), mode);
        }
    }
    for export in [&pdf, &json, &backup] {
        let mode = std::fs::metadata(export).unwrap().permissions().mode();
        assert_eq!(mode & 0o007, 0, "{} is open to others: {:o}", export.display(), mode);
    }
}

/// Without `--vault`, the vault goes in the user's **local** application data (never the
/// roaming profile, which a domain copies to its file server at sign-out).
#[test]
#[ignore = "runs the Windows build under Wine: `make windows-test`"]
fn the_default_vault_is_in_local_app_data() {
    let s = Scratch::under_wine();
    let prefix = PathBuf::from(std::env::var_os("WINEPREFIX").unwrap());
    let users = prefix.join("drive_c/users");
    let find = |kind: &str| -> Vec<PathBuf> {
        std::fs::read_dir(&users)
            .unwrap()
            .map(|u| u.unwrap().path().join("AppData").join(kind).join("Casekeep"))
            .filter(|p| p.exists())
            .collect()
    };
    // One test per prefix makes the default vault; start from none.
    for p in find("Local") {
        std::fs::remove_dir_all(p).unwrap();
    }
    let pf = s.pass_file(MANAGER_PASS);
    let out = wine_command(s.windows_exe.as_ref().unwrap())
        .args(["init", "--user", "mo", "--passphrase-file", pf.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let local = find("Local");
    assert_eq!(local.len(), 1, "no vault under AppData\\Local");
    assert!(local[0].join("casekeep/data/vault").is_dir());
    assert!(find("Roaming").is_empty(), "something was written to the roaming profile");
    std::fs::remove_dir_all(&local[0]).unwrap();
}
