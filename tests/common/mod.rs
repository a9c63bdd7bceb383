//! Helpers for the integration tests: a scratch vault and the real `casekeep` binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const MANAGER_PASS: &str = "correct horse battery staple";
pub const WORKER_PASS: &str = "blue kettle winter orchard";

/// A synthetic client (drama phone numbers only).
pub const ADA: &str = r#"{
  "full_name": "Ada Example",
  "preferred_name": "Ada",
  "date_of_birth": "1990-04-12",
  "gender": "female",
  "address": "Flat 2, 10 Example Road, Derby",
  "postcode": "DE1 1AA",
  "address_is_refuge": true,
  "immigration_status": "settled",
  "agencies_involved": "Police; children's social care; GP",
  "contacts": [
    {"channel": "phone", "value": "07700 900123", "safe_times": "Mon-Fri 10:00-12:00",
     "voicemail_ok": false, "may_identify_agency": false, "code_word": "bluebell",
     "do_not_use": false, "last_confirmed": "2026-11-01", "review_due": "2026-12-01"},
    {"channel": "phone", "value": "07700 900999", "do_not_use": true, "notes": "shared landline"}
  ],
  "children": [{"full_name": "Sam Example", "date_of_birth": "2018-06-01",
                "school": "Example Primary", "lives_with_client": true}],
  "perpetrator": {"full_name": "Lee Example", "date_of_birth": "1985-01-01", "relationship": "ex-partner"},
  "notes": [{"text": "First contact at the outreach clinic."}]
}"#;

pub struct Scratch {
    pub tmp: tempfile::TempDir,
    /// Free for a test to remember a state it compares against.
    pub baseline: std::sync::OnceLock<(usize, usize)>,
    /// The Windows `casekeep.exe` to run under Wine instead of this build's CLI
    /// ([`Scratch::under_wine`]).
    pub windows_exe: Option<PathBuf>,
}

