//! Crash safety: the real `casekeep` binary is killed with SIGKILL at random moments while
//! it writes (`client add`, `client update`, `consent record`); after every kill `check`
//! passes, every write that was acknowledged (printed before the kill) is there, and every
//! write that is there is whole (its record and its log entry together).
//!
//! `CASEKEEP_CRASH_RUNS` (default 200) sets the number of kills and `CASEKEEP_CRASH_SEED`
//! the seed; the documented long run is `CASEKEEP_CRASH_RUNS=1000` (docs/SECURITY.md).
//! The vault is made with the cheapest KDF every build accepts (64 MiB, one pass; see
//! `common::fast_vault`), so a child lives ~0.2–0.5 s instead of ~1 s; the checker derives
//! each key once per vault (`crypto::test_hooks::memoize_kdf`).
//!
//! `killed_exports_never_leave_a_file_without_its_record` does the same to `share`: the
//! record is committed before the file is written, and the next unlock ends what a kill
//! interrupted (`vault::deliver`).
//!
//! SIGKILL ends the process, not the machine: what the kernel has accepted still reaches
//! the disk. Power loss is covered by design (WAL, `synchronous=FULL`), not by this test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use casekeep::casework::clients::Names;
use casekeep::{ClientId, Session};

/// A fresh vault every so many runs keeps the cost of `check` (which verifies the whole
/// log) flat, so that a 1,000-run session costs five times a 200-run one.
const RUNS_PER_VAULT: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Op {
    Add,
    Update,
    Consent,
}

/// What a run left behind, told from the log (the child writes as `cara`, the checker
/// unlocks as `mo`).
#[derive(Debug, Default)]
struct Tally {
    runs: usize,
    killed: usize,
    finished_before_kill: usize,
    no_trace: usize,
    attempt_counted_only: usize,
    unlocked_not_written: usize,
    committed_not_acknowledged: usize,
    acknowledged: usize,
    stray_temp_files: usize,
}

/// What must be in the vault: everything acknowledged so far.
#[derive(Default)]
struct Expected {
    base: i64,
    added: BTreeMap<i64, String>,
    notes: BTreeSet<String>,
    consents: BTreeMap<i64, String>,
}

struct Child {
    stdout: String,
    killed: bool,
    exit: Option<i32>,
    stderr: String,
}

