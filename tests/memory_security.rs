//! Memory: SQLCipher's `cipher_memory_security` (wipe everything SQLite frees, lock it out
//! of swap where allowed) is on for every keyed connection, and what it costs.
//!
//! The cost is measured by `cipher_memory_security_cost` (ignored; a documented run):
//!   cargo test -p casekeep --features test-hooks --test memory_security -- \
//!       --ignored --nocapture cipher_memory_security_cost
//! It runs the same workload in fresh processes with and without (the setting is
//! process-wide and one-way, so each mode needs its own process), alternating.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout
)]
// A test writes raw files (playing an attacker or a crash) and reads its environment (seeds, run counts): clippy.toml's rules are for the core.
#![allow(clippy::disallowed_methods)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use casekeep::casework::clients::Names;
use casekeep::ClientId;
use common::*;

/// The real binary, unlocked and waiting for its input, may never dump core: its core
/// size limit is 0, soft and hard (and `hardening`'s unit test checks PR_SET_DUMPABLE).
#[test]
fn an_unlocked_cli_process_cannot_dump_core() {
    use std::io::Write;
    let s = common::Scratch::new();
    s.init_with_worker();
    let pf = s.pass_file(common::WORKER_PASS);
    let mut child = Command::new(env!("CARGO_BIN_EXE_casekeep"))
        .args(["--vault", s.vault().to_str().unwrap(), "--user", "cara", "--passphrase-file"])
        .arg(&pf)
        .args(["client", "add", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The limit is set first thing; read it while the child is alive (waiting on stdin).
    std::thread::sleep(Duration::from_millis(300));
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap().to_string();
    child.stdin.take().unwrap().write_all(common::ADA.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], &["0", "0"], "{core}");
}

#[test]
fn memory_security_is_on_for_every_keyed_connection() {
    let s = Scratch::new();
    fast_vault(&s.vault());
    let mut session = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let on: String =
        session.raw_connection().query_row("PRAGMA cipher_memory_security", [], |r| r.get(0)).unwrap();
    assert_eq!(on, "1", "PRAGMA cipher_memory_security is not on");
    drop(session);
    // And through the real binary's own connection: a fresh process, nothing set by this one.
    s.add_client(ADA);
}

const CLIENTS: usize = 150;

/// The workload, in this process; prints one line of figures. Runs only when asked to by
/// `cipher_memory_security_cost`.
#[test]
#[ignore]
fn memory_security_workload_child() {
    let Ok(mode) = std::env::var("CASEKEEP_MEMSEC_CHILD") else { return };
    if mode == "off" {
        casekeep::support::db::test_hooks::leave_memory_security_off();
    }
    let s = Scratch::new();
    fast_vault(&s.vault());

    let t = Instant::now();
    for _ in 0..10 {
        drop(unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap());
    }
    let unlock = t.elapsed() / 10;

    let mut session = unlock_now(&s.vault(), "cara", WORKER_PASS).unwrap();
    let state: String =
        session.raw_connection().query_row("PRAGMA cipher_memory_security", [], |r| r.get(0)).unwrap();
    assert_eq!(state, if mode == "on" { "1" } else { "0" });
    let t = Instant::now();
    let cpu0 = cpu_ms();
    let mut ids = Vec::new();
    for i in 0..CLIENTS {
        let mut ada: serde_json::Value = serde_json::from_str(ADA).unwrap();
        ada["full_name"] = serde_json::json!(format!("Memory Client {i}"));
        ada["case_reference"] = serde_json::json!(format!("MEM-{i}"));
        ids.push(session.add_client(ada.to_string().as_bytes()).unwrap());
    }
    for (i, id) in ids.iter().enumerate() {
        let patch = serde_json::json!({"notes": [{"text": format!("follow-up {i}")}]}).to_string();
        session.update_client(*id, patch.as_bytes()).unwrap();
    }
    let write = t.elapsed();

    let t = Instant::now();
    for _ in 0..20 {
        assert_eq!(session.list_clients(None, Names::Hidden).unwrap().len(), CLIENTS);
        assert!(!session.list_clients(Some("memory client 1"), Names::Hidden).unwrap().is_empty());
    }
    for id in &ids {
        session.consent_report(ClientId(id.0)).unwrap();
    }
    assert!(session.check().unwrap().ok);
    let read = t.elapsed();
    let cpu = cpu_ms() - cpu0;
    println!(
        "MEMSEC {mode} unlock_ms={:.2} write_ms={:.1} read_ms={:.1} workload_cpu_ms={cpu:.0}",
        ms(unlock),
        ms(write),
        ms(read)
    );
}

/// User + system CPU time of this process so far, in ms (from /proc; 100 ticks a second).
/// Memory security costs CPU (wiping, mlock/munlock calls), not disk waits, so CPU time
/// shows its cost without the noise of other work on the machine.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    // Fields 14 and 15 of stat(5), counted from after the command name (field 3 is f[0]).
    (f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap()) * 10.0
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[test]
#[ignore]
fn cipher_memory_security_cost() {
    let rounds = env_u64("CASEKEEP_MEMSEC_ROUNDS", 3);
    let mut figures: std::collections::BTreeMap<&str, Vec<[f64; 4]>> = Default::default();
    for _ in 0..rounds {
        for mode in ["off", "on"] {
            let out = Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "memory_security_workload_child",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env("CASEKEEP_MEMSEC_CHILD", mode)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
            let line = text.lines().find_map(|l| l.find("MEMSEC").map(|i| &l[i..])).unwrap();
            let nums: Vec<f64> = line
                .split_whitespace()
                .filter_map(|w| w.split('=').nth(1))
                .map(|v| v.parse().unwrap())
                .collect();
            figures.entry(mode).or_default().push([nums[0], nums[1], nums[2], nums[3]]);
            eprintln!("{line}");
        }
    }
    let median = |mode: &str, k: usize| {
        let mut v: Vec<f64> = figures[mode].iter().map(|f| f[k]).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let best = |mode: &str, k: usize| figures[mode].iter().map(|f| f[k]).fold(f64::INFINITY, f64::min);
    for (k, what) in
        ["unlock (64 MiB, 1 pass)", "write (150 adds + 150 updates)", "read + check", "write + read CPU"]
            .iter()
            .enumerate()
    {
        let (off, on) = (median("off", k), median("on", k));
        let (boff, bon) = (best("off", k), best("on", k));
        eprintln!(
            "{what}: median off {off:.1} ms, on {on:.1} ms, {:+.1}%; best off {boff:.1} ms, on {bon:.1} ms, {:+.1}%",
            (on / off - 1.0) * 100.0,
            (bon / boff - 1.0) * 100.0
        );
    }
}