/// `wine` running the Windows CLI: the exe `make windows-test` cross-built (named by
/// `CASEKEEP_WINDOWS_EXE`), in the Wine prefix it prepared (`WINEPREFIX`, inherited).
pub fn wine_command(exe: &Path) -> Command {
    let mut c = Command::new("wine");
    c.arg(exe).env("WINEDEBUG", "-all");
    c
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "expected success, got {}: {}", self.code, self.stderr);
        self
    }
    pub fn refused(self) -> Run {
        assert_eq!(self.code, 1, "expected exit 1, got {}: {}{}", self.code, self.stdout, self.stderr);
        assert!(!self.stderr.contains("panicked"), "panic: {}", self.stderr);
        assert_eq!(self.stderr.trim().lines().count(), 1, "expected one line on stderr: {}", self.stderr);
        self
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch { tmp: tempfile::tempdir().unwrap(), baseline: std::sync::OnceLock::new(), windows_exe: None }
    }

    /// A scratch whose CLI calls run the Windows build under Wine (`make windows-test`).
    pub fn under_wine() -> Scratch {
        let exe = std::env::var_os("CASEKEEP_WINDOWS_EXE")
            .map(PathBuf::from)
            .expect("CASEKEEP_WINDOWS_EXE names the Windows casekeep.exe: run `make windows-test`");
        assert!(exe.is_file(), "no Windows CLI at {}", exe.display());
        assert!(std::env::var_os("WINEPREFIX").is_some(), "WINEPREFIX is set by `make windows-test`");
        Scratch { windows_exe: Some(exe), ..Scratch::new() }
    }

    pub fn vault(&self) -> PathBuf {
        self.tmp.path().join("vault")
    }

    /// Writes `content` to a file in the scratch directory (outside the vault).
    pub fn file(&self, name: &str, content: &str) -> PathBuf {
        let p = self.tmp.path().join(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    pub fn pass_file(&self, pass: &str) -> PathBuf {
        self.file(&format!("pass-{}", pass.len()), &format!("{pass}\n"))
    }

    /// Runs `casekeep --vault VAULT ARGS`.
    pub fn cli(&self, args: &[&str]) -> Run {
        self.cli_in(&self.vault(), args)
    }

    pub fn cli_in(&self, vault: &Path, args: &[&str]) -> Run {
        let mut cmd = match &self.windows_exe {
            Some(exe) => wine_command(exe),
            None => Command::new(env!("CARGO_BIN_EXE_casekeep")),
        };
        let out = cmd.arg("--vault").arg(vault).args(args).env("HOME", self.tmp.path()).output().unwrap();
        Run::from(out)
    }

    /// `casekeep --vault VAULT --user USER unlock-with-recovery`, the key and the new
    /// passphrase each from a file (the key written as given: a test may pass a wrong one).
    pub fn recover_in(&self, vault: &Path, user: &str, key: &str, new_pass: &str) -> Run {
        let kf = self.file("recovery-key", &format!("{key}\n"));
        let nf = self.file("new-pass-after-recovery", &format!("{new_pass}\n"));
        self.cli_in(
            vault,
            &[
                "--user",
                user,
                "unlock-with-recovery",
                "--recovery-key-file",
                kf.to_str().unwrap(),
                "--new-passphrase-file",
                nf.to_str().unwrap(),
            ],
        )
    }

    /// `casekeep --user USER --passphrase-file (pass) ARGS`
    pub fn as_user(&self, user: &str, pass: &str, args: &[&str]) -> Run {
        self.as_user_in(&self.vault(), user, pass, args)
    }

    /// As [`Scratch::as_user`], on the vault at `vault` (a restored one, a copy).
    pub fn as_user_in(&self, vault: &Path, user: &str, pass: &str, args: &[&str]) -> Run {
        let pf = self.pass_file(pass);
        let mut all = vec!["--user", user, "--passphrase-file", pf.to_str().unwrap()];
        all.extend_from_slice(args);
        self.cli_in(vault, &all)
    }

    /// `casekeep --vault TO --user USER restore --from FROM`, unlocking with `pass`.
    pub fn restore_into(&self, from: &Path, to: &Path, user: &str, pass: &str) -> Run {
        self.as_user_in(to, user, pass, &["restore", "--from", from.to_str().unwrap()])
    }

    pub fn manager(&self, args: &[&str]) -> Run {
        self.as_user("mo", MANAGER_PASS, args)
    }

    pub fn worker(&self, args: &[&str]) -> Run {
        self.as_user("cara", WORKER_PASS, args)
    }

    /// A vault with manager `mo` and caseworker `cara`; returns the recovery key. Made in
    /// this process at the lowest KDF parameters every build accepts (see [`fast_vault`]), so
    /// that each later CLI call unlocks in one 64 MiB pass instead of the calibrated ≈0.75 s.
    /// [`Scratch::init_with_worker_calibrated`] is the real path.
    pub fn init_with_worker(&self) -> String {
        fast_vault(&self.vault())
    }

    /// As [`Scratch::init_with_worker`], through the real `casekeep init` and `user add`, whose
    /// key slots are calibrated to ≈0.75 s on this machine.
    pub fn init_with_worker_calibrated(&self) -> String {
        let pf = self.pass_file(MANAGER_PASS);
        let init = self.cli(&["init", "--user", "mo", "--passphrase-file", pf.to_str().unwrap()]).ok();
        self.add_user_cli("cara", "caseworker", WORKER_PASS);
        init.stdout.trim().to_string()
    }

    /// `mo` adds `name` with `role` and `pass` through `casekeep user add` (a calibrated slot).
    pub fn add_user_cli(&self, name: &str, role: &str, pass: &str) {
        let f = self.file(&format!("{name}-pass"), &format!("{pass}\n"));
        self.manager(&["user", "add", name, "--role", role, "--new-passphrase-file", f.to_str().unwrap()])
            .ok();
    }

    /// `mo` adds `name` with `role` and `pass` in this process, at the lowest KDF parameters
    /// (as [`Scratch::init_with_worker`]); the log records it as `casekeep user add` would.
    pub fn add_user(&self, name: &str, role: casekeep::Role, pass: &str) {
        cheap_kdf();
        let mut mo = unlock_now(&self.vault(), "mo", MANAGER_PASS).unwrap();
        mo.add_user(name, role, &casekeep::Passphrase::new(pass.into())).unwrap();
    }

    /// The caseworker records consent `given` (verbally) for `recipient`.
    pub fn give_consent(&self, id: &str, recipient: &str) {
        self.consent(id, recipient, "given").opt("--method", "verbal").by_worker().ok();
    }

    /// The agency's name and the referrer block a MARAC referral prints, set by the manager.
    pub fn set_agency_details(&self) {
        self.manager(&[
            "agency",
            "set",
            "Derby Outreach Service",
            "--role",
            "IDVA",
            "--phone",
            "0113 496 0123",
            "--email",
            "referrals@derby-outreach.example.org",
        ])
        .ok();
    }

    pub fn add_client(&self, json: &str) -> String {
        let f = self.file("client.json", json);
        let r = self.worker(&["client", "add", "--json", f.to_str().unwrap()]).ok();
        r.stdout.trim().to_string()
    }

    /// Every byte of every file under the vault directory.
    pub fn vault_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push((p.clone(), std::fs::read(&p).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.vault(), &mut out);
        out
    }
}

/// One `casekeep` command line, built by its words and run as a user. The common ones have
/// a constructor on [`Scratch`] (`share`, `consent`); a test adds only what it is about:
///
/// ```ignore
/// s.share(&id, "marac", "MARAC referral").to(&pdf).opt("--told", "yes").by_worker().ok();
/// ```
pub struct Call<'s> {
    s: &'s Scratch,
    args: Vec<String>,
}