fn run_killed(cmd: &mut Command, after: Duration) -> Child {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let start = Instant::now();
    let mut killed = false;
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() >= after {
            // std's kill() is SIGKILL on Unix.
            killed = child.kill().is_ok();
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let status = child.wait().unwrap();
    let mut stdout = String::new();
    child.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    Child { stdout, killed: killed && status.code().is_none(), exit: status.code(), stderr }
}

struct Rig {
    scratch: Scratch,
    vault: PathBuf,
    pass_file: PathBuf,
    expected: Expected,
    last_seq: i64,
}

impl Rig {
    fn new(scratch: Scratch, n: usize) -> Rig {
        let vault = scratch.tmp.path().join(format!("vault-{n}"));
        fast_vault(&vault);
        let mut s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
        let base = s.add_client(ADA.as_bytes()).unwrap().0;
        let last_seq = head(&s);
        drop(s);
        let pass_file = scratch.pass_file(WORKER_PASS);
        Rig { scratch, vault, pass_file, expected: Expected { base, ..Default::default() }, last_seq }
    }

    fn command(&self, op: Op, run: usize) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_casekeep"));
        c.arg("--vault")
            .arg(&self.vault)
            .args(["--user", "cara", "--passphrase-file"])
            .arg(&self.pass_file)
            .env("HOME", self.scratch.tmp.path());
        let base = self.expected.base.to_string();
        match op {
            Op::Add => {
                let json = serde_json::json!({
                    "full_name": format!("Crash Client R{run}"),
                    "contacts": [{"channel": "phone", "value": "07700 900555"}],
                    "notes": [{"text": format!("first note of run {run}")}]
                });
                let f = self.scratch.file("add.json", &json.to_string());
                c.args(["client", "add", "--json"]).arg(f);
            }
            Op::Update => {
                let json = serde_json::json!({"notes": [{"text": format!("crash note r{run}")}]});
                let f = self.scratch.file("update.json", &json.to_string());
                c.args(["client", "update", &base, "--json"]).arg(f);
            }
            Op::Consent => {
                c.args(["consent", "record", "--client", &base, "--recipient", "marac", "--state", "given"])
                    .args(["--method", "verbal", "--purpose", &format!("crash r{run}")]);
            }
        }
        c
    }

    /// Records what an acknowledgement promised.
    fn acknowledge(&mut self, op: Op, run: usize, stdout: &str, ctx: &str) {
        match op {
            Op::Add => {
                let id: i64 = stdout.trim().parse().unwrap_or_else(|_| panic!("{ctx}: ack {stdout:?}"));
                self.expected.added.insert(id, format!("Crash Client R{run}"));
            }
            Op::Update => {
                let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
                assert_eq!(v["id"], self.expected.base, "{ctx}");
                self.expected.notes.insert(format!("crash note r{run}"));
            }
            Op::Consent => {
                let v: serde_json::Value = serde_json::from_str(stdout).unwrap();
                let seq = v["log_entry"].as_i64().unwrap_or_else(|| panic!("{ctx}: ack {stdout}"));
                self.expected.consents.insert(seq, format!("crash r{run}"));
            }
        }
    }

    /// Unlocks as the manager, runs `check`, and compares the vault with what was
    /// acknowledged. Returns the log entries the killed child wrote (as `cara`).
    fn verify(&mut self, ctx: &str) -> Vec<(String, i64)> {
        let mut s =
            unlock_now(&self.vault, "mo", MANAGER_PASS).unwrap_or_else(|e| panic!("{ctx}: unlock: {e}"));
        let report = s.check().unwrap_or_else(|e| panic!("{ctx}: check: {e}"));
        assert!(report.ok, "{ctx}: check failed: {:?}", report.problems);

        let entries = s.log_entries(None).unwrap();
        let child: Vec<(String, i64)> = entries
            .iter()
            .filter(|e| e.seq > self.last_seq && e.actor.as_deref() == Some("cara"))
            .map(|e| (e.event.clone(), e.seq))
            .collect();
        let failed_attempts =
            entries.iter().filter(|e| e.seq > self.last_seq && e.event == "unlock_failed").count();

        // Acknowledged adds are there, with their content.
        let list = s.list_clients(None, Names::Shown).unwrap();
        let names: BTreeMap<i64, String> =
            list.iter().map(|c| (c.id, c.full_name.clone().unwrap_or_default())).collect();
        for (id, name) in &self.expected.added {
            assert_eq!(names.get(id), Some(name), "{ctx}: acknowledged client {id} missing or changed");
        }
        // Every stored client has its `client_added` entry and the reverse (no half writes).
        let added_in_log: BTreeSet<i64> =
            entries.iter().filter(|e| e.event == "client_added").filter_map(|e| e.client_id).collect();
        let stored: BTreeSet<i64> = names.keys().copied().collect();
        assert_eq!(added_in_log, stored, "{ctx}: clients and client_added entries disagree");

        // Acknowledged notes are there; notes and client_changed entries agree.
        let shown = wire(s.show_client(ClientId(self.expected.base), Names::Shown).unwrap());
        let notes: Vec<String> = shown["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap_or_default().to_string())
            .collect();
        for n in &self.expected.notes {
            assert!(notes.contains(n), "{ctx}: acknowledged note {n:?} missing");
        }
        let changes = entries
            .iter()
            .filter(|e| e.event == "client_changed" && e.client_id == Some(self.expected.base))
            .count();
        assert_eq!(notes.len(), 1 + changes, "{ctx}: notes and client_changed entries disagree");

        // Acknowledged consents are the entries they were acknowledged as.
        for (seq, purpose) in &self.expected.consents {
            let e = entries
                .iter()
                .find(|e| e.seq == *seq)
                .unwrap_or_else(|| panic!("{ctx}: consent {seq} missing"));
            assert_eq!(e.event, "consent_recorded", "{ctx}");
            // Free text is recorded as "other" with the words.
            assert_eq!(e.body["purpose"], "other", "{ctx}");
            assert_eq!(e.body["purpose_text"], purpose.as_str(), "{ctx}");
        }
        self.last_seq = head(&s);
        drop(s);
        // A child killed during its unlock left a failed attempt counted against cara; only
        // her own successful unlock clears it (the manager's does not), and without that her
        // delay grows until the kills land in the wait instead of the writes. Clear it as her
        // next unlock would, without adding to the log the tally reads.
        clear_failures_of(&self.vault, "cara");
        let mut out = child;
        out.extend(std::iter::repeat_n(("unlock_failed".to_string(), 0), failed_attempts));
        out
    }

    fn stray_temp_files(&self) -> usize {
        let mut n = 0;
        for dir in [self.vault.clone(), self.vault.join("slots")] {
            for e in std::fs::read_dir(dir).unwrap() {
                if e.unwrap().file_name().to_string_lossy().starts_with(".tmp-") {
                    n += 1;
                }
            }
        }
        n
    }
}

fn head(s: &Session) -> i64 {
    s.verify_log().unwrap().entries
}

/// How long an uninterrupted child takes (median of three), so kill times can cover its
/// whole life. Measured again for every vault.
fn lifetime(rig: &mut Rig, op: Op) -> Duration {
    let mut took: Vec<Duration> = (0..3)
        .map(|k| {
            let start = Instant::now();
            let out = run_killed(&mut rig.command(op, 100_000 + k), Duration::from_secs(60));
            let took = start.elapsed();
            assert_eq!(out.exit, Some(0), "warm-up {op:?}: {}", out.stderr);
            rig.acknowledge(op, 100_000 + k, &out.stdout, "warm-up");
            rig.verify("warm-up");
            took
        })
        .collect();
    took.sort_unstable();
    took[1]
}

#[test]
fn killed_writers_lose_nothing_acknowledged_and_leave_a_vault_that_checks() {
    // The checker (this process) unlocks after every kill: it derives each slot's key once
    // and remembers it (test hook); the children, the real binary, derive it every time.
    casekeep::support::crypto::test_hooks::memoize_kdf(true);
    let runs = env_u64("CASEKEEP_CRASH_RUNS", 200) as usize;
    let seed = env_u64("CASEKEEP_CRASH_SEED", 0x00C0_FFEE_D00D);
    let mut rng = Rng::new(seed);
    let started = Instant::now();
    let mut tally = Tally::default();
    let mut per_op: BTreeMap<Op, usize> = BTreeMap::new();
    let mut life = BTreeMap::new();
    let mut rig = Rig::new(Scratch::new(), 0);
    for op in [Op::Add, Op::Update, Op::Consent] {
        life.insert(op, lifetime(&mut rig, op));
    }
    let mut vaults_checked = vec![rig.vault.clone()];

    for run in 1..=runs {
        if run % RUNS_PER_VAULT == 0 {
            let done = std::mem::replace(&mut rig, Rig::new(Scratch::new(), run));
            final_cli_check(&done);
            tally.stray_temp_files += done.stray_temp_files();
            vaults_checked.push(rig.vault.clone());
            // The machine's load drifts: measure again, so kills keep covering the writes.
            for op in [Op::Add, Op::Update, Op::Consent] {
                life.insert(op, lifetime(&mut rig, op));
            }
        }
        let op = [Op::Add, Op::Update, Op::Consent][rng.below(3) as usize];
        *per_op.entry(op).or_default() += 1;
        // Odd runs: uniform over the child's whole life and a little beyond (so some finish).
        // Even runs: uniform over its second half, where the writes and fsyncs are (the first
        // half is mostly start-up and the key derivation).
        let l = life[&op].as_micros() as u64;
        let (from, to) = if run % 2 == 1 { (0, l * 11 / 10) } else { (l / 2, l * 21 / 20) };
        let after = Duration::from_micros(from + rng.below((to - from).max(1)));
        let ctx = format!("seed {seed:#x}, run {run}, {op:?}, kill after {after:?}");
        let out = run_killed(&mut rig.command(op, run), after);
        assert!(!out.stderr.contains("panicked"), "{ctx}: {}", out.stderr);
        tally.runs += 1;
        let acked = if out.killed {
            tally.killed += 1;
            // A line on stdout is an acknowledgement even if the kill came after it.
            !out.stdout.trim().is_empty()
        } else {
            tally.finished_before_kill += 1;
            assert_eq!(out.exit, Some(0), "{ctx}: the child failed: {}", out.stderr);
            true
        };
        if acked {
            rig.acknowledge(op, run, &out.stdout, &ctx);
        }
        let wrote = rig.verify(&ctx);
        let committed = wrote.iter().any(|(e, _)| e != "unlock" && e != "unlock_failed");
        let unlocked = wrote.iter().any(|(e, _)| e == "unlock");
        let attempt = wrote.iter().any(|(e, _)| e == "unlock_failed");
        if acked {
            assert!(committed, "{ctx}: acknowledged but not in the log");
            tally.acknowledged += 1;
        } else if committed {
            tally.committed_not_acknowledged += 1;
        } else if unlocked {
            tally.unlocked_not_written += 1;
        } else if attempt {
            tally.attempt_counted_only += 1;
        } else {
            tally.no_trace += 1;
        }
    }
    final_cli_check(&rig);
    tally.stray_temp_files += rig.stray_temp_files();
    eprintln!(
        "crash safety: seed {seed:#x}, {runs} runs in {:.1} s over {} vaults; ops {per_op:?}; \
         last child lifetimes {life:?}; {tally:?}",
        started.elapsed().as_secs_f64(),
        vaults_checked.len()
    );
    // The kills must actually land inside writes, or the test proves little.
    if runs >= 100 {
        assert!(tally.committed_not_acknowledged + tally.unlocked_not_written > 0, "{tally:?}");
        assert!(tally.killed > runs / 2, "{tally:?}");
    }
}

/// The real `casekeep check` on a vault that has been through the kills.
fn final_cli_check(rig: &Rig) {
    let r = rig.scratch.manager_in(&rig.vault, &["check"]);
    assert_eq!(r.code, 0, "casekeep check after the kills: {}{}", r.stdout, r.stderr);
    assert_eq!(r.json()["ok"], true);
}

trait ManagerIn {
    fn manager_in(&self, vault: &Path, args: &[&str]) -> Run;
}

impl ManagerIn for Scratch {
    fn manager_in(&self, vault: &Path, args: &[&str]) -> Run {
        let pf = self.pass_file(MANAGER_PASS);
        let mut all = vec!["--user", "mo", "--passphrase-file", pf.to_str().unwrap()];
        all.extend_from_slice(args);
        self.cli_in(vault, &all)
    }
}

/// Shares killed at random moments: never a file without a committed disclosure record;
/// a file that is there after the next unlock is the complete one the record hashes; a
/// record whose file did not complete is marked (`export_incomplete`) at that unlock; and
/// nothing else (no hidden temporary copy) is ever left in the destination folder.
/// `CASEKEEP_EXPORT_CRASH_RUNS` (default 60) sets the number of kills.
#[test]
fn killed_exports_never_leave_a_file_without_its_record() {
    casekeep::support::crypto::test_hooks::memoize_kdf(true);
    let runs = env_u64("CASEKEEP_EXPORT_CRASH_RUNS", 60) as usize;
    let seed = env_u64("CASEKEEP_CRASH_SEED", 0x00C0_FFEE_D00D) ^ 0xE4;
    let mut rng = Rng::new(seed);
    let scratch = Scratch::new();
    let vault = scratch.tmp.path().join("vault");
    fast_vault(&vault);
    let client = {
        let mut s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
        let id = s.add_client(ADA.as_bytes()).unwrap();
        s.record_consent(
            id,
            casekeep::casework::consent::ConsentInput::given_verbally(
                casekeep::log::vocab::RecipientKind::Marac,
            ),
        )
        .unwrap();
        id.0.to_string()
    };
    let outdir = scratch.tmp.path().join("exports");
    std::fs::create_dir(&outdir).unwrap();
    let pass_file = scratch.pass_file(WORKER_PASS);
    let share = |out: &Path| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_casekeep"));
        c.arg("--vault").arg(&vault).args(["--user", "cara", "--passphrase-file"]).arg(&pass_file);
        c.args(scratch.share_on_consent(&client, "marac", "MARAC referral", out).args());
        c
    };
    // How long a share lives here (the median of three), to spread the kills over it.
    let mut lives: Vec<Duration> = (0..3)
        .map(|k| {
            let t = Instant::now();
            let done =
                run_killed(&mut share(&outdir.join(format!("first-{k}.json"))), Duration::from_secs(60));
            assert_eq!(done.exit, Some(0), "{}", done.stderr);
            t.elapsed()
        })
        .collect();
    lives.sort_unstable();
    let mut life = lives[1];
    let shares = |s: &Session| -> Vec<casekeep::log::Entry> {
        s.log_entries(None).unwrap().into_iter().filter(|e| e.event == "share").collect()
    };
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for run in 1..=runs {
        let before = shares(&unlock_now(&vault, "cara", WORKER_PASS).unwrap()).len();
        let out = outdir.join(format!("run-{run}.json"));
        let l = life.as_micros() as u64;
        // Around the commit, which comes late in a share's life (start-up and the key
        // derivation come first). The machine's load changes a child's pace, so the estimate
        // follows the outcomes: a kill before the commit moves it later, a completed share
        // earlier; the kills keep landing on both sides of the commit.
        let after = Duration::from_micros(l / 2 + rng.below(l * 7 / 10));
        let ctx = format!("seed {seed:#x}, run {run}, kill after {after:?}");
        let child = run_killed(&mut share(&out), after);
        assert!(!child.stderr.contains("panicked"), "{ctx}: {}", child.stderr);
        let file_before_unlock = out.exists();
        // The next unlock ends whatever the kill interrupted. It is cara's own: a child killed
        // during its unlock left a failed attempt counted against her, and her own success is
        // what clears it (another user's does not), so the next child is not delayed.
        let s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
        let all = shares(&s);
        let record = match all.len() - before {
            0 => None,
            1 => all.last(),
            n => panic!("{ctx}: {n} share records from one run"),
        };
        assert!(record.is_some() || !file_before_unlock, "{ctx}: a file without a committed record");
        let marked =
            s.log_entries(None).unwrap().iter().any(|e| {
                e.event == "export_incomplete" && record.is_some_and(|r| e.body["decision"] == r.seq)
            });
        let outcome = match (record, out.exists()) {
            (None, _) => "killed before the commit: no record, no file",
            (Some(r), true) => {
                let sha = data_encoding::HEXLOWER
                    .encode(&casekeep::support::crypto::sha256(&[&std::fs::read(&out).unwrap()]));
                assert_eq!(
                    r.body["sha256"].as_str(),
                    Some(sha.as_str()),
                    "{ctx}: the file left is not the one recorded"
                );
                assert!(!marked, "{ctx}: a complete export was marked incomplete");
                "record and complete file"
            }
            (Some(_), false) => {
                assert!(marked, "{ctx}: a record whose file did not complete is not marked");
                "record marked incomplete, no file"
            }
        };
        *tally.entry(outcome).or_default() += 1;
        life = if record.is_none() { life.mul_f64(1.15) } else { life.mul_f64(0.93) };
        // Only the exports' own names, ever: no hidden temporary copy beside them.
        for e in std::fs::read_dir(&outdir).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                name.starts_with("first-") || name.starts_with("run-"),
                "{ctx}: {name} left in the folder"
            );
        }
        assert!(s.check().unwrap().ok, "{ctx}");
    }
    eprintln!("export crash safety: seed {seed:#x}, {runs} kills, child life at the end {life:?}; {tally:?}");
    if runs >= 40 {
        assert!(tally.len() >= 2, "the kills did not land on both sides of the commit: {tally:?}");
    }
}