impl Call<'_> {
    /// `FLAG VALUE`.
    pub fn opt(mut self, flag: &str, value: &str) -> Self {
        self.args.extend([flag.to_string(), value.to_string()]);
        self
    }

    /// A flag without a value (`--emergency`, `--preview`).
    pub fn flag(mut self, flag: &str) -> Self {
        self.args.push(flag.to_string());
        self
    }

    /// `--format EXT --out PATH`: the export's format from the file's extension (pdf, json).
    pub fn to(self, out: &Path) -> Self {
        let format =
            out.extension().and_then(|e| e.to_str()).expect("an out file ending .pdf or .json").to_string();
        self.opt("--format", &format).opt("--out", out.to_str().unwrap())
    }

    /// The words so far, for a test that runs them its own way (a child it kills, say).
    pub fn args(&self) -> Vec<String> {
        self.args.clone()
    }

    pub fn by(self, user: &str, pass: &str) -> Run {
        let args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        self.s.as_user(user, pass, &args)
    }

    /// As the caseworker `cara`.
    pub fn by_worker(self) -> Run {
        self.by("cara", WORKER_PASS)
    }

    /// As the manager `mo`.
    pub fn by_manager(self) -> Run {
        self.by("mo", MANAGER_PASS)
    }
}

impl Scratch {
    /// `casekeep WORDS…`, to be completed and run (see [`Call`]).
    pub fn call(&self, words: &[&str]) -> Call<'_> {
        Call { s: self, args: words.iter().map(|w| w.to_string()).collect() }
    }

    /// `share --client ID --recipient R --purpose P`.
    pub fn share(&self, id: &str, recipient: &str, purpose: &str) -> Call<'_> {
        self.call(&["share", "--client", id, "--recipient", recipient, "--purpose", purpose])
    }

    /// A share on consent as the caseworker gives it: to `out` (its format from the
    /// extension), the person told (`--told yes`).
    pub fn share_on_consent(&self, id: &str, recipient: &str, purpose: &str, out: &Path) -> Call<'_> {
        self.share(id, recipient, purpose).to(out).opt("--told", "yes")
    }

    /// `decline --client ID --recipient R --purpose P` (a decision not to share).
    pub fn decline(&self, id: &str, recipient: &str, purpose: &str) -> Call<'_> {
        self.call(&["decline", "--client", id, "--recipient", recipient, "--purpose", purpose])
    }

    /// `consent record --client ID --recipient R --state S`.
    pub fn consent(&self, id: &str, recipient: &str, state: &str) -> Call<'_> {
        self.call(&["consent", "record", "--client", id, "--recipient", recipient, "--state", state])
    }
}

pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The text of a PDF, through poppler's pdftotext.
pub fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A risk entry as JSON: `yes` answers first, then `not_known`, the rest `no`.
pub fn risk_entry(date: &str, yes: usize, not_known: usize, extra: &str) -> String {
    let answers: Vec<String> = (0..24)
        .map(|i| {
            if i < yes {
                "\"yes\"".to_string()
            } else if i < yes + not_known {
                "\"not_known\"".to_string()
            } else {
                "\"no\"".to_string()
            }
        })
        .collect();
    format!(r#"{{"date": "{date}", "answers": [{}]{extra}}}"#, answers.join(","))
}

// ---------------------------------------------------------------------------------------
// Helpers for the "prove it holds" tests (crash safety, tamper, unlock abuse).

/// The synthetic caseload's seeded generator (SplitMix64), so every random run can be
/// replayed from its seed. (Not every test binary uses it.)
#[allow(unused_imports)]
pub use casekeep::synth::Rng;

/// A number from the environment (e.g. a run count or a seed; decimal or 0x-hex), or
/// `default`. A value that does not parse fails the test rather than being ignored.
pub fn env_u64(var: &str, default: u64) -> u64 {
    let Ok(v) = std::env::var(var) else { return default };
    let v = v.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    };
    parsed.unwrap_or_else(|| panic!("{var}={v} is not a number"))
}

/// Makes every key slot this test process creates use the cheapest KDF the reader accepts
/// (64 MiB, one pass) instead of calibrating to ≈0.75 s; see `crypto::test_hooks`.
pub fn cheap_kdf() {
    casekeep::support::crypto::test_hooks::use_fixed_kdf_passes(1);
}

/// Creates, in this process and with the cheap KDF, a vault at `dir` with manager `mo`
/// and caseworker `cara`. Returns the recovery key as shown to the person.
pub fn fast_vault(dir: &Path) -> String {
    cheap_kdf();
    let (mut session, recovery) =
        casekeep::Vault::create(dir, "mo", &casekeep::Passphrase::new(MANAGER_PASS.into())).unwrap();
    session
        .add_user("cara", casekeep::Role::Caseworker, &casekeep::Passphrase::new(WORKER_PASS.into()))
        .unwrap();
    drop(session);
    recovery.to_display().to_string()
}

/// A delay function for `Vault::set_delay_fn` that does not wait.
pub fn no_wait(_: std::time::Duration) {}

/// A record's view as the app receives it: the JSON `show_client` sends over IPC.
pub fn wire(view: casekeep::record::ClientView) -> serde_json::Value {
    serde_json::to_value(view).unwrap()
}

/// Unlocks `dir` in this process as `user`, without waiting out the unlock delay.
pub fn unlock_now(dir: &Path, user: &str, pass: &str) -> casekeep::Result<casekeep::Session> {
    let mut vault = casekeep::Vault::open(dir)?;
    vault.set_delay_fn(no_wait);
    vault.unlock(user, &casekeep::Passphrase::new(pass.into()))
}

/// A fresh vault (manager `mo`, caseworker `cara`) in a temporary directory, unlocked in
/// this process as `cara`, with one client added from `client_json`.
pub fn session_with_client(client_json: &str) -> (tempfile::TempDir, casekeep::Session, casekeep::ClientId) {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    fast_vault(&vault);
    let mut s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
    let id = s.add_client(client_json.as_bytes()).unwrap();
    (dir, s, id)
}

/// Runs `read` and returns what it returned and the log entries it wrote.
pub fn entries_of<T>(
    s: &mut casekeep::Session,
    read: impl FnOnce(&mut casekeep::Session) -> T,
) -> (T, Vec<casekeep::log::Entry>) {
    let last = s.log_entries(None).unwrap().last().map(|e| e.seq).unwrap_or(0);
    let out = read(s);
    let new = s.log_entries(None).unwrap().into_iter().filter(|e| e.seq > last).collect();
    (out, new)
}

/// Copies a directory tree (a vault folder, say) file by file.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// The decision entries of the log, oldest first (as the manager reads them).
pub fn decisions(s: &Scratch) -> Vec<serde_json::Value> {
    let log = s.manager(&["log", "show"]).ok().json();
    log.as_array().unwrap().iter().filter(|e| e["kind"] == "decision").cloned().collect()
}

/// A vault with Ada (consent given for MARAC only), a second manager (ann, passphrase
/// "ann manager passphrase") and a second caseworker (dev, "dev caseworker passphrase"),
/// and the agency set.
pub fn team_with_ada() -> (Scratch, String) {
    let s = Scratch::new();
    s.init_with_worker();
    s.add_user("ann", casekeep::Role::Manager, "ann manager passphrase");
    s.add_user("dev", casekeep::Role::Caseworker, "dev caseworker passphrase");
    s.set_agency_details();
    let id = s.add_client(ADA);
    s.give_consent(&id, "marac");
    (s, id)
}

/// The vault's failed-attempt log (users mo and cara), as the vault itself builds it.
pub fn attempt_log_of(vault: &Path) -> casekeep::vault::attempts::AttemptLog {
    use data_encoding::BASE64;
    let header: serde_json::Value =
        serde_json::from_slice(&std::fs::read(vault.join("casekeep.vault")).unwrap()).unwrap();
    let key = BASE64.decode(header["tag_key"].as_str().unwrap().as_bytes()).unwrap();
    casekeep::vault::attempts::AttemptLog::new(vault, key, vec!["mo".into(), "cara".into()])
}

/// The envelope of a disclosure rendered straight through the library (disclosure 7 by
/// "cara" of Derby Outreach Service; no referrer set).
pub fn sample_envelope() -> casekeep::sharing::export::Envelope {
    casekeep::sharing::export::Envelope {
        disclosure_id: 7,
        log_chain_head: "ab".repeat(32),
        vault_root_key: "cd".repeat(32),
        made_at: "2026-11-23T10:00:00Z".into(),
        made_by: "cara".into(),
        agency: "Derby Outreach Service".into(),
        referrer: None,
    }
}