/// What a successful unlock by `user` does to the failed-attempt counts (test set-up).
fn clear_failures_of(vault: &Path, user: &str) {
    attempt_log_of(vault).succeeded(user).unwrap();
}

/// Rotations killed at random points (a recovery-key replacement, which rotates the vault
/// key, by the manager; a passphrase change, which rotates it too, by the caseworker): after
/// every kill both can still unlock — the caseworker with her old passphrase or her new one,
/// never neither — the next unlock finishes or discards what the kill left, and `check`
/// passes (the envelopes are wrapped to exactly the members the log names).
#[test]
fn killed_rotations_leave_a_vault_every_member_can_open() {
    casekeep::support::crypto::test_hooks::memoize_kdf(true);
    let runs = env_u64("CASEKEEP_ROTATION_CRASH_RUNS", 30) as usize;
    let seed = env_u64("CASEKEEP_CRASH_SEED", 0x00C0_FFEE_D00D) ^ 0x0707;
    let mut rng = Rng::new(seed);
    let scratch = Scratch::new();
    let vault = scratch.tmp.path().join("vault");
    fast_vault(&vault);
    {
        // Enough pages that the re-encryption takes a measurable part of a child's life.
        let mut s = unlock_now(&vault, "cara", WORKER_PASS).unwrap();
        for i in 0..150 {
            let mut c: serde_json::Value = serde_json::from_str(ADA).unwrap();
            c["case_reference"] = serde_json::json!(format!("ROT-{i}"));
            c["notes"] = serde_json::json!([{"text": "Rotation padding note. ".repeat(40)}]);
            s.add_client(c.to_string().as_bytes()).unwrap();
        }
    }
    let passes = [WORKER_PASS, "a rotated caseworker passphrase"];
    let pass_files = [scratch.pass_file(passes[0]), scratch.file("p2", passes[1])];
    let manager_file = scratch.pass_file(MANAGER_PASS);
    let command = |run: usize, cara_pass: usize| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_casekeep"));
        c.arg("--vault").arg(&vault).env("HOME", scratch.tmp.path());
        if run.is_multiple_of(2) {
            c.args(["--user", "mo", "--passphrase-file"])
                .arg(&manager_file)
                .args(["recovery-key", "replace"]);
        } else {
            c.args(["--user", "cara", "--passphrase-file"])
                .arg(&pass_files[cara_pass])
                .args(["passphrase", "change", "--new-passphrase-file"])
                .arg(&pass_files[1 - cara_pass]);
        }
        c
    };
    // cara's passphrase now (an index into `passes`).
    let mut current = 0usize;
    let mut lives = [Duration::ZERO; 2];
    for (k, life) in lives.iter_mut().enumerate() {
        let t = Instant::now();
        let done = run_killed(&mut command(k, current), Duration::from_secs(120));
        assert_eq!(done.exit, Some(0), "{}", done.stderr);
        *life = t.elapsed();
        if k % 2 == 1 {
            current = 1 - current;
        }
    }
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for run in 0..runs {
        let l = lives[run % 2].as_micros() as u64;
        let after = Duration::from_micros(l / 3 + rng.below(l * 3 / 4));
        let ctx = format!("seed {seed:#x}, run {run}, kill after {after:?}");
        let child = run_killed(&mut command(run, current), after);
        assert!(!child.stderr.contains("panicked"), "{ctx}: {}", child.stderr);
        clear_failures_of(&vault, "cara");
        clear_failures_of(&vault, "mo");
        let mo = unlock_now(&vault, "mo", MANAGER_PASS).unwrap_or_else(|e| panic!("{ctx}: mo refused: {e}"));
        assert!(mo.check().unwrap().ok, "{ctx}: {:?}", mo.check().unwrap().problems);
        drop(mo);
        if run % 2 == 1 {
            let old = unlock_now(&vault, "cara", passes[current]);
            let new = unlock_now(&vault, "cara", passes[1 - current]);
            match (old.is_ok(), new.is_ok()) {
                (true, false) => {
                    *tally.entry("passphrase change: killed before its commit").or_default() += 1
                }
                (false, true) => {
                    current = 1 - current;
                    *tally.entry("passphrase change: committed").or_default() += 1;
                }
                (a, b) => panic!("{ctx}: old passphrase opens: {a}, new opens: {b}"),
            }
        } else {
            *tally
                .entry(if child.killed { "replacement killed" } else { "replacement finished" })
                .or_default() += 1;
        }
        let s = unlock_now(&vault, "cara", passes[current])
            .unwrap_or_else(|e| panic!("{ctx}: cara refused: {e}"));
        assert!(s.check().unwrap().ok, "{ctx}");
    }
    eprintln!("rotation crash safety: seed {seed:#x}, {runs} kills; {tally:?}");
}
